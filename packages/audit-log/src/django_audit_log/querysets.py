"""Read paths of the audit log, and the guards that refuse bulk changes to it."""

from __future__ import annotations

import datetime
from typing import Any, NoReturn

from django.db import models

from django_audit_log.exceptions import AuditLogImmutableError
from django_basemodels import canonical_object_id


def _refuse(operation: str) -> NoReturn:
    raise AuditLogImmutableError(f"Audit entries are append-only: {operation} is not allowed.")


class AuditLogQuerySet(models.QuerySet):
    """Chainable filters over entries; ``update()`` and ``delete()`` raise ``AuditLogImmutableError``."""

    def for_object(self, obj: models.Model) -> AuditLogQuerySet:
        """Entries about ``obj`` (its model label and canonical object id)."""
        if obj.pk is None:
            raise ValueError(f"{obj!r} has no primary key, so no entry can be about it.")
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
        """Entries created at or after ``start`` and before ``end`` (either bound may be left open)."""
        queryset = self
        if start is not None:
            queryset = queryset.filter(created_at__gte=start)
        if end is not None:
            queryset = queryset.filter(created_at__lt=end)
        return queryset

    def chronological(self) -> AuditLogQuerySet:
        """Oldest first (the default order is newest first)."""
        return self.order_by("created_at", "id")

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
