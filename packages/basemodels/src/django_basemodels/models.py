"""Abstract base models: UUID primary key, timestamps, soft delete, and ``BaseModel`` combining them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from django_basemodels.querysets import AliveManager, AllObjectsManager, DeletedManager
from django_basemodels.uuids import new_uuid


class UUIDModel(models.Model):
    """A UUID primary key ``id`` made by ``BASEMODELS_UUID_FACTORY`` (uuid4 by default)."""

    id = models.UUIDField(primary_key=True, default=new_uuid, editable=False)

    class Meta:
        abstract = True


class TimeStampedModel(models.Model):
    """``created_at`` set once on insert and ``updated_at`` on every save, both server-side and aware."""

    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        abstract = True


class SoftDeleteModel(models.Model):
    """``delete()`` sets ``deleted_at``; ``restore()`` clears it; ``hard_delete()`` removes the row.

    ``objects`` hides deleted rows, ``all_objects`` shows every row, ``deleted_objects`` only the
    deleted ones. Related rows are left alone: nothing cascades on a soft delete.
    """

    deleted_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    objects = AliveManager()
    all_objects = AllObjectsManager()
    deleted_objects = DeletedManager()

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def _save_deleted_at(self) -> None:
        fields = ["deleted_at"]
        if any(field.name == "updated_at" for field in self._meta.concrete_fields):
            fields.append("updated_at")
        self.save(update_fields=fields)

    def delete(self, using: Any = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:  # type: ignore[override]
        """Mark the row deleted (idempotent: a second call keeps the first timestamp)."""
        if self.deleted_at is not None:
            return 0, {self._meta.label: 0}
        self.deleted_at = timezone.now()
        self._save_deleted_at()
        return 1, {self._meta.label: 1}

    delete.alters_data = True  # type: ignore[attr-defined]

    def restore(self) -> None:
        """Undo a soft delete."""
        if self.deleted_at is None:
            return
        self.deleted_at = None
        self._save_deleted_at()

    restore.alters_data = True  # type: ignore[attr-defined]

    def hard_delete(self, using: Any = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Delete the row for real, cascading as Django's ``Model.delete()`` does."""
        return super().delete(using=using, keep_parents=keep_parents)

    hard_delete.alters_data = True  # type: ignore[attr-defined]


class BaseModel(UUIDModel, TimeStampedModel, SoftDeleteModel):
    """``id`` (UUID), ``created_at``, ``updated_at``, ``deleted_at``, with soft delete."""

    class Meta:
        abstract = True


def unique_among_live(*fields: str, name: str, condition: Q | None = None) -> models.UniqueConstraint:
    """A ``UniqueConstraint`` over ``fields`` that ignores soft-deleted rows.

    ``class Meta: constraints = [unique_among_live("email", name="uniq_live_email")]`` lets a
    deleted row keep its email while a new live row takes it.
    """
    live = Q(deleted_at__isnull=True)
    return models.UniqueConstraint(fields=list(fields), condition=live & condition if condition else live, name=name)


__all__: Sequence[str] = [
    "BaseModel",
    "SoftDeleteModel",
    "TimeStampedModel",
    "UUIDModel",
    "unique_among_live",
]
