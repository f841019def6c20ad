"""``AuditLog``: one append-only entry per action on an object or event; ``ChainLock``: the row that
serialises appends to the hash chain on MariaDB and MySQL."""

from __future__ import annotations

import uuid
import warnings
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from django_audit_log.choices import Sensitivity
from django_audit_log.exceptions import AuditLogImmutableError
from django_audit_log.fields import RecordedAtField
from django_audit_log.querysets import AuditLogManager
from django_basemodels.fields import CaseSensitiveCharField
from django_basemodels.guarantees import AppendOnly

#: What the database says when a client tries to change or delete an entry (raised as ``IntegrityError``).
APPEND_ONLY_MESSAGE = "django_audit_log: audit entries are append-only; UPDATE and DELETE are refused"


class AuditLog(models.Model):
    """Who did what to which object, when, from where, and what changed.

    Rows are append-only: ``save()`` of a stored entry, ``delete()`` and the queryset's
    ``update()``/``delete()`` raise ``AuditLogImmutableError``, and the database refuses ``UPDATE``
    and ``DELETE`` from any client, raw SQL included (``Meta.guarantees``; on SQLite and MariaDB also an
    insert that would replace an entry). The actor is a plain reference (no database constraint, nothing
    cascades): deleting the user keeps the entry, its ``actor_id`` and ``actor_repr``.
    ``sequence``, ``prev_hash`` and ``entry_hash`` are set when the hash chain is on.

    Two times (docs/time-semantics.md): ``recorded_at`` is when the log learnt of the action, always the
    server's clock at the insert (``RecordedAtField``: a caller's value is replaced); ``effective_at`` is
    when it happened in the business, the same instant unless the entry was backdated, never later than
    ``recorded_at`` (a check constraint). ``AuditLog.objects.as_of(t)`` reads by ``effective_at``,
    ``known_at(t)`` by ``recorded_at``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # recorded_at first: its pre_save fills an empty effective_at before that one is read.
    recorded_at = RecordedAtField(db_index=True, editable=False)
    effective_at = models.DateTimeField(db_index=True, editable=False)
    action = models.CharField(max_length=100, db_index=True, editable=False)
    # Compared byte by byte on every database (MariaDB's default collation ignores case): keys "abc" and
    # "ABC" are two objects, and verify_chain() looks an entry up by the hash its successor names.
    model_label = CaseSensitiveCharField(max_length=200, blank=True, editable=False)
    object_id = CaseSensitiveCharField(max_length=255, blank=True, editable=False)
    object_repr = models.CharField(max_length=255, blank=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        editable=False,
    )
    actor_repr = models.CharField(max_length=255, blank=True, editable=False)
    changes = models.JSONField(default=dict, blank=True, editable=False)
    metadata = models.JSONField(default=dict, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    user_agent = models.CharField(max_length=512, blank=True, editable=False)
    request_id = models.CharField(max_length=128, blank=True, db_index=True, editable=False)
    sensitivity = models.CharField(
        max_length=16, choices=Sensitivity.choices, default=Sensitivity.NORMAL, editable=False
    )
    sequence = models.PositiveBigIntegerField(null=True, blank=True, unique=True, editable=False)
    prev_hash = CaseSensitiveCharField(max_length=64, blank=True, editable=False)
    entry_hash = CaseSensitiveCharField(max_length=64, blank=True, editable=False)

    objects = AuditLogManager()

    class Meta:
        ordering = ("-recorded_at", "-id")
        base_manager_name = "objects"
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log entries"
        indexes = [
            models.Index(fields=["model_label", "object_id"], name="django_audit_object_idx"),
            models.Index(fields=["actor", "recorded_at"], name="django_audit_actor_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_at__lte=F("recorded_at")),
                name="django_audit_log_effective_not_after_recorded",
            ),
        ]
        guarantees = [AppendOnly(message=APPEND_ONLY_MESSAGE)]

    def __str__(self) -> str:
        subject = f"{self.model_label} {self.object_id}" if self.model_label else "event"
        return f"{self.action} {subject} by {self.actor_repr or 'system'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert a new entry; saving a stored entry raises ``AuditLogImmutableError``."""
        if not self._state.adding:
            raise AuditLogImmutableError("Audit entries are append-only: a stored entry cannot be saved again.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Always raises ``AuditLogImmutableError``."""
        raise AuditLogImmutableError("Audit entries are append-only: an entry cannot be deleted.")

    @property
    def created_at(self) -> Any:
        """Former name of ``recorded_at`` (deprecated: read ``recorded_at``, or ``effective_at``)."""
        warnings.warn(
            "AuditLog.created_at is deprecated: read recorded_at (when the entry was written) or effective_at "
            "(when the action took effect).",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.recorded_at


class ChainLock(models.Model):
    """The row that appends to the hash chain lock on MariaDB and MySQL, which have no lock scoped to a
    transaction other than a row lock (``GET_LOCK`` lasts as long as the connection, so a rollback would
    keep it).

    One row, ``id = 1``: every chained append writes it if absent and locks it
    (``INSERT ... ON DUPLICATE KEY UPDATE``, an exclusive row lock) before it reads the head of the chain,
    and keeps the lock until its transaction ends. It holds no data. PostgreSQL uses an advisory lock
    instead and SQLite runs one writer at a time, so the table stays empty there.
    """

    id = models.PositiveSmallIntegerField(primary_key=True)

    class Meta:
        verbose_name = "hash chain lock"
        default_permissions = ()

    def __str__(self) -> str:
        return "hash chain lock"
