"""Notes and tags on patients, visits and invoices. Module ``notes``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from api.fields import free_text
from api.permissions import ModuleView, ModuleViewSet
from api.targets import TargetFilter, TargetInput, target_reference
from api.writes import validated, write
from clinic.organizations import clinic_org
from django_notes.models import Note, Tag, Visibility
from django_notes.selectors import notes_for, tags_for
from django_notes.services import add_note, edit_note, tag_object, untag_object


class NoteSerializer(serializers.ModelSerializer):
    target = serializers.SerializerMethodField()
    author: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    revisions = serializers.IntegerField(source="revisions.count", read_only=True)

    class Meta:
        model = Note
        fields = [
            "id",
            "target",
            "content",
            "visibility",
            "author",
            "recorded_at",
            "effective_at",
            "edited_at",
            "revisions",
        ]

    def get_target(self, note: Note) -> dict | None:
        return target_reference(note.target)


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["slug", "name", "color"]


class NoteInput(TargetInput):
    content = free_text(trim_whitespace=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False, default=None)


class EditInput(serializers.Serializer):
    content = free_text(trim_whitespace=False)


MAX_TAGS = 50


class TagsInput(TargetInput):
    tags = serializers.ListField(child=serializers.CharField(max_length=100), allow_empty=False, max_length=MAX_TAGS)


class TaggedSerializer(serializers.Serializer):
    target = serializers.DictField()
    tags = TagSerializer(many=True)


class NoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    """Notes, newest first; ``?target_type=&target_id=`` for one object. ``.../edit/`` keeps the old text."""

    rbac_module = "notes"
    serializer_class = NoteSerializer
    filters = TargetFilter

    def get_queryset(self):
        query = self.filter_values() if self.action == "list" else {}
        if "target" in query:
            return notes_for(query["target"]).select_related("author")
        notes = Note.objects.select_related("author").prefetch_related("target")
        return notes.order_by("-effective_at", "-recorded_at")

    @extend_schema(request=NoteInput, responses={201: NoteSerializer})
    def create(self, request):
        data = validated(NoteInput, request.data)

        def perform(key):
            note = add_note(**data, author=request.user)
            return note, NoteSerializer(note).data

        return write(request, operation="notes.add", perform=perform)

    @extend_schema(request=EditInput, responses={201: NoteSerializer})
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        """Replace the text, keeping the old one as a revision: the author only, or a role with
        ``django_notes.change_note`` (403 otherwise)."""
        note = self.get_object()
        if note.author_id != request.user.pk and not request.user.has_perm("django_notes.change_note"):
            raise PermissionDenied("Only the note's author, or a role allowed to change notes, edits a note.")
        data = validated(EditInput, request.data)

        def perform(key):
            edited = edit_note(note, content=data["content"], by=request.user)
            return edited, NoteSerializer(edited).data

        return write(request, operation="notes.edit", perform=perform)


class TagsView(ModuleView):
    """``GET ?target_type=&target_id=``: an object's tags. ``POST`` tags it, ``DELETE`` (same body) untags."""

    rbac_module = "notes"
    filters = TargetInput

    @extend_schema(responses=TaggedSerializer)
    def get(self, request):
        target = self.filter_values()["target"]
        tags = TagSerializer(tags_for(target, org=clinic_org()), many=True).data
        return Response({"target": target_reference(target), "tags": tags})

    @extend_schema(request=TagsInput, responses={201: TaggedSerializer})
    def post(self, request):
        data = validated(TagsInput, request.data)

        def perform(key):
            tag_object(target=data["target"], tags=data["tags"], org=clinic_org())
            tags = TagSerializer(tags_for(data["target"], org=clinic_org()), many=True).data
            return data["target"], {"target": target_reference(data["target"]), "tags": tags}

        return write(request, operation="notes.tag", perform=perform)

    @extend_schema(request=TagsInput, responses={200: TaggedSerializer})
    def delete(self, request):
        data = validated(TagsInput, request.data)

        def perform(key):
            untag_object(target=data["target"], tags=data["tags"], org=clinic_org())
            tags = TagSerializer(tags_for(data["target"], org=clinic_org()), many=True).data
            return data["target"], {"target": target_reference(data["target"]), "tags": tags}

        return write(request, operation="notes.untag", perform=perform, status_code=200)
