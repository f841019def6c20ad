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


class InvalidDatetimeError(NotesError, ValueError):
    """A time that is not a timezone-aware datetime (``effective_at``, ``as_of``, ``known_at``), or an
    ``effective_at`` in the future; the message says what to pass instead.

    ``name`` is the argument refused, ``value`` what was given.
    """

    def __init__(self, message: str, *, name: str = "", value: object = None) -> None:
        super().__init__(message)
        self.name = name
        self.value = value


class InvalidTagError(NotesError, ValueError):
    """A tag name that gives no slug, is too long, or a bare string where a list of tags was expected."""


class InvalidTagColorError(InvalidTagError):
    """A tag colour that is not ``#RRGGBB``."""


class CrossOrgTagError(InvalidTagError):
    """A ``Tag`` row of another organization than the one the call works in (its ``org=``); nothing was written.

    ``org_key`` is the ``org_key`` of the call's organization, ``tag_org_key`` the tag's (``""``: no
    organization), ``slug`` the tag's slug.
    """

    def __init__(self, message: str, *, org_key: str, tag_org_key: str, slug: str) -> None:
        super().__init__(message)
        self.org_key = org_key
        self.tag_org_key = tag_org_key
        self.slug = slug


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
]
