"""Immutable documents attached to any Django model: ``attach_document(target=invoice, file=upload, uploaded_by=user)``.

The model is imported from ``django_documents.models`` (it needs the app registry); everything below
is safe to import anywhere, and imports the model only when called.
"""

from django_documents.exceptions import (
    AlreadySuperseded,
    ChecksumMismatch,
    ContentTypeNotAllowed,
    DocumentImmutable,
    DocumentsError,
    EmptyFile,
    FilenameTooLong,
    FileTooLarge,
    InvalidRetention,
    MissingFilename,
    MissingPreviousVersion,
    MissingTarget,
    NewerVersionExists,
    RetentionActive,
    StoredFileMissing,
    SupersedesOtherTarget,
    UnknownRetentionPolicy,
    VerificationFailed,
)
from django_documents.keys import canonical_object_id, canonical_pk
from django_documents.selectors import current_version, documents_for, history, orphan_files
from django_documents.services import attach_document, delete_document, replace_document, verify_document

__all__ = [
    "AlreadySuperseded",
    "ChecksumMismatch",
    "ContentTypeNotAllowed",
    "DocumentImmutable",
    "DocumentsError",
    "EmptyFile",
    "FileTooLarge",
    "FilenameTooLong",
    "InvalidRetention",
    "MissingFilename",
    "MissingPreviousVersion",
    "MissingTarget",
    "NewerVersionExists",
    "RetentionActive",
    "StoredFileMissing",
    "SupersedesOtherTarget",
    "UnknownRetentionPolicy",
    "VerificationFailed",
    "attach_document",
    "canonical_object_id",
    "canonical_pk",
    "current_version",
    "delete_document",
    "documents_for",
    "history",
    "orphan_files",
    "replace_document",
    "verify_document",
]
