"""Notes (with kept revisions) and tags for any Django model.

Models come from ``django_notes.models`` (``Note``, ``NoteRevision``, ``Tag``, ``ObjectTag``),
writes from ``django_notes.services`` (``add_note``, ``edit_note``, ``tag_object``,
``untag_object``), reads from ``django_notes.selectors`` (``notes_for``, ``tags_for``,
``tagged``) and the relation a model adds from ``django_notes.fields`` (``TagsRelation``); they
need the app registry. The exceptions below are safe to import anywhere.
"""

from django_notes.exceptions import (
    EmptyNoteError,
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

__all__ = [
    "EmptyNoteError",
    "InvalidNoteError",
    "InvalidTagColorError",
    "InvalidTagError",
    "InvalidTargetError",
    "InvalidVisibilityError",
    "NoteEditError",
    "NoteTooLongError",
    "NotesError",
    "RevisionImmutableError",
]
