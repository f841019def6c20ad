"""QuerySets and managers for soft-deletable models."""

from __future__ import annotations


from django.db import models
from django.utils import timezone


class SoftDeleteQuerySet(models.QuerySet):
    """``delete()`` marks rows deleted in one UPDATE; ``hard_delete()`` removes them."""

    def delete(self) -> tuple[int, dict[str, int]]:  # type: ignore[override]
        count = self.filter(deleted_at__isnull=True).update(deleted_at=timezone.now())
        return count, {self.model._meta.label: count}

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]

    def hard_delete(self) -> tuple[int, dict[str, int]]:
        """Delete the rows for real (cascading as Django's ``delete()`` does)."""
        return super().delete()

    hard_delete.alters_data = True  # type: ignore[attr-defined]

    def restore(self) -> int:
        """Undo the soft delete of every row in the queryset; returns how many were restored."""
        return self.filter(deleted_at__isnull=False).update(deleted_at=None)

    restore.alters_data = True  # type: ignore[attr-defined]

    def alive(self) -> SoftDeleteQuerySet:
        return self.filter(deleted_at__isnull=True)

    def dead(self) -> SoftDeleteQuerySet:
        return self.filter(deleted_at__isnull=False)


class AliveManager(models.Manager.from_queryset(SoftDeleteQuerySet)):  # type: ignore[misc]
    """The default manager: rows that are not soft-deleted."""

    def get_queryset(self) -> SoftDeleteQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class AllObjectsManager(models.Manager.from_queryset(SoftDeleteQuerySet)):  # type: ignore[misc]
    """Every row, deleted or not."""


class DeletedManager(models.Manager.from_queryset(SoftDeleteQuerySet)):  # type: ignore[misc]
    """Only soft-deleted rows."""

    def get_queryset(self) -> SoftDeleteQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=False)


