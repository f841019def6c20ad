"""Notes (with kept revisions) and tags for any Django model.

The services and selectors below are importable from the package root (``from django_notes import
add_note, tag_object, notes_for``) and are imported on first use, so ``import django_notes`` works before
the app registry is ready. Models come from ``django_notes.models`` (``Note``, ``NoteRevision``, ``Tag``,
``ObjectTag``) and the relation a model adds from ``django_notes.fields`` (``TagsRelation``).
"""

from typing import TYPE_CHECKING

from django_basemodels.exports import lazy_exports
from django_notes.exceptions import (
    CrossOrgTagError,
    EmptyNoteError,
    InvalidDatetimeError,
    InvalidNoteError,
    InvalidTagColorError,
    InvalidTagError,
    InvalidTargetError,
    InvalidVisibilityError,
    NoteEditError,
    NotesError,
    NoteTooLongError,
    RevisionImmutableError,
)

if TYPE_CHECKING:
    from django_notes.selectors import notes_for, tagged, tags_for
    from django_notes.services import add_note, edit_note, tag_object, untag_object

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "django_notes.services": ["add_note", "edit_note", "tag_object", "untag_object"],
        "django_notes.selectors": ["notes_for", "tagged", "tags_for"],
    },
)

__all__ = [
    "CrossOrgTagError",
    "EmptyNoteError",
    "InvalidDatetimeError",
    "InvalidNoteError",
    "InvalidTagColorError",
    "InvalidTagError",
    "InvalidTargetError",
    "InvalidVisibilityError",
    "NoteEditError",
    "NoteTooLongError",
    "NotesError",
    "RevisionImmutableError",
    "add_note",
    "edit_note",
    "notes_for",
    "tag_object",
    "tagged",
    "tags_for",
    "untag_object",
]
