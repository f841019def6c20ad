"""Admin for tags, object tags and notes. A note's content changed in the admin goes through ``edit_note()``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.html import format_html

from django_basemodels.admin import OrgOwnedAdminMixin
from django_notes.models import Note, NoteRevision, ObjectTag, Tag
from django_notes.services import edit_note


@admin.register(Tag)
class TagAdmin(OrgOwnedAdminMixin, admin.ModelAdmin):
    """The organization of a tag is chosen when it is added and fixed afterwards (its links belong to it)."""

    list_display = ("name", "slug", "org_key", "swatch", "created_at")
    list_filter = ("org_key",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    @admin.display(description="colour", ordering="color")
    def swatch(self, tag: Tag) -> str:
        return format_html(
            '<span style="display:inline-block;width:1em;height:1em;background:{};vertical-align:middle"></span> {}',
            tag.color,
            tag.color,
        )


@admin.register(ObjectTag)
class ObjectTagAdmin(admin.ModelAdmin):
    list_display = ("tag", "tag__org_key", "target_type", "target_id", "created_at")
    list_filter = ("tag__org_key", "tag", "target_type")
    search_fields = ("target_id", "tag__name", "tag__slug")
    list_select_related = ("tag", "target_type")
    autocomplete_fields = ("tag",)


class NoteRevisionInline(admin.TabularInline):
    """The texts a note had before each edit: read-only, as revisions are append-only."""

    model = NoteRevision
    fields = ("edited_at", "edited_by", "effective_at", "recorded_at", "content")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ("__str__", "target_type", "target_id", "visibility", "author", "effective_at", "recorded_at")
    list_filter = ("visibility", "target_type")
    search_fields = ("content", "target_id")
    list_select_related = ("target_type", "author")
    # The two times are fixed when a note is added (effective_at: the time of recording in the admin).
    readonly_fields = ("author", "effective_at", "recorded_at", "created_at", "edited_at")
    inlines = [NoteRevisionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Note | None = None) -> tuple[str, ...]:
        if obj is None:
            return self.readonly_fields
        return (*self.readonly_fields, "target_type", "target_id")

    def save_model(self, request: HttpRequest, obj: Note, form: Any, change: bool) -> None:
        if not change:
            user = request.user  # the admin lets staff in only: never anonymous
            obj.author = None if isinstance(user, AnonymousUser) else user
            obj.save()
            return
        new_content = obj.content
        if "content" in form.changed_data:
            # Save the other fields against the stored text, then edit: the old text becomes a revision.
            obj.content = form.initial["content"]
        obj.save()
        edit_note(obj, content=new_content, by=request.user)
