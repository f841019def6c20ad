"""What a tracked write changed, and the entries that record it.

Snapshots of the tracked fields' loaded values, the comparison of saved values with them, the
``post_init``/``post_save``/``post_delete`` receivers, and the writing of entries (gathered while a
tracked bulk write runs, so they are inserted together). Internal to ``django_audit_log.tracking``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connections, models

from django_audit_log.choices import Action
from django_audit_log.context import current_context
from django_audit_log.encoding import to_json_safe
from django_audit_log.limits import fit_tracked_changes
from django_audit_log.services import build_entry, insert_entries
from django_audit_log.tracking.registry import Registration, registered
from django_basemodels.fields import canonical_object_id

if TYPE_CHECKING:
    from django_audit_log.models import AuditLog

SNAPSHOT = "_audit_log_snapshot"
WAS_ADDING = "_audit_log_was_adding"

# Entries of the tracked bulk write now running, inserted in one go when it ends (by database alias).
_pending: ContextVar[dict[str, list[AuditLog]] | None] = ContextVar("django_audit_log_pending", default=None)
# Set while update() and bulk_update() run the update() calls whose entries they write themselves.
suspended: ContextVar[bool] = ContextVar("django_audit_log_suspended", default=False)


# --- values -------------------------------------------------------------------------------------


def copied(value: Any) -> Any:
    # A JSON or array value mutated in place must still differ from its snapshot.
    return copy.deepcopy(value) if isinstance(value, (dict, list, set, bytearray)) else value


def python_value(field: models.Field, value: Any) -> Any:
    if isinstance(value, models.Model):
        value = value.pk
    try:
        return field.to_python(value)
    except ValidationError:
        return value


def unchanged(field: models.Field, old: Any, new: Any) -> bool:
    if old == new:
        return True
    return old == python_value(field, new)


def is_expression(value: Any) -> bool:
    return hasattr(value, "resolve_expression")


def read_values(model: type[models.Model], using: str, pks: list[Any], attnames: list[str]) -> dict[Any, tuple]:
    """Current database values of ``attnames`` for ``pks``, read in chunks (for expression results only)."""
    rows: dict[Any, tuple] = {}
    for chunk in chunks(pks, chunk_size(using, len(attnames))):
        for pk, *values in models.QuerySet(model, using=using).filter(pk__in=chunk).values_list("pk", *attnames):
            rows[pk] = tuple(values)
    return rows


def chunk_size(using: str, extra_params: int) -> int:
    limit = connections[using].features.max_query_params or 10_000
    return max(1, limit - extra_params - 10)


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def refresh_snapshot(instance: models.Model, registration: Registration, attnames: Iterable[str] | None) -> None:
    state = instance.__dict__
    snapshot = dict(state.get(SNAPSHOT) or {})
    names = registration.attnames if attnames is None else attnames
    for attname in names:
        if attname in state and not is_expression(state[attname]):
            snapshot[attname] = copied(state[attname])
        else:
            snapshot.pop(attname, None)
    state[SNAPSHOT] = snapshot


# --- entries ------------------------------------------------------------------------------------


def make_entry(
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


def context_actor() -> Any:
    context = current_context()
    return context.actor() if context is not None else None


def write_entries(entries: list[AuditLog], using: str) -> None:
    pending = _pending.get()
    if pending is not None:
        pending.setdefault(using, []).extend(entries)
    else:
        insert_entries(entries, using=using)


@contextmanager
def collecting() -> Iterator[None]:
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
def suspend() -> Iterator[None]:
    token = suspended.set(True)
    try:
        yield
    finally:
        suspended.reset(token)


# --- signals ------------------------------------------------------------------------------------


def take_snapshot(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    registration = registered(sender)
    state = instance.__dict__
    state[SNAPSHOT] = {
        tracked.attname: copied(state[tracked.attname]) for tracked in registration.fields if tracked.attname in state
    }


def record_save(
    sender: type[models.Model],
    instance: models.Model,
    created: bool,
    using: str,
    update_fields: frozenset[str] | None,
    **kwargs: Any,
) -> None:
    registration = registered(sender)
    state = instance.__dict__
    # Missing when save_base() was bypassed (loaddata calls Model.save_base directly): treat as new.
    was_adding = state.pop(WAS_ADDING, True)
    saved = [
        tracked
        for tracked in registration.fields
        if tracked.attname in state
        and (update_fields is None or tracked.name in update_fields or tracked.attname in update_fields)
    ]
    expressions = [tracked for tracked in saved if is_expression(state[tracked.attname])]
    new_values = {tracked.attname: state[tracked.attname] for tracked in saved}
    if expressions:
        # F() and database defaults: the stored value is only known to the database.
        read = read_values(sender, using, [instance.pk], [tracked.attname for tracked in expressions])
        new_values.update(zip([tracked.attname for tracked in expressions], read[instance.pk], strict=True))
    snapshot = None if was_adding else state.get(SNAPSHOT)
    changes: dict[str, dict[str, Any]] = {}
    for tracked in saved:
        new = new_values[tracked.attname]
        if created:
            changes[tracked.name] = {"new": to_json_safe(python_value(tracked.field, new))}
        elif snapshot is not None and tracked.attname in snapshot:
            old = snapshot[tracked.attname]
            if not unchanged(tracked.field, old, new):
                changes[tracked.name] = {
                    "old": to_json_safe(old),
                    "new": to_json_safe(python_value(tracked.field, new)),
                }
        else:
            changes[tracked.name] = {"new": to_json_safe(python_value(tracked.field, new))}  # the old value is unknown
    if created or changes:
        entry = make_entry(
            registration,
            action=Action.CREATE if created else Action.UPDATE,
            object_id=instance.pk,
            object_repr=str(instance),
            changes=changes,
            write="save",
            actor=context_actor(),
        )
        write_entries([entry], using)
    snapshot_now = dict(state.get(SNAPSHOT) or {}) if not was_adding else {}
    for tracked in saved:
        snapshot_now[tracked.attname] = copied(new_values[tracked.attname])
    state[SNAPSHOT] = snapshot_now


def record_delete(
    sender: type[models.Model], instance: models.Model, using: str, origin: Any = None, **kwargs: Any
) -> None:
    registration = registered(sender)
    state = instance.__dict__
    changes: dict[str, dict[str, Any]] = {}
    if not instance._state.adding:  # an instance never loaded nor saved says nothing about the row
        snapshot = state.get(SNAPSHOT) or {}
        for tracked in registration.fields:
            if tracked.attname in snapshot:
                changes[tracked.name] = {"old": to_json_safe(snapshot[tracked.attname])}
            elif tracked.attname in state and not is_expression(state[tracked.attname]):
                changes[tracked.name] = {"old": to_json_safe(state[tracked.attname])}
    if origin is instance:
        write = "delete"
    elif isinstance(origin, models.QuerySet) and origin.model is sender:
        write = "queryset.delete"
    else:
        write = "cascade"
    entry = make_entry(
        registration,
        action=Action.DELETE,
        object_id=instance.pk,
        object_repr=str(instance),
        changes=changes,
        write=write,
        actor=context_actor(),
    )
    write_entries([entry], using)
