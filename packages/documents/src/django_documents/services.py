"""Write paths: attach a file to an object, replace it by a new version, verify a stored file, delete a document."""

from __future__ import annotations

import datetime
import logging
import os
import uuid
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import File
from django.db import IntegrityError, models, router, transaction
from django.utils import timezone

from django_basemodels.arguments import renamed_keywords, require_aware, require_saved, require_user
from django_basemodels.fields import canonical_object_id
from django_basemodels.limits import text_within_limit
from django_documents import conf
from django_documents.content_types import detect_content_type, is_allowed, is_well_formed, normalize_content_type
from django_documents.exceptions import (
    AlreadySupersededError,
    ChecksumMismatchError,
    ContentTypeNotAllowedError,
    EmptyFileError,
    FilenameTooLongError,
    InvalidFileError,
    InvalidRetentionError,
    InvalidUploaderError,
    MissingFilenameError,
    MissingPreviousVersionError,
    MissingTargetError,
    StoredFileMissingError,
    SupersedesOtherTargetError,
    UnknownRetentionPolicyError,
)
from django_documents.storage import documents_storage, original_basename
from django_documents.streams import digest_chunks, spool_upload
from django_documents.times import require_datetime

if TYPE_CHECKING:
    from django.contrib.contenttypes.models import ContentType

    from django_documents.models import Document

logger = logging.getLogger("django_documents")


def attach_document(
    *,
    target: models.Model,
    file: File | IO[bytes],
    uploaded_by: Any = None,
    filename: str | None = None,
    content_type: str | None = None,
    supersedes: Document | None = None,
    retention_policy: str = "",
    retain_until: datetime.datetime | None = None,
    effective_at: datetime.datetime | None = None,
) -> Document:
    """Store ``file`` and record it as a new ``Document`` attached to ``target``; return the document.

    The file is read once, in chunks: its SHA-256 and size are computed from the bytes that get
    stored, its content type is detected from its first bytes and its name. ``filename`` and
    ``content_type`` override the file's own ``name`` and ``content_type`` (an ``UploadedFile``'s
    declared type). The file goes to ``documents/<yyyy>/<mm>/<document id>-<safe name>`` in the
    storage named by ``DOCUMENTS_STORAGE``; the client's name is kept as data only.

    ``supersedes`` makes the new document the next version of a stored document of the same target.
    ``retention_policy`` (a key of ``DOCUMENTS_RETENTION_POLICIES``) sets ``retain_until`` to now plus
    its duration; or give ``retain_until`` itself. ``effective_at`` is when the document holds in the
    business (the day a contract was signed, a certificate is valid from): an aware datetime at or before
    now, default the time it is recorded; ``recorded_at`` is always set by the server. ``uploaded_by`` is a
    user or ``None`` (an anonymous user is stored as ``None``).

    Every check runs before anything is written, and when one fails nothing is: no row, no file.
    Raises ``MissingTargetError`` (no target, unsaved, or its row is gone), ``InvalidFileError`` (``file`` is
    bytes, a path or anything else than a file), ``InvalidUploaderError`` (``uploaded_by`` not a user),
    ``MissingFilenameError``,
    ``FilenameTooLongError`` (a name, without directories, longer than 255 characters: it is kept whole or not at all),
    ``ContentTypeNotAllowedError`` (declared type malformed or not allowed, or detected type not allowed),
    ``UnknownRetentionPolicyError``, ``InvalidRetentionError``, ``InvalidDatetimeError`` (``effective_at`` naive,
    not a datetime, or in the future), ``MissingPreviousVersionError``,
    ``SupersedesOtherTargetError``, ``AlreadySupersededError`` (also when a concurrent call superseded the same
    document first), ``EmptyFileError``, ``FileTooLargeError``; ``ImproperlyConfigured`` for bad settings. If
    storing the row fails after the file was saved, the file is deleted before the error propagates.
    """
    from django_documents.models import Document

    target_type, target_id = _resolve_target(target)
    upload = _file_of(file)
    original_filename = original_basename(filename if filename is not None else (upload.name or ""))
    if not original_filename:
        raise MissingFilenameError("The file has no name; pass filename='...' (the name the document is known by).")
    filename_limit = Document._meta.get_field("original_filename").max_length
    assert filename_limit is not None  # a CharField's
    text_within_limit(
        original_filename,
        name="The filename",
        limit=filename_limit,
        error=FilenameTooLongError,
    )
    declared = normalize_content_type(content_type if content_type is not None else getattr(upload, "content_type", ""))
    allowed = conf.allowed_content_types()
    if declared and not is_well_formed(declared):
        raise ContentTypeNotAllowedError(content_type=declared, source="declared")
    if declared and not is_allowed(declared, allowed):
        raise ContentTypeNotAllowedError(content_type=declared, source="declared", allowed=allowed)
    now = timezone.now()
    retention_policy, retain_until = _retention(retention_policy, retain_until, now)
    if effective_at is not None:
        effective_at = require_datetime(effective_at, name="effective_at", not_in_future=True)
    lineage, version = _next_version(supersedes, target_type, target_id)
    max_size = conf.max_file_size()
    conf.storage_alias()  # a bad alias raises ImproperlyConfigured here, before reading the file
    user = _uploader(uploaded_by)

    document_id = uuid.uuid4()
    document = Document(
        id=document_id,
        target_type=target_type,
        target_id=target_id,
        original_filename=original_filename,
        declared_content_type=declared,
        uploaded_by=user,
        created_at=now,
        supersedes=supersedes,
        lineage=lineage or document_id,
        version=version,
        retention_policy=retention_policy,
        retain_until=retain_until,
    )
    if effective_at is not None:  # else the recording time, stamped with recorded_at on insert
        document.effective_at = effective_at
    storage = documents_storage()
    with spool_upload(upload, max_size=max_size) as spooled:
        if spooled.size == 0:
            raise EmptyFileError(f"The file {original_filename!r} is empty.")
        detected = detect_content_type(spooled.head, original_filename)
        if not is_allowed(detected, allowed):
            raise ContentTypeNotAllowedError(content_type=detected, source="detected", allowed=allowed)
        document.detected_content_type = detected
        document.size = spooled.size
        document.sha256 = spooled.sha256
        name = Document._meta.get_field("file").generate_filename(document, original_filename)
        document.file = storage.save(name, File(spooled.file, name=name), max_length=255)

    try:
        with transaction.atomic(using=router.db_for_write(Document)):
            document.save(force_insert=True)
    except IntegrityError as exc:
        storage.delete(document.file.name)
        successor = _successor_id(supersedes) if supersedes is not None else None
        if successor is not None:
            raise AlreadySupersededError(supersedes, successor) from exc
        raise
    except BaseException:
        storage.delete(document.file.name)
        raise
    logger.info(
        "Stored document %s (%s, %s bytes) for %s %s.",
        document.pk,
        original_filename,
        document.size,
        target_type,
        target_id,
    )
    return document


@renamed_keywords(uploaded_by="by")
def replace_document(
    document: Document,
    *,
    file: File | IO[bytes],
    by: Any = None,
    filename: str | None = None,
    content_type: str | None = None,
    retention_policy: str | None = None,
    retain_until: datetime.datetime | None = None,
    effective_at: datetime.datetime | None = None,
) -> Document:
    """Attach ``file`` to ``document``'s target as the next version of ``document``; return the new document.

    ``attach_document(target=document.target, supersedes=document, uploaded_by=by, ...)``, except that the new
    version takes ``document``'s retention policy (with a new ``retain_until`` from now) unless
    ``retention_policy`` or ``retain_until`` is given. ``effective_at`` (default: the time it is recorded)
    is when the new version holds in the business. ``document`` itself is not changed: it stays
    in the history, no longer current. Raises what ``attach_document`` raises.
    """
    _uploader(by, name="by")  # refused under its own name, before attach_document checks it as uploaded_by
    target = document.target
    if target is None:
        raise MissingTargetError(f"The target of document {document.pk} does not exist (any more).")
    if retention_policy is None:
        retention_policy = "" if retain_until is not None else document.retention_policy
    return attach_document(
        target=target,
        file=file,
        uploaded_by=by,
        filename=filename,
        content_type=content_type,
        supersedes=document,
        retention_policy=retention_policy,
        retain_until=retain_until,
        effective_at=effective_at,
    )


def verify_document(document: Document) -> None:
    """Read the stored file again and check that its SHA-256 and size are the recorded ones.

    Streams the file in chunks. Raises ``StoredFileMissingError`` when the storage has no such file and
    ``ChecksumMismatchError`` (with ``expected``/``actual`` digests and sizes) when its bytes differ;
    both are ``VerificationFailedError``. Returns ``None`` when the file is intact.
    """
    name = document.file.name
    storage = document.file.storage
    if not name or not storage.exists(name):
        raise StoredFileMissingError(document)
    try:
        with storage.open(name, "rb") as stored:
            actual, actual_size = digest_chunks(stored.chunks())
    except FileNotFoundError as exc:  # deleted between exists() and open()
        raise StoredFileMissingError(document) from exc
    if actual != document.sha256 or actual_size != document.size:
        raise ChecksumMismatchError(
            document, expected=document.sha256, actual=actual, expected_size=document.size, actual_size=actual_size
        )


@renamed_keywords(deleted_by="by")
def delete_document(document: Document, *, by: Any = None) -> None:
    """Delete ``document``: its row now, its file once the transaction commits.

    Raises ``RetentionActiveError`` before ``retain_until`` and ``NewerVersionExistsError`` if a newer
    version supersedes it (delete that one first); then nothing is deleted. The deletion and the
    acting user ``by`` are logged on the ``django_documents`` logger.
    """
    document_id = document.pk
    document.delete()
    logger.info("Deleted document %s (%s), by %s.", document_id, document.original_filename, by)


def _resolve_target(target: Any) -> tuple[ContentType, str]:
    from django.contrib.contenttypes.models import ContentType

    try:
        require_saved(target, name="target", error=MissingTargetError)
    except MissingTargetError as exc:
        if isinstance(target, models.Model):
            hint = f"save it first ({type(target).__name__}.objects.create(...) or .save()), then attach the file"
        elif target is None:
            hint = "pass the saved instance the document belongs to, e.g. target=invoice"
        else:
            hint = "pass the model instance itself (e.g. target=invoice), not its key or name"
        raise MissingTargetError(f"{str(exc).rstrip('.')}: {hint}.") from None
    model = type(target)
    using = target._state.db or router.db_for_read(model, instance=target)
    if not model._base_manager.using(using).filter(pk=target.pk).exists():
        raise MissingTargetError(
            f"The target {model._meta.label} {target.pk} does not exist (any more): "
            "pass an instance whose row is in the database."
        )
    return ContentType.objects.db_manager(using).get_for_model(target), canonical_object_id(target.pk)


def _file_of(file: Any) -> File:
    """``file`` as a Django ``File``; ``InvalidFileError`` saying what to pass when it is not a file."""
    if isinstance(file, File):
        return file
    if isinstance(file, (bytes, bytearray, memoryview)):
        hint = "pass ContentFile(data, name='invoice.pdf') (django.core.files.base.ContentFile)"
        raise InvalidFileError(f"file must be a file, not {type(file).__name__}: {hint}.")
    if isinstance(file, (str, os.PathLike)):
        raise InvalidFileError(
            f"file must be a file, not the path {os.fspath(file)!r}: pass the upload itself "
            f"(request.FILES['file']) or an open file, File(open({os.fspath(file)!r}, 'rb'))."
        )
    if not callable(getattr(file, "read", None)):
        raise InvalidFileError(
            f"file must be an upload (request.FILES['file']), a django.core.files File or ContentFile, or a binary "
            f"file object, not {file!r}."
        )
    return File(file)


def _uploader(uploaded_by: Any, name: str = "uploaded_by") -> Any:
    """The user to record: ``None`` for nobody or an anonymous user; ``InvalidUploaderError`` for anything else."""
    if uploaded_by is None or getattr(uploaded_by, "is_anonymous", False):
        return None
    try:
        return require_user(uploaded_by, name=name, allow_none=True)
    except ValueError as exc:
        raise InvalidUploaderError(
            f"{str(exc).rstrip('.')}: pass the user who uploads the file (request.user), or None."
        ) from None


def _retention(
    policy: str, retain_until: datetime.datetime | None, now: datetime.datetime
) -> tuple[str, datetime.datetime | None]:
    if policy:
        if retain_until is not None:
            raise InvalidRetentionError("Give a retention policy or retain_until, not both.")
        policies = conf.retention_policies()
        if policy not in policies:
            raise UnknownRetentionPolicyError(policy, policies)
        return policy, now + policies[policy]
    if retain_until is not None and settings.USE_TZ:
        require_aware(retain_until, name="retain_until", error=InvalidRetentionError)
    elif retain_until is not None and not isinstance(retain_until, datetime.datetime):
        raise InvalidRetentionError(f"retain_until must be a datetime, not {type(retain_until).__name__}.")
    return "", retain_until


def _next_version(supersedes: Any, target_type: ContentType, target_id: str) -> tuple[uuid.UUID | None, int]:
    from django_documents.models import Document

    if supersedes is None:
        return None, 1
    require_saved(supersedes, name="supersedes", error=MissingPreviousVersionError, model=Document)
    stored = (
        Document.objects.filter(pk=supersedes.pk).values("target_type_id", "target_id", "lineage", "version").first()
    )
    if stored is None:
        raise MissingPreviousVersionError(
            f"Document {supersedes.pk} does not exist (any more): it cannot be superseded."
        )
    if (stored["target_type_id"], stored["target_id"]) != (target_type.pk, target_id):
        raise SupersedesOtherTargetError(
            f"Document {supersedes.pk} is attached to another object: a new version keeps the target of the old one."
        )
    successor = _successor_id(supersedes)
    if successor is not None:
        raise AlreadySupersededError(supersedes, successor)
    return stored["lineage"], stored["version"] + 1


def _successor_id(document: Document) -> Any:
    from django_documents.models import Document

    return Document.objects.filter(supersedes=document.pk).values_list("pk", flat=True).first()
