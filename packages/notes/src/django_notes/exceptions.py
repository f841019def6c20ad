"""The exceptions of django-notes: one base class and a typed subclass per refused request."""


class NotesError(Exception):
    """Base class of every error this package raises."""


class InvalidTargetError(NotesError, ValueError):
    """The target is not a saved model instance (no primary key), so nothing can point at it."""


class InvalidNoteError(NotesError, ValueError):
    """Base class of the refusals of a note's content or visibility."""


class EmptyNoteError(InvalidNoteError):
    """The content is empty or only whitespace."""


class NoteTooLongError(InvalidNoteError):
    """The content is longer than ``NOTES_MAX_LENGTH``."""


class InvalidVisibilityError(InvalidNoteError):
    """The visibility is neither ``"internal"`` nor ``"external"``."""


class NoteEditError(NotesError):
    """A note's content was changed other than through ``edit_note()``, which keeps the previous text."""


class RevisionImmutableError(NotesError):
    """An update or delete of a ``NoteRevision``: revisions are append-only."""


class InvalidTagError(NotesError, ValueError):
    """A tag name that gives no slug, is too long, or a bare string where a list of tags was expected."""


class InvalidTagColorError(InvalidTagError):
    """A tag colour that is not ``#RRGGBB``."""


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
