"""Abstract base models: UUID primary key, timestamps, soft delete, and ``BaseModel`` combining them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from django_basemodels.constraints import PartialUniqueConstraint
from django_basemodels.querysets import AliveManager, AllObjectsManager, DeletedManager, _auto_now_field_names
from django_basemodels.tenancy import OrgKeyField, OrgLike, org_key, resolve_org
from django_basemodels.uuids import new_uuid


class UUIDModel(models.Model):
    """A UUID primary key ``id`` made by ``BASEMODELS_UUID_FACTORY`` (uuid4 by default).

    The key exists from instantiation on, before the first save.
    """

    id = models.UUIDField(primary_key=True, default=new_uuid, editable=False)

    class Meta:
        abstract = True


class TimeStampedModel(models.Model):
    """``created_at`` set when the instance is made and ``updated_at`` on every ``save()``; both aware.

    ``created_at`` defaults to ``timezone.now()`` and may be given explicitly (imports, backfills).
    ``QuerySet.update()`` does not touch ``updated_at`` (Django's ``auto_now`` rule).
    """

    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        abstract = True


class SoftDeleteModel(models.Model):
    """``delete()`` sets ``deleted_at``; ``restore()`` clears it; ``hard_delete()`` removes the row.

    ``objects`` (the default manager) hides deleted rows, ``all_objects`` shows every row,
    ``deleted_objects`` only the deleted ones. Related rows are left alone: nothing cascades on a
    soft delete. Reverse relations (``invoice.lines``) use the default manager and hide deleted
    rows; forward relations (``line.invoice``) use the base manager and still return a deleted row.
    """

    deleted_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    objects = AliveManager()
    all_objects = AllObjectsManager()
    deleted_objects = DeletedManager()

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        """Whether this instance is soft-deleted (as last loaded or changed in memory)."""
        return self.deleted_at is not None

    def _save_deleted_at(self, deleted_at: datetime | None, using: Any) -> None:
        previous = self.deleted_at
        self.deleted_at = deleted_at
        # save(update_fields=...) sets auto_now fields itself once they are listed.
        fields = ["deleted_at", *_auto_now_field_names(type(self))]
        try:
            self.save(using=using, update_fields=fields)
        except Exception:
            self.deleted_at = previous  # keep the instance in step with its row, then re-raise
            raise

    def delete(self, using: Any = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Soft-delete: set ``deleted_at`` to now and save only that (and ``updated_at``).

        Idempotent: deleting a deleted row keeps the first timestamp and returns a count of 0.
        Nothing cascades; ``pre_save``/``post_save`` are sent, ``pre_delete``/``post_delete`` are not.
        Returns ``(count, {"app_label.Model": count})`` like Django's ``delete()``.
        Raises ``ValueError`` for an instance that was never saved.
        """
        if self._state.adding:
            raise ValueError(f"{self._meta.object_name} object can't be deleted because it was never saved.")
        if self.deleted_at is not None:
            return 0, {self._meta.label: 0}
        self._save_deleted_at(timezone.now(), using)
        return 1, {self._meta.label: 1}

    delete.alters_data = True  # type: ignore[attr-defined]

    def restore(self, using: Any = None) -> None:
        """Undo a soft delete: clear ``deleted_at`` and save only that (and ``updated_at``).

        A no-op on a live row. Raises ``IntegrityError`` when a live row already holds a value
        that a ``unique_among_live`` constraint reserves; the instance then stays deleted.
        """
        if self.deleted_at is None:
            return
        self._save_deleted_at(None, using)

    restore.alters_data = True  # type: ignore[attr-defined]

    def hard_delete(self, using: Any = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Delete the row for real, cascading and sending signals as Django's ``Model.delete()`` does.

        Cascades reach soft-deleted related rows too (Django collects them with the base manager).
        """
        return super().delete(using=using, keep_parents=keep_parents)

    hard_delete.alters_data = True  # type: ignore[attr-defined]


class BaseModel(UUIDModel, TimeStampedModel, SoftDeleteModel):
    """``id`` (UUID), ``created_at``, ``updated_at``, ``deleted_at``, with soft delete."""

    class Meta:
        abstract = True


def unique_among_live(*fields: str, name: str, condition: Q | None = None, **options: Any) -> PartialUniqueConstraint:
    """A ``UniqueConstraint`` over ``fields`` that ignores soft-deleted rows.

    ``class Meta: constraints = [unique_among_live("email", name="uniq_live_email")]`` lets a
    deleted row keep its email while a new live row takes it; two live rows with one email raise
    ``IntegrityError`` (a ``PartialUniqueConstraint``: a partial unique index on SQLite and
    PostgreSQL, a unique index over generated columns on MariaDB/MySQL). ``condition`` narrows it
    further (ANDed with ``deleted_at IS NULL``); ``options`` go to the constraint
    (``violation_error_message``, ``violation_error_code``). Model validation (``full_clean``,
    ``ModelForm``) checks it against live rows only, as the database does.
    """
    live = Q(deleted_at__isnull=True)
    return PartialUniqueConstraint(
        fields=list(fields), condition=live & condition if condition else live, name=name, **options
    )


class OrgOwned(models.Model):
    """Abstract: a row that belongs to one organization (or none).

    ``org`` is settable in the constructor (``Account(org=pharmacy, code="1010")``) and on an instance;
    reading it resolves the stored key (``resolve_org``). Filter with ``for_org(org)`` on the queryset
    (``OrgQuerySetMixin``) or ``org_key=org_key(org)``: ``org`` itself is not a database field.
    """

    org_key = OrgKeyField()

    class Meta:
        abstract = True

    @property
    def org(self) -> models.Model | str | None:
        return resolve_org(self.org_key)

    @org.setter
    def org(self, value: OrgLike) -> None:
        self.org_key = org_key(value)


__all__: Sequence[str] = [
    "BaseModel",
    "OrgOwned",
    "SoftDeleteModel",
    "TimeStampedModel",
    "UUIDModel",
    "unique_among_live",
]
