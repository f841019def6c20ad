"""The exceptions django-documents raises: one base class, a subclass per refusal."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any


class DocumentsError(Exception):
    """Base class of every error raised by django-documents."""


class MissingTargetError(DocumentsError, ValueError):
    """The document would be attached to nothing: no target, an unsaved one, or one whose row is gone."""


class InvalidFileError(DocumentsError, ValueError):
    """``file`` is not a file: bytes, a path, ``None``... The message says what to pass instead."""


class InvalidUploaderError(DocumentsError, ValueError):
    """``uploaded_by`` (or ``by``) is not a saved user, an anonymous user or ``None``."""


class MissingFilenameError(DocumentsError, ValueError):
    """The file has no name and no ``filename=`` was given: the original filename is part of a document."""


class FilenameTooLongError(DocumentsError, ValueError):
    """The file's name, without directories, is longer than the 255 characters its column holds."""


class EmptyFileError(DocumentsError, ValueError):
    """The file has no bytes."""


class FileTooLargeError(DocumentsError, ValueError):
    """The file is larger than ``DOCUMENTS_MAX_FILE_SIZE``.

    Reading stops with the first chunk that goes over the limit, so ``size_read`` (more than
    ``limit``) is what was read when the upload was refused, not necessarily the whole file's size.
    """

    def __init__(self, *, size_read: int, limit: int) -> None:
        self.size_read = size_read
        self.limit = limit
        super().__init__(f"The file is larger than the limit of {limit} bytes (DOCUMENTS_MAX_FILE_SIZE).")


class ContentTypeNotAllowedError(DocumentsError, ValueError):
    """The declared or detected content type is malformed or not in ``DOCUMENTS_ALLOWED_CONTENT_TYPES``.

    ``source`` is ``"declared"`` (what the upload or caller said) or ``"detected"`` (what the bytes
    and the filename say).
    """

    def __init__(self, *, content_type: str, source: str, allowed: Iterable[str] | None = None) -> None:
        self.content_type = content_type
        self.source = source
        self.allowed = tuple(allowed) if allowed is not None else None
        if self.allowed is None:
            message = f"The {source} content type {content_type!r} is not a valid 'type/subtype'."
        else:
            message = (
                f"The {source} content type {content_type!r} is not allowed "
                f"(DOCUMENTS_ALLOWED_CONTENT_TYPES: {', '.join(self.allowed) or 'none'})."
            )
        super().__init__(message)


class UnknownRetentionPolicyError(DocumentsError, ValueError):
    """The retention policy is not a key of ``DOCUMENTS_RETENTION_POLICIES``."""

    def __init__(self, policy: str, known: Iterable[str]) -> None:
        self.policy = policy
        self.known = tuple(known)
        super().__init__(
            f"Unknown retention policy {policy!r}; DOCUMENTS_RETENTION_POLICIES defines: "
            f"{', '.join(self.known) or 'none'}."
        )


class InvalidRetentionError(DocumentsError, ValueError):
    """``retain_until`` is not an aware datetime, or is given together with a retention policy."""


class InvalidDatetimeError(DocumentsError, ValueError):
    """``effective_at``, ``as_of`` or ``known_at`` is not a timezone-aware datetime, or ``effective_at`` is in the
    future. ``name`` is the argument, ``value`` what was given; the message says what to pass instead."""

    def __init__(self, message: str, *, name: str, value: Any) -> None:
        self.name = name
        self.value = value
        super().__init__(message)


class MissingPreviousVersionError(DocumentsError, ValueError):
    """``supersedes`` is not a stored document (unsaved, or deleted meanwhile)."""


class SupersedesOtherTargetError(DocumentsError, ValueError):
    """The document to supersede is attached to another object: a version history has one target."""


class AlreadySupersededError(DocumentsError):
    """The document was already superseded: history is linear, a version has at most one successor."""

    def __init__(self, document: Any, successor_id: Any) -> None:
        self.document = document
        self.successor_id = successor_id
        super().__init__(
            f"Document {document.pk} is already superseded by document {successor_id}; supersede that one instead."
        )


class DocumentImmutableError(DocumentsError):
    """A stored document was about to be changed. A new file is a new document that supersedes it."""


class RetentionActiveError(DocumentsError):
    """A document may not be deleted before its ``retain_until``."""

    def __init__(self, document: Any, retain_until: datetime.datetime) -> None:
        self.document = document
        self.retain_until = retain_until
        super().__init__(f"Document {document.pk} is retained until {retain_until.isoformat()}; it cannot be deleted.")


class NewerVersionExistsError(DocumentsError):
    """A document that a newer version supersedes may not be deleted on its own: delete the newer one first."""

    def __init__(self, document: Any, successor_id: Any) -> None:
        self.document = document
        self.successor_id = successor_id
        super().__init__(
            f"Document {document.pk} is superseded by document {successor_id}, which keeps it as history; "
            "delete the newer version first (or both together)."
        )


class VerificationFailedError(DocumentsError):
    """Base class of the errors ``verify_document`` raises: the stored file is not the one recorded."""

    def __init__(self, message: str, *, document: Any) -> None:
        self.document = document
        super().__init__(message)


class StoredFileMissingError(VerificationFailedError):
    """The document's file is not in its storage."""

    def __init__(self, document: Any) -> None:
        super().__init__(
            f"Document {document.pk}: the stored file {document.file.name!r} is missing.", document=document
        )


class ChecksumMismatchError(VerificationFailedError):
    """The stored file's SHA-256 (or size) differs from the one recorded at upload."""

    def __init__(self, document: Any, *, expected: str, actual: str, expected_size: int, actual_size: int) -> None:
        self.expected = expected
        self.actual = actual
        self.expected_size = expected_size
        self.actual_size = actual_size
        super().__init__(
            f"Document {document.pk}: the stored file {document.file.name!r} has SHA-256 {actual} "
            f"({actual_size} bytes), expected {expected} ({expected_size} bytes).",
            document=document,
        )


# The names before 0.2.0, kept as aliases for one release (deprecated: use the ...Error names).
MissingTarget = MissingTargetError
MissingFilename = MissingFilenameError
FilenameTooLong = FilenameTooLongError
EmptyFile = EmptyFileError
FileTooLarge = FileTooLargeError
ContentTypeNotAllowed = ContentTypeNotAllowedError
UnknownRetentionPolicy = UnknownRetentionPolicyError
InvalidRetention = InvalidRetentionError
MissingPreviousVersion = MissingPreviousVersionError
SupersedesOtherTarget = SupersedesOtherTargetError
AlreadySuperseded = AlreadySupersededError
DocumentImmutable = DocumentImmutableError
RetentionActive = RetentionActiveError
NewerVersionExists = NewerVersionExistsError
VerificationFailed = VerificationFailedError
StoredFileMissing = StoredFileMissingError
ChecksumMismatch = ChecksumMismatchError
