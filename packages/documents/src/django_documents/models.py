"""``Document``: an immutable file attached to any model, with its checksum, content types, history and retention."""

from __future__ import annotations

import collections
import functools
import logging
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone

from django_basemodels.fields import ObjectIdField
from django_basemodels.generic import GenericForeignKey
from django_basemodels.guarantees import Refuse, Undeletable
from django_documents.exceptions import (
    DocumentImmutableError,
    DocumentsError,
    NewerVersionExistsError,
    RetentionActiveError,
)
from django_documents.fields import RecordedAtField
from django_documents.querysets import DocumentQuerySet
from django_documents.storage import document_upload_to, documents_storage

logger = logging.getLogger("django_documents")

# What the database says when SQL tries to change a document, or to delete one before its retain_until.
IMMUTABLE_MESSAGE = "django_documents_document is immutable: a new file is a new document that supersedes the old one"
RETAINED_MESSAGE = "django_documents_document: a document cannot be deleted before its retain_until"


class Document(models.Model):
    """A file attached to one model instance; never changed after creation.

    Create documents with ``attach_document`` / ``replace_document``: they stream the file once to
    hash and check it, and leave nothing behind when they refuse it. A new file for the same target
    is a new ``Document`` that ``supersedes`` the previous version; the versions of one history share
    ``lineage`` (the first version's id) and count up in ``version``. Every document has two times:
    ``effective_at``, when it holds in the business (signed, valid from; may be backdated, never in the
    future), and ``recorded_at``, when the system stored it (set by the server on insert). ``save()`` of a stored
    document and ``QuerySet.update()`` raise ``DocumentImmutableError``; deleting before ``retain_until``
    raises ``RetentionActiveError``. ``Meta.guarantees`` makes the database refuse any ``UPDATE``, and any
    ``DELETE`` before ``retain_until``, from any SQL (and SQLite's ``REPLACE`` of a stored row).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = ObjectIdField(
        max_length=255, help_text="The target's primary key: a UUID as 32 lowercase hex digits, other keys as text."
    )
    # django-basemodels' GenericForeignKey: prefetch_related("target") pairs targets and documents by the canonical id.
    target = GenericForeignKey("target_type", "target_id")
    file = models.FileField(upload_to=document_upload_to, storage=documents_storage, max_length=255)
    original_filename = models.CharField(max_length=255, help_text="The uploaded file's name, without directories.")
    declared_content_type = models.CharField(
        max_length=255, blank=True, help_text="What the upload (or the caller) said it is; empty if nothing."
    )
    detected_content_type = models.CharField(
        max_length=255, help_text="What its first bytes and its filename say it is: the type to serve it with."
    )
    size = models.PositiveBigIntegerField(help_text="In bytes.")
    sha256 = models.CharField("SHA-256", max_length=64, help_text="Hex digest of the stored bytes.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, help_text="Deprecated: when the upload began. Use recorded_at."
    )
    # recorded_at before effective_at: its pre_save fills an empty effective_at before that one is read.
    recorded_at = RecordedAtField(
        editable=False, db_index=True, help_text="When the system stored it: set by the server, never by a caller."
    )
    effective_at = models.DateTimeField(
        blank=True,
        db_index=True,
        help_text="When it holds in the business (signed, valid from): the recording time unless backdated.",
    )
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        # RESTRICT, not PROTECT: deleting a whole history at once is allowed, its old versions alone are not.
        on_delete=models.RESTRICT,
        related_name="superseded_by",
        help_text="The previous version of this document, which this one replaces.",
    )
    lineage = models.UUIDField(editable=False, help_text="The id of the first version of this document's history.")
    version = models.PositiveIntegerField(default=1, editable=False)
    retention_policy = models.CharField(max_length=100, blank=True, help_text="A key of DOCUMENTS_RETENTION_POLICIES.")
    retain_until = models.DateTimeField(null=True, blank=True, help_text="It cannot be deleted before.")

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-version"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="django_documents_target")]
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="django_documents_one_version_number"),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="django_documents_size_positive"),
            models.CheckConstraint(condition=~models.Q(sha256=""), name="django_documents_sha256_set"),
            models.CheckConstraint(
                condition=models.Q(supersedes__isnull=True, version=1)
                | models.Q(supersedes__isnull=False, version__gt=1),
                name="django_documents_version_follows_supersedes",
            ),
            # Backdating is allowed, future business times are not (the server stamps recorded_at last).
            models.CheckConstraint(
                condition=models.Q(effective_at__lte=models.F("recorded_at")),
                name="django_documents_effective_not_after_recorded",
            ),
        ]
        guarantees = [
            Refuse(name="immutable", events=["update"], message=IMMUTABLE_MESSAGE),
            Undeletable(
                name="retained",
                # The database's clock. SQLite holds Django's datetimes as UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]",
                # which compares with datetime('now') in text order. MariaDB and MySQL hold them as UTC
                # DATETIME(6) without a zone (USE_TZ = True, no database TIME_ZONE): UTC_TIMESTAMP(6) is that
                # clock, read once per statement like statement_timestamp(); NOW(6) would be the session's zone.
                when={
                    "sqlite": "OLD.retain_until IS NOT NULL AND OLD.retain_until > datetime('now')",
                    "postgresql": "OLD.retain_until IS NOT NULL AND OLD.retain_until > statement_timestamp()",
                    "mysql": "OLD.retain_until IS NOT NULL AND OLD.retain_until > UTC_TIMESTAMP(6)",
                },
                message=RETAINED_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_filename} (v{self.version})" if self.version > 1 else self.original_filename

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert a new document; raises ``DocumentImmutableError`` for a document already stored.

        ``attach_document`` is the way to create one: it computes ``sha256`` and ``size`` from the
        stored bytes. Saving a ``Document`` built by hand stores whatever it holds.
        """
        if not self._state.adding:
            raise DocumentImmutableError(
                f"Document {self.pk} is immutable: attach the new file as a document that supersedes it "
                "(replace_document)."
            )
        if not self.lineage:
            self.lineage = self.pk
        super().save(*args, **kwargs)

    def delete(self, using: str | None = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Delete the row and, once the transaction commits, the file.

        Raises ``RetentionActiveError`` before ``retain_until`` and ``NewerVersionExistsError`` when a newer
        version supersedes this one.
        """
        if self.pk is None:
            raise ValueError(f"{self._meta.object_name} object can't be deleted because its id attribute is None.")
        return delete_documents([self], using=using or router.db_for_write(Document, instance=self))

    delete.alters_data = True  # type: ignore[attr-defined]

    @property
    def content_type(self) -> str:
        """The content type to serve the file with: the detected one."""
        return self.detected_content_type

    @property
    def is_current(self) -> bool:
        """Whether no newer version supersedes this document (one query unless ``superseded_by`` is cached)."""
        try:
            self.superseded_by  # noqa: B018
        except Document.DoesNotExist:
            return True
        return False


def deletion_refusal(documents: Sequence[Document], *, using: str) -> DocumentsError | None:
    """The error that deleting ``documents`` together would raise, or ``None`` if they may be deleted.

    ``RetentionActiveError`` for a document before its ``retain_until``; ``NewerVersionExistsError`` for one
    that a document outside ``documents`` supersedes.
    """
    now = timezone.now()
    for document in documents:
        if document.retain_until is not None and document.retain_until > now:
            return RetentionActiveError(document, document.retain_until)
    ids = [document.pk for document in documents]
    successor = (
        Document._base_manager.using(using)
        .filter(supersedes__in=ids)
        .exclude(pk__in=ids)
        .values_list("supersedes_id", "pk")
        .first()
    )
    if successor is not None:
        superseded = next(document for document in documents if document.pk == successor[0])
        return NewerVersionExistsError(superseded, successor[1])
    return None


def delete_documents(documents: Sequence[Document], *, using: str) -> tuple[int, dict[str, int]]:
    """Delete ``documents`` (rows now, files at commit) if none is retained or kept as history by another.

    Raises what ``deletion_refusal`` returns, before deleting anything.
    """
    if not documents:
        return 0, {}
    refusal = deletion_refusal(documents, using=using)
    if refusal is not None:
        raise refusal
    names = [document.file.name for document in documents if document.file.name]
    origin = documents[0] if len(documents) == 1 else None
    total, by_model = 0, collections.Counter[str]()
    with transaction.atomic(using=using):
        for batch in _deletion_batches(documents, connections[using]):
            collector = Collector(using=using, origin=origin)
            collector.collect(batch)
            count, counts = collector.delete()
            total += count
            by_model.update(counts)
        # After commit: a rolled back deletion must still find its files.
        transaction.on_commit(functools.partial(_delete_stored_files, names), using=using, robust=True)
    return total, dict(by_model)


def _deletion_batches(documents: Sequence[Document], connection: Any) -> list[list[Document]]:
    """``documents`` in batches that can each be deleted with one statement: all of them where foreign keys
    are checked at commit (PostgreSQL, SQLite); elsewhere (MariaDB and MySQL check each row as it is
    deleted) the versions that no other document of the batch supersedes first, then the ones they
    superseded, and so on."""
    if connection.features.can_defer_constraint_checks:
        return [list(documents)]
    batches, remaining = [], list(documents)
    while remaining:
        superseded = {document.supersedes_id for document in remaining}
        # (A cycle of versions cannot be stored, as no row is ever updated; were one there, it goes at once.)
        newest = [document for document in remaining if document.pk not in superseded] or remaining
        batches.append(newest)
        taken = {document.pk for document in newest}
        remaining = [document for document in remaining if document.pk not in taken]
    return batches


def _delete_stored_files(names: Sequence[str]) -> None:
    storage = documents_storage()
    for name in names:
        storage.delete(name)
        logger.info("Deleted the stored file %s of a deleted document.", name)
