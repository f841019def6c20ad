"""Opt-in automatic tracking of a model's writes: ``register()`` and ``unregister()``.

How it works, per registered model:

- ``post_init`` keeps a snapshot of the tracked fields' loaded values (a dict copied from the
  instance's ``__dict__``: deferred fields are simply absent, so nothing is queried);
- ``save_base`` is wrapped in ``transaction.atomic(savepoint=False)`` so the row and its entry
  commit or roll back together (in autocommit mode it opens the transaction; inside one it
  costs nothing), and remembers whether the instance was new;
- ``post_save`` compares the saved values with the snapshot and writes a ``create`` entry, or an
  ``update`` entry when a tracked field changed (never by re-reading the row), then refreshes the
  snapshot; ``post_delete`` writes a ``delete`` entry with the last known values;
- ``refresh_from_db`` is wrapped to refresh the snapshot;
- every manager of the model (the base manager too, so related managers and the deletion
  collector's ``SET_NULL`` updates are covered) gets a queryset class with ``TrackingQuerySetMixin``,
  whose ``update()``, ``delete()``, ``bulk_create()`` and ``bulk_update()`` write one entry per
  affected row in the same transaction as the write.

Call ``register()`` from an ``AppConfig.ready()``, before related managers are first used.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.db.models.signals import post_delete, post_init, post_save

from django_audit_log.choices import Action, Sensitivity
from django_audit_log.context import current_context
from django_audit_log.encoding import to_json_safe
from django_audit_log.exceptions import TrackingConfigurationError
from django_audit_log.limits import fit_tracked_changes
from django_audit_log.services import build_entry, insert_entries
from django_basemodels import canonical_object_id

if TYPE_CHECKING:
    from django_audit_log.models import AuditLog

_SNAPSHOT = "_audit_log_snapshot"
_WAS_ADDING = "_audit_log_was_adding"


@dataclass(frozen=True)
class TrackedField:
    name: str
    attname: str
    field: models.Field


@dataclass(frozen=True)
class Registration:
    """How one model is tracked (returned by ``registration_for()``)."""

    model: type[models.Model]
    fields: tuple[TrackedField, ...]
    redact: frozenset[str]
    sensitivity: str

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def attnames(self) -> tuple[str, ...]:
        return tuple(tracked.attname for tracked in self.fields)

    def field(self, name: str) -> TrackedField | None:
        """The tracked field called ``name`` (field name or attname), if it is tracked."""
        for tracked in self.fields:
            if name in (tracked.name, tracked.attname):
                return tracked
        return None


@dataclass
class _Patches:
    own_methods: dict[str, Any]
    managers: list[tuple[models.Manager, type]]


_registry: dict[type[models.Model], Registration] = {}
_patches: dict[type[models.Model], _Patches] = {}
# Entries of the tracked bulk write now running, inserted in one go when it ends (by database alias).
_pending: ContextVar[dict[str, list[AuditLog]] | None] = ContextVar("django_audit_log_pending", default=None)
# Set while update() and bulk_update() run the update() calls whose entries they write themselves.
_suspended: ContextVar[bool] = ContextVar("django_audit_log_suspended", default=False)


def registration_for(model: type[models.Model]) -> Registration | None:
    """The registration of ``model`` (exactly that class), or ``None`` when it is not tracked."""
    return _registry.get(model)


def register(
    model: type[models.Model],
    *,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
    redact: Iterable[str] = (),
    sensitivity: str = Sensitivity.NORMAL,
) -> Registration:
    """Track ``model``'s creates, updates and deletes, including queryset and bulk writes.

    Tracked fields are the concrete fields but the primary key, generated fields and
    ``auto_now`` timestamps (which change on every save), or exactly ``include``; minus
    ``exclude``. Names are field names or attnames (``author`` or ``author_id``). ``redact`` adds
    keys to redact in this model's entries (on top of ``AUDIT_LOG_REDACT_FIELDS``); entries get
    ``sensitivity``. Proxy models and multi-table children are tracked only if registered
    themselves. Raises ``TrackingConfigurationError`` for an abstract, swapped or audit model, a
    model already registered, an unknown or untrackable field, or a string given as a list.
    """
    _check_model(model)
    if model in _registry:
        raise TrackingConfigurationError(f"{model._meta.label} is already registered for audit tracking.")
    for argument, value in (("include", include), ("exclude", exclude), ("redact", redact)):
        if isinstance(value, str):
            raise TrackingConfigurationError(f"{argument} must be a list of names, not the string {value!r}.")
    include = None if include is None else list(include)
    exclude = list(exclude)
    if sensitivity not in Sensitivity.values:
        raise TrackingConfigurationError(f"sensitivity must be one of {Sensitivity.values}, not {sensitivity!r}.")
    candidates = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and not getattr(field, "generated", False)
    ]
    by_name = {name: field for field in candidates for name in (field.name, field.attname)}
    for name in [*(include or ()), *exclude]:
        if name not in by_name:
            raise TrackingConfigurationError(f"{model._meta.label} has no trackable field {name!r}.")
    if include is None:
        chosen = [field for field in candidates if not getattr(field, "auto_now", False)]
    else:
        wanted = {by_name[name] for name in include}
        chosen = [field for field in candidates if field in wanted]
    excluded = {by_name[name] for name in exclude}
    registration = Registration(
        model=model,
        fields=tuple(TrackedField(f.name, f.attname, f) for f in chosen if f not in excluded),
        redact=frozenset(redact),
        sensitivity=Sensitivity(sensitivity).value,
    )
    _registry[model] = registration
    _connect(model)
    _patches[model] = _Patches(own_methods=_patch_methods(model), managers=_patch_managers(model))
    return registration


def unregister(model: type[models.Model]) -> None:
    """Stop tracking ``model`` and undo everything ``register()`` changed on it."""
    if model not in _registry:
        raise TrackingConfigurationError(f"{model._meta.label} is not registered for audit tracking.")
    patches = _patches.pop(model)
    for name, original in patches.own_methods.items():
        if original is None:
            delattr(model, name)
        else:
            setattr(model, name, original)
    for manager, original_class in patches.managers:
        manager.__class__ = original_class
    for signal, _receiver in _SIGNALS:
        signal.disconnect(sender=model, dispatch_uid=_uid(model, signal))
    del _registry[model]


def _check_model(model: Any) -> None:
    from django_audit_log.models import AuditLog

    if not (isinstance(model, type) and issubclass(model, models.Model)):
        raise TrackingConfigurationError(f"register() takes a model class, not {model!r}.")
    meta = getattr(model, "_meta", None)
    if meta is None or meta.abstract or meta.swapped:
        raise TrackingConfigurationError(f"{model.__name__} is abstract or swapped out: it has no rows to track.")
    if meta.auto_created:
        # Django sends no save or delete signals for auto-created many-to-many tables.
        raise TrackingConfigurationError(f"{model.__name__} is an auto-created many-to-many table: not trackable.")
    if issubclass(model, AuditLog):
        raise TrackingConfigurationError("The audit log itself cannot be tracked.")


# --- values -------------------------------------------------------------------------------------


def _copied(value: Any) -> Any:
    # A JSON or array value mutated in place must still differ from its snapshot.
    return copy.deepcopy(value) if isinstance(value, (dict, list, set, bytearray)) else value


def _python(field: models.Field, value: Any) -> Any:
    if isinstance(value, models.Model):
        value = value.pk
    try:
        return field.to_python(value)
    except ValidationError:
        return value


def _unchanged(field: models.Field, old: Any, new: Any) -> bool:
    if old == new:
        return True
    return old == _python(field, new)


def _is_expression(value: Any) -> bool:
    return hasattr(value, "resolve_expression")


def _read_values(model: type[models.Model], using: str, pks: list[Any], attnames: list[str]) -> dict[Any, tuple]:
    """Current database values of ``attnames`` for ``pks``, read in chunks (for expression results only)."""
    rows: dict[Any, tuple] = {}
    for chunk in _chunks(pks, _chunk_size(using, len(attnames))):
        for pk, *values in models.QuerySet(model, using=using).filter(pk__in=chunk).values_list("pk", *attnames):
            rows[pk] = tuple(values)
    return rows


def _chunk_size(using: str, extra_params: int) -> int:
    limit = connections[using].features.max_query_params or 10_000
    return max(1, limit - extra_params - 10)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _refresh_snapshot(instance: models.Model, registration: Registration, attnames: Iterable[str] | None) -> None:
    state = instance.__dict__
    snapshot = dict(state.get(_SNAPSHOT) or {})
    names = registration.attnames if attnames is None else attnames
    for attname in names:
        if attname in state and not _is_expression(state[attname]):
            snapshot[attname] = _copied(state[attname])
        else:
            snapshot.pop(attname, None)
    state[_SNAPSHOT] = snapshot


# --- entries ------------------------------------------------------------------------------------


def _entry(
    registration: Registration,
    *,
    action: str,
    object_id: Any,
    object_repr: str,
    changes: dict[str, dict[str, Any]],
    write: str,
    actor: Any,
    extra_metadata: dict[str, Any] | None = None,
) -> AuditLog:
    context = current_context()
    entry = build_entry(
        action=action,
        model_label=registration.label,
        object_id=canonical_object_id(object_id) if object_id is not None else "",
        object_repr=object_repr,
        actor=actor,
        context=context,
        changes=changes,
        metadata={"write": write, **(extra_metadata or {})},
        sensitivity=registration.sensitivity,
        redact_extra=registration.redact,
    )
    # The application's write must not fail for the size of its diff: the diff is summarised.
    fit_tracked_changes(entry)
    return entry


def _context_actor() -> Any:
    context = current_context()
    return context.actor() if context is not None else None


def _write(entries: list[AuditLog], using: str) -> None:
    pending = _pending.get()
    if pending is not None:
        pending.setdefault(using, []).extend(entries)
    else:
        insert_entries(entries, using=using)


@contextmanager
def _collecting() -> Iterator[None]:
    """Gather the entries written inside the block and insert them together when it succeeds."""
    if _pending.get() is not None:  # an enclosing tracked write inserts them
        yield
        return
    pending: dict[str, list[AuditLog]] = {}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    for using, entries in pending.items():
        insert_entries(entries, using=using)


@contextmanager
def _suspend() -> Iterator[None]:
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


# --- signals ------------------------------------------------------------------------------------


def _take_snapshot(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    registration = _registry[sender]
    state = instance.__dict__
    state[_SNAPSHOT] = {
        tracked.attname: _copied(state[tracked.attname]) for tracked in registration.fields if tracked.attname in state
    }


def _record_save(
    sender: type[models.Model],
    instance: models.Model,
    created: bool,
    using: str,
    update_fields: frozenset[str] | None,
    **kwargs: Any,
) -> None:
    registration = _registry[sender]
    state = instance.__dict__
    # Missing when save_base() was bypassed (loaddata calls Model.save_base directly): treat as new.
    was_adding = state.pop(_WAS_ADDING, True)
    saved = [
        tracked
        for tracked in registration.fields
        if tracked.attname in state
        and (update_fields is None or tracked.name in update_fields or tracked.attname in update_fields)
    ]
    expressions = [tracked for tracked in saved if _is_expression(state[tracked.attname])]
    new_values = {tracked.attname: state[tracked.attname] for tracked in saved}
    if expressions:
        # F() and database defaults: the stored value is only known to the database.
        read = _read_values(sender, using, [instance.pk], [tracked.attname for tracked in expressions])
        new_values.update(zip([tracked.attname for tracked in expressions], read[instance.pk], strict=True))
    snapshot = None if was_adding else state.get(_SNAPSHOT)
    changes: dict[str, dict[str, Any]] = {}
    for tracked in saved:
        new = new_values[tracked.attname]
        if created:
            changes[tracked.name] = {"new": to_json_safe(_python(tracked.field, new))}
        elif snapshot is not None and tracked.attname in snapshot:
            old = snapshot[tracked.attname]
            if not _unchanged(tracked.field, old, new):
                changes[tracked.name] = {"old": to_json_safe(old), "new": to_json_safe(_python(tracked.field, new))}
        else:
            changes[tracked.name] = {"new": to_json_safe(_python(tracked.field, new))}  # the old value is unknown
    if created or changes:
        entry = _entry(
            registration,
            action=Action.CREATE if created else Action.UPDATE,
            object_id=instance.pk,
            object_repr=str(instance),
            changes=changes,
            write="save",
            actor=_context_actor(),
        )
        _write([entry], using)
    snapshot_now = dict(state.get(_SNAPSHOT) or {}) if not was_adding else {}
    for tracked in saved:
        snapshot_now[tracked.attname] = _copied(new_values[tracked.attname])
    state[_SNAPSHOT] = snapshot_now


def _record_delete(
    sender: type[models.Model], instance: models.Model, using: str, origin: Any = None, **kwargs: Any
) -> None:
    registration = _registry[sender]
    state = instance.__dict__
    changes: dict[str, dict[str, Any]] = {}
    if not instance._state.adding:  # an instance never loaded nor saved says nothing about the row
        snapshot = state.get(_SNAPSHOT) or {}
        for tracked in registration.fields:
            if tracked.attname in snapshot:
                changes[tracked.name] = {"old": to_json_safe(snapshot[tracked.attname])}
            elif tracked.attname in state and not _is_expression(state[tracked.attname]):
                changes[tracked.name] = {"old": to_json_safe(state[tracked.attname])}
    if origin is instance:
        write = "delete"
    elif isinstance(origin, models.QuerySet) and origin.model is sender:
        write = "queryset.delete"
    else:
        write = "cascade"
    entry = _entry(
        registration,
        action=Action.DELETE,
        object_id=instance.pk,
        object_repr=str(instance),
        changes=changes,
        write=write,
        actor=_context_actor(),
    )
    _write([entry], using)


_SIGNALS: tuple[tuple[Any, Callable[..., None]], ...] = (
    (post_init, _take_snapshot),
    (post_save, _record_save),
    (post_delete, _record_delete),
)


def _uid(model: type[models.Model], signal: Any) -> str:
    name = {post_init: "post_init", post_save: "post_save", post_delete: "post_delete"}[signal]
    return f"django_audit_log:{model._meta.label}:{name}"


def _connect(model: type[models.Model]) -> None:
    for signal, receiver in _SIGNALS:
        signal.connect(receiver, sender=model, weak=False, dispatch_uid=_uid(model, signal))


# --- model methods ------------------------------------------------------------------------------


def _patch_methods(model: type[models.Model]) -> dict[str, Any]:
    own = {name: model.__dict__.get(name) for name in ("save_base", "refresh_from_db")}
    inherited_save_base = model.save_base
    inherited_refresh = model.refresh_from_db

    def save_base(
        self: models.Model,
        raw: bool = False,
        force_insert: Any = False,
        force_update: bool = False,
        using: str | None = None,
        update_fields: Iterable[str] | None = None,
    ) -> None:
        using = using or router.db_for_write(self.__class__, instance=self)
        self.__dict__[_WAS_ADDING] = self._state.adding
        with transaction.atomic(using=using, savepoint=False):
            inherited_save_base(
                self,
                raw=raw,
                force_insert=force_insert,
                force_update=force_update,
                using=using,
                update_fields=update_fields,
            )

    def refresh_from_db(self: models.Model, *args: Any, **kwargs: Any) -> None:
        inherited_refresh(self, *args, **kwargs)
        registration = _registry.get(type(self))
        fields = kwargs.get("fields", args[1] if len(args) > 1 else None)
        if registration is not None:
            attnames = None
            if fields is not None:
                attnames = [t.attname for t in registration.fields if t.name in fields or t.attname in fields]
            _refresh_snapshot(self, registration, attnames)

    save_base.__doc__ = inherited_save_base.__doc__
    refresh_from_db.__doc__ = inherited_refresh.__doc__
    model.save_base = save_base  # type: ignore[method-assign]
    model.refresh_from_db = refresh_from_db  # type: ignore[method-assign]
    return own


# --- querysets and managers ---------------------------------------------------------------------


class TrackingQuerySetMixin:
    """Records ``update()``, ``delete()``, ``bulk_create()`` and ``bulk_update()`` of a registered model.

    Each writes one entry per affected row, in the same transaction as the write, so a write that
    fails leaves no entry. ``update()`` reads the affected rows' primary keys and old values with
    ``SELECT ... FOR UPDATE`` (a row lock on PostgreSQL and MariaDB; SQLite serialises writers) and then updates
    exactly those rows; a value given as an expression (``F("n") + 1``) is read back after the update.
    """

    model: type[models.Model]

    def update(self, **kwargs: Any) -> int:
        registration = _registry.get(self.model)
        if registration is None or _suspended.get():
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
        base = models.QuerySet(self.model, using=using)
        with transaction.atomic(using=using, savepoint=False):
            rows = list(
                base.filter(pk__in=queryset.order_by().values("pk"))
                .select_for_update()
                .values_list("pk", *[field.attname for field in fields])
            )
            pks = [row[0] for row in rows]
            count = 0
            with _suspend():
                for chunk in _chunks(pks, _chunk_size(using, len(kwargs))):
                    count += queryset.filter(pk__in=chunk).update(**kwargs)
            computed = [field for field in fields if _is_expression(tracked[field])]
            read = _read_values(self.model, using, pks, [field.attname for field in computed]) if computed else {}
            given = {field: _python(field.field, value) for field, value in tracked.items() if field not in computed}
            actor = _context_actor()
            entries = []
            for pk, *olds in rows:
                after = dict(zip(computed, read[pk], strict=True)) if computed else {}
                changes = {}
                for field, old in zip(fields, olds, strict=True):
                    new = after[field] if field in after else given.get(field)
                    if not _unchanged(field.field, old, new):
                        changes[field.name] = {"old": to_json_safe(old), "new": to_json_safe(new)}
                if changes:
                    entries.append(
                        _entry(
                            registration,
                            action=Action.UPDATE,
                            object_id=pk,
                            object_repr="",
                            changes=changes,
                            write="queryset.update",
                            actor=actor,
                        )
                    )
            _write(entries, using)
        queryset._result_cache = None
        return count

    update.alters_data = True  # type: ignore[attr-defined]

    def delete(self) -> tuple[int, dict[str, int]]:
        if _registry.get(self.model) is None:
            return super().delete()  # type: ignore[misc]
        queryset: Any = self
        queryset._for_write = True
        # The deletion collector sends post_delete for every row (the receivers are connected, so
        # it cannot fast-delete); the entries are gathered and inserted in one statement.
        with transaction.atomic(using=queryset.db, savepoint=False), _collecting():
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
        registration = _registry.get(self.model)
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
            actor = _context_actor()
            entries = [
                _entry(
                    registration,
                    action=Action.CREATE,
                    object_id=obj.pk,
                    object_repr=str(obj),
                    changes={
                        tracked.name: {"new": to_json_safe(_python(tracked.field, obj.__dict__[tracked.attname]))}
                        for tracked in registration.fields
                        if tracked.attname in obj.__dict__
                    },
                    write="bulk_create",
                    actor=actor,
                    extra_metadata=extra,
                )
                for obj in created
            ]
            _write(entries, using)
        for obj in created:
            _refresh_snapshot(obj, registration, None)
        return created

    bulk_create.alters_data = True  # type: ignore[attr-defined]

    def bulk_update(self, objs: Iterable[models.Model], fields: Iterable[str], batch_size: int | None = None) -> int:
        registration = _registry.get(self.model)
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
            with _suspend():
                rows = super().bulk_update(objs, fields, batch_size=batch_size)  # type: ignore[misc]
            actor = _context_actor()
            entries = []
            for obj in objs:
                state = obj.__dict__
                snapshot = None if obj._state.adding else state.get(_SNAPSHOT)
                changes = {}
                for tracked in tracked_fields:
                    new = state.get(tracked.attname)
                    if _is_expression(new):
                        new = _read_values(self.model, using, [obj.pk], [tracked.attname])[obj.pk][0]
                    if snapshot is not None and tracked.attname in snapshot:
                        old = snapshot[tracked.attname]
                        if not _unchanged(tracked.field, old, new):
                            changes[tracked.name] = {
                                "old": to_json_safe(old),
                                "new": to_json_safe(_python(tracked.field, new)),
                            }
                    else:
                        changes[tracked.name] = {"new": to_json_safe(_python(tracked.field, new))}
                if changes:
                    entries.append(
                        _entry(
                            registration,
                            action=Action.UPDATE,
                            object_id=obj.pk,
                            object_repr=str(obj),
                            changes=changes,
                            write="bulk_update",
                            actor=actor,
                        )
                    )
            _write(entries, using)
        attnames = [tracked.attname for tracked in tracked_fields]
        for obj in objs:
            if not obj._state.adding:
                _refresh_snapshot(obj, registration, attnames)
        return rows

    bulk_update.alters_data = True  # type: ignore[attr-defined]


_module = sys.modules[__name__]
_tracked_querysets: dict[type, type] = {}
_tracked_managers: dict[type, type] = {}


def tracked_queryset_class(queryset_class: type[models.QuerySet]) -> type[models.QuerySet]:
    """``queryset_class`` with ``TrackingQuerySetMixin`` in front (one class per queryset class).

    The class is stored in this module under a name derived from the original's dotted path, so
    querysets of tracked models pickle and unpickle wherever the model is registered.
    """
    if issubclass(queryset_class, TrackingQuerySetMixin):
        return queryset_class
    tracked = _tracked_querysets.get(queryset_class)
    if tracked is None:
        path = f"{queryset_class.__module__}.{queryset_class.__qualname__}".replace(".", "_")
        name = f"Tracked__{path}"
        tracked = type(name, (TrackingQuerySetMixin, queryset_class), {"__module__": __name__, "__qualname__": name})
        setattr(_module, name, tracked)
        _tracked_querysets[queryset_class] = tracked
    return tracked


def _tracked_manager_class(manager_class: type[models.Manager]) -> type[models.Manager]:
    tracked = _tracked_managers.get(manager_class)
    if tracked is None:
        queryset_class = tracked_queryset_class(manager_class._queryset_class)

        # Migrations must see the manager the model declares, not this runtime subclass.
        def deconstruct(self: models.Manager) -> Any:
            original = copy.copy(self)
            original.__class__ = manager_class
            return original.deconstruct()

        def __eq__(self: models.Manager, other: object) -> bool:
            return isinstance(other, manager_class) and self._constructor_args == other._constructor_args

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


def _patch_managers(model: type[models.Model]) -> list[tuple[models.Manager, type]]:
    managers = {id(manager): manager for manager in (*model._meta.managers, model._meta.base_manager)}
    patched = []
    for manager in managers.values():
        original_class = manager.__class__
        manager.__class__ = _tracked_manager_class(original_class)
        patched.append((manager, original_class))
    return patched
