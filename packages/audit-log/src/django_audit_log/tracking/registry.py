"""Which models are tracked and how: ``register()``, ``unregister()`` and ``registration_for()``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from django_audit_log.choices import Sensitivity
from django_audit_log.exceptions import TrackingConfigurationError


@dataclass(frozen=True)
class TrackedField:
    """One field whose changes a registered model's entries record."""

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


_registry: dict[type[models.Model], Registration] = {}


def registration_for(model: type[models.Model]) -> Registration | None:
    """The registration of ``model`` (exactly that class), or ``None`` when it is not tracked."""
    return _registry.get(model)


def registered(model: type[models.Model]) -> Registration:
    """The registration of ``model``; ``KeyError`` when it is not registered (receivers are connected only then)."""
    return _registry[model]


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
    # patching imports the signal receivers and querysets, which look registrations up here.
    from django_audit_log.tracking.patching import install

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
    install(model)
    return registration


def unregister(model: type[models.Model]) -> None:
    """Stop tracking ``model`` and undo everything ``register()`` changed on it."""
    from django_audit_log.tracking.patching import uninstall

    if model not in _registry:
        raise TrackingConfigurationError(f"{model._meta.label} is not registered for audit tracking.")
    uninstall(model)
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
