"""Documents: immutable files attached to patients, visits and invoices. Module ``documents``.

``POST /documents/`` is a multipart upload (``target_type``, ``target_id``, ``file``, optional
``retention_policy``); ``GET /documents/<id>/content/`` returns the stored bytes.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from api.parsers import FormParser, JSONParser, MultiPartParser
from api.permissions import ModuleViewSet
from api.targets import TargetFilter, TargetInput, target_reference
from api.writes import validated, write
from django_documents import attach_document, documents_for
from django_documents.models import Document


class DocumentSerializer(serializers.ModelSerializer):
    target = serializers.SerializerMethodField()
    uploaded_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Document
        fields = [
            "id",
            "target",
            "original_filename",
            "detected_content_type",
            "size",
            "sha256",
            "version",
            "supersedes",
            "retention_policy",
            "retain_until",
            "uploaded_by",
            "recorded_at",
            "effective_at",
        ]

    def get_target(self, document: Document) -> dict | None:
        return target_reference(document.target)


class UploadInput(TargetInput):
    file = serializers.FileField()
    retention_policy = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    """Current documents, newest first; ``?target_type=&target_id=`` for one patient, visit or invoice."""

    rbac_module = "documents"
    serializer_class = DocumentSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filters = TargetFilter

    def get_queryset(self):
        query = self.filter_values() if self.action == "list" else {}
        if "target" in query:
            return documents_for(query["target"]).select_related("uploaded_by").prefetch_related("target")
        return (
            Document.objects.current().select_related("uploaded_by").prefetch_related("target").order_by("-recorded_at")
        )

    @extend_schema(request={"multipart/form-data": UploadInput}, responses={201: DocumentSerializer})
    def create(self, request):
        data = validated(UploadInput, request.data)

        def perform(key):
            document = attach_document(
                target=data["target"],
                file=data["file"],
                uploaded_by=request.user,
                retention_policy=data["retention_policy"],
            )
            return document, DocumentSerializer(document).data

        return write(request, operation="documents.attach", perform=perform)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def content(self, request, pk=None):
        """The stored file, served with the detected content type."""
        document = self.get_object()
        return FileResponse(
            document.file.open("rb"),
            content_type=document.content_type,
            as_attachment=True,
            filename=document.original_filename,
        )
