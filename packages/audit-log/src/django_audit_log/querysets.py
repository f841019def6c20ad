"""Read paths of the audit log, and the guards that refuse bulk changes to it."""

from __future__ import annotations

import datetime
from typing import Any, NoReturn

from django.db import models

from django_audit_log.exceptions import AuditLogImmutableError, InvalidAuditQueryError
from django_basemodels import canonical_object_id
from django_basemodels.arguments import require_aware


def _refuse(operation: str) -> NoReturn:
    raise AuditLogImmutableError(f"Audit entries are append-only: {operation} is not allowed.")


class AuditLogQuerySet(models.QuerySet):
    """Chainable filters over entries; ``update()`` and ``delete()`` raise ``AuditLogImmutableError``.

    ``as_of()`` and ``known_at()`` follow the contract of django-decisioning's ``EventAsOfQuerySet``
    (the roadmap's ``AuditLog.objects.as_of(timestamp)``), written here because this package may not
    import decisioning.
    """

    def as_of(self, when: datetime.datetime, *, known_at: datetime.datetime | None = None) -> AuditLogQuerySet:
        """Entries effective at or before ``when`` (``effective_at <= when``); with ``known_at``, only
        those also recorded by then (``recorded_at <= known_at``).

        ``as_of(t)`` answers "what had happened by ``t``, as the log knows it now": an entry backdated to
        before ``t`` is included even though it was written later. ``as_of(t, known_at=t)`` (or
        ``known_at(t)``) gives the log as it stood at ``t``. Raises ``InvalidAuditQueryError`` (a
        ``ValueError``) for a naive datetime or anything else than a datetime, saying what to pass.
        """
        when = require_aware(when, name="as_of", error=InvalidAuditQueryError, allow_none=False)
        queryset = self.filter(effective_at__lte=when)
        if known_at is not None:
            queryset = queryset.known_at(known_at)
        return queryset

    def known_at(self, when: datetime.datetime) -> AuditLogQuerySet:
        """Entries the log had recorded at or before ``when`` (``recorded_at <= when``), whatever their
        ``effective_at``: what a reader of the log could have seen at ``when``."""
        return self.filter(
            recorded_at__lte=require_aware(when, name="known_at", error=InvalidAuditQueryError, allow_none=False)
        )

    def for_object(self, obj: models.Model) -> AuditLogQuerySet:
        """Entries about ``obj`` (its model label and canonical object id)."""
        if obj.pk is None:
            raise InvalidAuditQueryError(f"{obj!r} has no primary key, so no entry can be about it.")
        return self.filter(model_label=obj._meta.label, object_id=canonical_object_id(obj.pk))

    def for_model(self, model: type[models.Model] | str) -> AuditLogQuerySet:
        """Entries about any object of ``model`` (a model class or an ``"app_label.Model"`` label)."""
        label = model if isinstance(model, str) else model._meta.label
        return self.filter(model_label=label)

    def by_actor(self, user: Any) -> AuditLogQuerySet:
        """Entries whose actor is ``user`` (a user instance or a primary key); kept after the user is deleted."""
        return self.filter(actor_id=getattr(user, "pk", user))

    def with_action(self, *actions: str) -> AuditLogQuerySet:
        """Entries whose action is one of ``actions``."""
        return self.filter(action__in=actions)

    def with_sensitivity(self, *levels: str) -> AuditLogQuerySet:
        """Entries of one of the sensitivity ``levels``."""
        return self.filter(sensitivity__in=levels)

    def between(self, start: datetime.datetime | None = None, end: datetime.datetime | None = None) -> AuditLogQuerySet:
        """Entries recorded at or after ``start`` and before ``end`` (either bound may be left open)."""
        queryset = self
        if start is not None:
            queryset = queryset.filter(recorded_at__gte=start)
        if end is not None:
            queryset = queryset.filter(recorded_at__lt=end)
        return queryset

    def chronological(self) -> AuditLogQuerySet:
        """Oldest recorded first (the default order is newest recorded first)."""
        return self.order_by("recorded_at", "id")

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("QuerySet.update()")

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_update(self, objs: Any, fields: Any, batch_size: Any = None) -> NoReturn:
        _refuse("QuerySet.bulk_update()")

    bulk_update.alters_data = True  # type: ignore[attr-defined]

    def _update(self, values: Any) -> NoReturn:
        _refuse("QuerySet._update()")

    def delete(self) -> NoReturn:
        _refuse("QuerySet.delete()")

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]

    def _raw_delete(self, using: Any) -> NoReturn:
        _refuse("QuerySet._raw_delete()")


AuditLogManager = models.Manager.from_queryset(AuditLogQuerySet)
