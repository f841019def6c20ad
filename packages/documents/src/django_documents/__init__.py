"""Immutable documents attached to any Django model: ``attach_document(target=invoice, file=upload, uploaded_by=user)``.

The services and selectors below are importable from the package root (``from django_documents import
attach_document``) and are imported on first use, so ``import django_documents`` works before the app
registry is ready. The model is imported from ``django_documents.models``.
"""

from typing import TYPE_CHECKING

from django_basemodels.exports import lazy_exports
from django_documents.exceptions import (
    AlreadySuperseded,
    AlreadySupersededError,
    ChecksumMismatch,
    ChecksumMismatchError,
    ContentTypeNotAllowed,
    ContentTypeNotAllowedError,
    DocumentImmutable,
    DocumentImmutableError,
    DocumentsError,
    EmptyFile,
    EmptyFileError,
    FilenameTooLong,
    FilenameTooLongError,
    FileTooLarge,
    FileTooLargeError,
    InvalidDatetimeError,
    InvalidFileError,
    InvalidRetention,
    InvalidRetentionError,
    InvalidUploaderError,
    MissingFilename,
    MissingFilenameError,
    MissingPreviousVersion,
    MissingPreviousVersionError,
    MissingTarget,
    MissingTargetError,
    NewerVersionExists,
    NewerVersionExistsError,
    RetentionActive,
    RetentionActiveError,
    StoredFileMissing,
    StoredFileMissingError,
    SupersedesOtherTarget,
    SupersedesOtherTargetError,
    UnknownRetentionPolicy,
    UnknownRetentionPolicyError,
    VerificationFailed,
    VerificationFailedError,
)

if TYPE_CHECKING:
    from django_documents.selectors import current_version, documents_for, history, orphan_files
    from django_documents.services import attach_document, delete_document, replace_document, verify_document

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "django_documents.services": ["attach_document", "delete_document", "replace_document", "verify_document"],
        "django_documents.selectors": ["current_version", "documents_for", "history", "orphan_files"],
    },
)

__all__ = [
    "AlreadySuperseded",
    "AlreadySupersededError",
    "ChecksumMismatch",
    "ChecksumMismatchError",
    "ContentTypeNotAllowed",
    "ContentTypeNotAllowedError",
    "DocumentImmutable",
    "DocumentImmutableError",
    "DocumentsError",
    "EmptyFile",
    "EmptyFileError",
    "FileTooLarge",
    "FileTooLargeError",
    "FilenameTooLong",
    "FilenameTooLongError",
    "InvalidDatetimeError",
    "InvalidFileError",
    "InvalidRetention",
    "InvalidRetentionError",
    "InvalidUploaderError",
    "MissingFilename",
    "MissingFilenameError",
    "MissingPreviousVersion",
    "MissingPreviousVersionError",
    "MissingTarget",
    "MissingTargetError",
    "NewerVersionExists",
    "NewerVersionExistsError",
    "RetentionActive",
    "RetentionActiveError",
    "StoredFileMissing",
    "StoredFileMissingError",
    "SupersedesOtherTarget",
    "SupersedesOtherTargetError",
    "UnknownRetentionPolicy",
    "UnknownRetentionPolicyError",
    "VerificationFailed",
    "VerificationFailedError",
    "attach_document",
    "current_version",
    "delete_document",
    "documents_for",
    "history",
    "orphan_files",
    "replace_document",
    "verify_document",
]
