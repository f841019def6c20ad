"""QuerySets and managers for soft-deletable models."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


def _auto_now_field_names(model: type[models.Model]) -> list[str]:
    """Names of the ``auto_now`` fields of ``model`` (``updated_at`` of ``TimeStampedModel``).

    ``QuerySet.update()`` skips ``auto_now``; bulk soft deletes and restores set these fields
    themselves so that they agree with ``Model.delete()`` and ``Model.restore()``.
    """
    return [field.name for field in model._meta.concrete_fields if getattr(field, "auto_now", False)]


class SoftDeleteQuerySet(models.QuerySet):
    """``delete()`` marks rows deleted in one UPDATE; ``restore()`` and ``hard_delete()`` work in bulk."""

    def delete(self) -> tuple[int, dict[str, int]]:
        """Soft-delete the live rows of the queryset in one UPDATE, like ``Model.delete()`` one by one.

        Sets ``deleted_at`` (and ``updated_at`` when the model has it) to now on rows that are not
        deleted yet; rows already deleted keep their timestamp. Nothing cascades and no signal is
        sent. Returns ``(count, {"app_label.Model": count})`` like Django's ``delete()``.
        """
        now = timezone.now()
        touched = dict.fromkeys(_auto_now_field_names(self.model), now)
        count = self.filter(deleted_at__isnull=True).update(deleted_at=now, **touched)
        return count, {self.model._meta.label: count}

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]

    def hard_delete(self) -> tuple[int, dict[str, int]]:
        """Delete the rows for real, cascading and sending signals as Django's ``QuerySet.delete()`` does."""
        return super().delete()

    hard_delete.alters_data = True  # type: ignore[attr-defined]

    def restore(self) -> int:
        """Undo the soft delete of every deleted row in the queryset in one UPDATE; return how many.

        Raises ``IntegrityError`` (and restores nothing) when a restored row would duplicate a live
        row under a ``unique_among_live`` constraint.
        """
        touched = dict.fromkeys(_auto_now_field_names(self.model), timezone.now())
        return self.filter(deleted_at__isnull=False).update(deleted_at=None, **touched)

    restore.alters_data = True  # type: ignore[attr-defined]

    def alive(self) -> SoftDeleteQuerySet:
        """Only the rows that are not soft-deleted."""
        return self.filter(deleted_at__isnull=True)

    def dead(self) -> SoftDeleteQuerySet:
        """Only the soft-deleted rows."""
        return self.filter(deleted_at__isnull=False)


class AliveManager(models.Manager.from_queryset(SoftDeleteQuerySet)):  # type: ignore[misc]
    """The default manager (``objects``): rows that are not soft-deleted."""

    def get_queryset(self) -> SoftDeleteQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class AllObjectsManager(models.Manager.from_queryset(SoftDeleteQuerySet)):  # type: ignore[misc]
    """Every row, deleted or not (``all_objects``)."""


class DeletedManager(models.Manager.from_queryset(SoftDeleteQuerySet)):  # type: ignore[misc]
    """Only soft-deleted rows (``deleted_objects``)."""

    def get_queryset(self) -> SoftDeleteQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=False)


__all__ = ["AliveManager", "AllObjectsManager", "DeletedManager", "SoftDeleteQuerySet"]
