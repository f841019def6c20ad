"""The queryset and manager classes that record a registered model's queryset and bulk writes."""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from django_audit_log.choices import Action
from django_audit_log.encoding import to_json_safe
from django_audit_log.tracking.diff import (
    SNAPSHOT,
    chunk_size,
    chunks,
    collecting,
    context_actor,
    is_expression,
    make_entry,
    python_value,
    read_values,
    refresh_snapshot,
    suspend,
    suspended,
    unchanged,
    write_entries,
)
from django_audit_log.tracking.registry import registration_for


class TrackingQuerySetMixin:
    """Records ``update()``, ``delete()``, ``bulk_create()`` and ``bulk_update()`` of a registered model.

    Each writes one entry per affected row, in the same transaction as the write, so a write that
    fails leaves no entry. ``update()`` reads the affected rows' primary keys and old values with
    ``SELECT ... FOR UPDATE`` (a row lock on PostgreSQL and MariaDB; SQLite serialises writers) and then updates
    exactly those rows; a value given as an expression (``F("n") + 1``) is read back after the update.
    """

    model: type[models.Model]

    def update(self, **kwargs: Any) -> int:
        registration = registration_for(self.model)
        if registration is None or suspended.get():
            return super().update(**kwargs)  # type: ignore[misc]
        tracked = {}
        for name, value in kwargs.items():
            field = registration.field(name)
            if field is not None:
                tracked[field] = value
        if not tracked:
            return super().update(**kwargs)  # type: ignore[misc]
        queryset: Any = self
        queryset._not_support_combined_queries("update")
        if queryset.query.is_sliced:
            raise TypeError("Cannot update a query once a slice has been taken.")
        queryset._for_write = True
        using = queryset.db
        fields = list(tracked)
        base: models.QuerySet[Any] = models.QuerySet(self.model, using=using)
        with transaction.atomic(using=using, savepoint=False):
            rows = list(
                base.filter(pk__in=queryset.order_by().values("pk"))
                .select_for_update()
                .values_list("pk", *[field.attname for field in fields])
            )
            pks = [row[0] for row in rows]
            count = 0
            with suspend():
                for chunk in chunks(pks, chunk_size(using, len(kwargs))):
                    count += queryset.filter(pk__in=chunk).update(**kwargs)
            computed = [field for field in fields if is_expression(tracked[field])]
            read = read_values(self.model, using, pks, [field.attname for field in computed]) if computed else {}
            given = {
                field: python_value(field.field, value) for field, value in tracked.items() if field not in computed
            }
            actor = context_actor()
            entries = []
            for pk, *olds in rows:
                after = dict(zip(computed, read[pk], strict=True)) if computed else {}
                changes = {}
                for field, old in zip(fields, olds, strict=True):
                    new = after[field] if field in after else given.get(field)
                    if not unchanged(field.field, old, new):
                        changes[field.name] = {"old": to_json_safe(old), "new": to_json_safe(new)}
                if changes:
                    entries.append(
                        make_entry(
                            registration,
                            action=Action.UPDATE,
                            object_id=pk,
                            object_repr="",
                            changes=changes,
                            write="queryset.update",
                            actor=actor,
                        )
                    )
            write_entries(entries, using)
        queryset._result_cache = None
        return count

    update.alters_data = True  # type: ignore[attr-defined]

    def delete(self) -> tuple[int, dict[str, int]]:
        if registration_for(self.model) is None:
            return super().delete()  # type: ignore[misc]
        queryset: Any = self
        queryset._for_write = True
        # The deletion collector sends post_delete for every row (the receivers are connected, so
        # it cannot fast-delete); the entries are gathered and inserted in one statement.
        with transaction.atomic(using=queryset.db, savepoint=False), collecting():
            return super().delete()  # type: ignore[misc]

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]

    def bulk_create(
        self,
        objs: Iterable[models.Model],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Any = None,
        unique_fields: Any = None,
    ) -> list[models.Model]:
        arguments = {
            "batch_size": batch_size,
            "ignore_conflicts": ignore_conflicts,
            "update_conflicts": update_conflicts,
            "update_fields": update_fields,
            "unique_fields": unique_fields,
        }
        registration = registration_for(self.model)
        if registration is None:
            return super().bulk_create(objs, **arguments)  # type: ignore[misc]
        queryset: Any = self
        queryset._for_write = True
        using = queryset.db
        objs = list(objs)
        extra = {}
        if ignore_conflicts:
            extra["on_conflict"] = "ignore"
        elif update_conflicts:
            extra["on_conflict"] = "update"
        with transaction.atomic(using=using, savepoint=False):
            created = super().bulk_create(objs, **arguments)  # type: ignore[misc]
            actor = context_actor()
            entries = [
                make_entry(
                    registration,
                    action=Action.CREATE,
                    object_id=obj.pk,
                    object_repr=str(obj),
                    changes={
                        tracked.name: {"new": to_json_safe(python_value(tracked.field, obj.__dict__[tracked.attname]))}
                        for tracked in registration.fields
                        if tracked.attname in obj.__dict__
                    },
                    write="bulk_create",
                    actor=actor,
                    extra_metadata=extra,
                )
                for obj in created
            ]
            write_entries(entries, using)
        for obj in created:
            refresh_snapshot(obj, registration, None)
        return created

    bulk_create.alters_data = True  # type: ignore[attr-defined]

    def bulk_update(self, objs: Iterable[models.Model], fields: Iterable[str], batch_size: int | None = None) -> int:
        registration = registration_for(self.model)
        if registration is None:
            return super().bulk_update(objs, fields, batch_size=batch_size)  # type: ignore[misc]
        objs = list(objs)
        fields = list(fields)
        queryset: Any = self
        queryset._for_write = True
        using = queryset.db
        tracked_fields = [
            tracked for tracked in registration.fields if tracked.name in fields or tracked.attname in fields
        ]
        with transaction.atomic(using=using, savepoint=False):
            with suspend():
                rows = super().bulk_update(objs, fields, batch_size=batch_size)  # type: ignore[misc]
            actor = context_actor()
            entries = []
            for obj in objs:
                state = obj.__dict__
                snapshot = None if obj._state.adding else state.get(SNAPSHOT)
                changes = {}
                for tracked in tracked_fields:
                    new = state.get(tracked.attname)
                    if is_expression(new):
                        new = read_values(self.model, using, [obj.pk], [tracked.attname])[obj.pk][0]
                    if snapshot is not None and tracked.attname in snapshot:
                        old = snapshot[tracked.attname]
                        if not unchanged(tracked.field, old, new):
                            changes[tracked.name] = {
                                "old": to_json_safe(old),
                                "new": to_json_safe(python_value(tracked.field, new)),
                            }
                    else:
                        changes[tracked.name] = {"new": to_json_safe(python_value(tracked.field, new))}
                if changes:
                    entries.append(
                        make_entry(
                            registration,
                            action=Action.UPDATE,
                            object_id=obj.pk,
                            object_repr=str(obj),
                            changes=changes,
                            write="bulk_update",
                            actor=actor,
                        )
                    )
            write_entries(entries, using)
        attnames = [tracked.attname for tracked in tracked_fields]
        for obj in objs:
            if not obj._state.adding:
                refresh_snapshot(obj, registration, attnames)
        return rows

    bulk_update.alters_data = True  # type: ignore[attr-defined]


# Tracked queryset classes live in the namespace of django_audit_log.tracking, where they always have
# (querysets pickled before tracking became a folder unpickle too).
_PICKLE_MODULE = "django_audit_log.tracking"
_tracked_querysets: dict[type, type] = {}
_tracked_managers: dict[type, type] = {}


def tracked_queryset_class(queryset_class: type[models.QuerySet]) -> type[models.QuerySet]:
    """``queryset_class`` with ``TrackingQuerySetMixin`` in front (one class per queryset class).

    The class is stored in ``django_audit_log.tracking`` under a name derived from the original's
    dotted path, so querysets of tracked models pickle and unpickle wherever the model is registered.
    """
    if issubclass(queryset_class, TrackingQuerySetMixin):
        return queryset_class
    tracked = _tracked_querysets.get(queryset_class)
    if tracked is None:
        path = f"{queryset_class.__module__}.{queryset_class.__qualname__}".replace(".", "_")
        name = f"Tracked__{path}"
        tracked = type(
            name, (TrackingQuerySetMixin, queryset_class), {"__module__": _PICKLE_MODULE, "__qualname__": name}
        )
        setattr(sys.modules[_PICKLE_MODULE], name, tracked)
        _tracked_querysets[queryset_class] = tracked
    return tracked


def tracked_manager_class(manager_class: type[models.Manager]) -> type[models.Manager]:
    """``manager_class`` making ``tracked_queryset_class()`` querysets; equal to and deconstructed as the original."""
    tracked = _tracked_managers.get(manager_class)
    if tracked is None:
        queryset_class = tracked_queryset_class(manager_class._queryset_class)  # type: ignore[attr-defined]  # set by Django's from_queryset(), absent from the stubs

        # Migrations must see the manager the model declares, not this runtime subclass.
        def deconstruct(self: models.Manager) -> Any:
            original = copy.copy(self)
            original.__class__ = manager_class
            return original.deconstruct()

        def __eq__(self: models.Manager, other: object) -> bool:
            return (
                isinstance(other, manager_class) and self._constructor_args == other._constructor_args  # type: ignore[attr-defined]  # set by BaseManager.__new__, absent from the stubs
            )

        tracked = type(
            f"Tracked{manager_class.__name__}",
            (manager_class,),
            {
                "_queryset_class": queryset_class,
                "deconstruct": deconstruct,
                "__eq__": __eq__,
                "__hash__": manager_class.__hash__,
                "__module__": manager_class.__module__,
            },
        )
        _tracked_managers[manager_class] = tracked
    return tracked
