"""Admin: documents are viewed, uploaded through ``attach_document``, verified and deleted under the same rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from django_documents import conf
from django_documents.exceptions import DocumentsError, VerificationFailedError
from django_documents.models import Document, deletion_refusal
from django_documents.services import attach_document, delete_document, verify_document


class DocumentUploadForm(forms.ModelForm):
    """The add form: a target, a file, a retention policy and an optional (backdated) effective time, handed to
    ``attach_document`` when valid."""

    target_type = forms.ModelChoiceField(queryset=ContentType.objects.order_by("app_label", "model"))
    target_object_id = forms.CharField(label="Target id", max_length=255)
    upload = forms.FileField(label="File")
    retention_policy = forms.ChoiceField(required=False)
    effective_at = forms.DateTimeField(
        required=False, help_text="When it holds in the business (signed, valid from); empty: now. Not in the future."
    )

    class Meta:
        model = Document
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.request: HttpRequest | None = kwargs.pop("request", None)
        super().__init__(*args, **kwargs)
        policies = conf.retention_policies()
        retention_field = cast(forms.ChoiceField, self.fields["retention_policy"])
        retention_field.choices = [("", "none")] + [(name, name) for name in sorted(policies)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        content_type: ContentType = cleaned["target_type"]
        try:
            target = content_type.get_object_for_this_type(pk=cleaned["target_object_id"])
        except (ObjectDoesNotExist, ValidationError, ValueError):
            self.add_error("target_object_id", f"No {content_type} has this id.")
            return cleaned
        # Attached here, not in save(), so that a refusal is shown on the form like any other error.
        try:
            self.instance = attach_document(
                target=target,
                file=cleaned["upload"],
                uploaded_by=getattr(self.request, "user", None),
                retention_policy=cleaned.get("retention_policy") or "",
                effective_at=cleaned.get("effective_at"),
            )
        except DocumentsError as exc:
            self.add_error("upload", str(exc))
        return cleaned

    def _post_clean(self) -> None:
        # The instance is the stored document (or an empty one after a refusal): nothing to validate.
        pass


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Documents are read-only: a changed file is uploaded as a new document (``replace_document``)."""

    list_display = (
        "original_filename",
        "version",
        "target_type",
        "target_id",
        "detected_content_type",
        "size",
        "uploaded_by",
        "effective_at",
        "recorded_at",
        "retain_until",
    )
    list_filter = ("target_type", "detected_content_type", "retention_policy")
    search_fields = ("original_filename", "target_id", "sha256", "=id")
    date_hierarchy = "recorded_at"
    list_select_related = ("target_type", "uploaded_by")
    actions = ["verify_selected"]
    readonly_fields = (
        "id",
        "target_type",
        "target_id",
        "target",
        "file",
        "original_filename",
        "declared_content_type",
        "detected_content_type",
        "size",
        "sha256",
        "uploaded_by",
        "effective_at",
        "recorded_at",
        "created_at",
        "supersedes",
        "newer_version",
        "lineage",
        "version",
        "retention_policy",
        "retain_until",
    )

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        # The upload fields are the form's own; none of the model's fields is edited.
        kwargs.update(form=DocumentUploadForm, fields=[])
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class RequestUploadForm(form_class):  # type: ignore[valid-type, misc]
            def __init__(self, *args: Any, **form_kwargs: Any) -> None:
                super().__init__(*args, request=request, **form_kwargs)

        return RequestUploadForm

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [
                (None, {"fields": ["target_type", "target_object_id", "upload", "retention_policy", "effective_at"]})
            ]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else ()

    @admin.display(description="target")
    def target(self, obj: Document) -> str:
        target = obj.target
        return str(target) if target is not None else "(missing)"

    @admin.display(description="superseded by")
    def newer_version(self, obj: Document) -> str:
        successor = Document.objects.filter(supersedes=obj).first()
        return f"{successor} ({successor.pk})" if successor is not None else "-"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and deletion_refusal([obj], using=obj._state.db) is not None:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        delete_action = actions.get("delete_selected")
        if delete_action is not None:
            _function, name, description = delete_action
            actions["delete_selected"] = (type(self).delete_selected_documents, name, description)
        return actions

    @staticmethod
    def delete_selected_documents(modeladmin: DocumentAdmin, request: HttpRequest, queryset: QuerySet) -> Any:
        """Django's "delete selected" action, refused up front (with the reason) if one of them may not go."""
        refusal = deletion_refusal(list(queryset), using=queryset.db)
        if refusal is not None:
            modeladmin.message_user(request, f"Nothing was deleted: {refusal}", messages.ERROR)
            return None
        return delete_selected(modeladmin, request, queryset)

    def save_model(self, request: HttpRequest, obj: Document, form: Any, change: bool) -> None:
        # The upload form stored the document through attach_document already.
        pass

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass

    def delete_model(self, request: HttpRequest, obj: Document) -> None:
        delete_document(obj, by=request.user)

    @admin.action(description="Verify the checksum of the selected documents")
    def verify_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        failures = 0
        for document in queryset:
            try:
                verify_document(document)
            except VerificationFailedError as exc:
                failures += 1
                self.message_user(request, str(exc), messages.ERROR)
        verified = queryset.count() - failures
        self.message_user(request, f"{verified} document(s) verified intact.", messages.SUCCESS)
