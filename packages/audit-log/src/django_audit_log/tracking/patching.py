"""What ``register()`` installs on a model and ``unregister()`` removes.

The ``post_init``, ``post_save`` and ``post_delete`` receivers; ``save_base`` wrapped in
``transaction.atomic(savepoint=False)`` (the row and its entry commit or roll back together) and
``refresh_from_db`` wrapped to refresh the snapshot; every manager of the model (the base manager
too) switched to a class whose querysets record their writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, router, transaction
from django.db.models.signals import post_delete, post_init, post_save

from django_audit_log.tracking.diff import WAS_ADDING, record_delete, record_save, refresh_snapshot, take_snapshot
from django_audit_log.tracking.querysets import tracked_manager_class
from django_audit_log.tracking.registry import registration_for


@dataclass
class _Patches:
    own_methods: dict[str, Any]
    managers: list[tuple[models.Manager, type]]


_patches: dict[type[models.Model], _Patches] = {}


def install(model: type[models.Model]) -> None:
    """Connect the receivers for ``model`` and patch its methods and managers."""
    for signal, receiver in _SIGNALS:
        signal.connect(receiver, sender=model, weak=False, dispatch_uid=_uid(model, signal))
    _patches[model] = _Patches(own_methods=_patch_methods(model), managers=_patch_managers(model))


def uninstall(model: type[models.Model]) -> None:
    """Undo ``install(model)``: the model's own methods and managers come back, the receivers go."""
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


_SIGNALS: tuple[tuple[Any, Callable[..., None]], ...] = (
    (post_init, take_snapshot),
    (post_save, record_save),
    (post_delete, record_delete),
)


def _uid(model: type[models.Model], signal: Any) -> str:
    name = {post_init: "post_init", post_save: "post_save", post_delete: "post_delete"}[signal]
    return f"django_audit_log:{model._meta.label}:{name}"


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
        self.__dict__[WAS_ADDING] = self._state.adding
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
        registration = registration_for(type(self))
        fields = kwargs.get("fields", args[1] if len(args) > 1 else None)
        if registration is not None:
            attnames = None
            if fields is not None:
                attnames = [t.attname for t in registration.fields if t.name in fields or t.attname in fields]
            refresh_snapshot(self, registration, attnames)

    save_base.__doc__ = inherited_save_base.__doc__
    refresh_from_db.__doc__ = inherited_refresh.__doc__
    model.save_base = save_base  # type: ignore[method-assign]
    model.refresh_from_db = refresh_from_db  # type: ignore[method-assign]
    return own


def _patch_managers(model: type[models.Model]) -> list[tuple[models.Manager, type]]:
    managers = {id(manager): manager for manager in (*model._meta.managers, model._meta.base_manager)}
    patched = []
    for manager in managers.values():
        original_class = manager.__class__
        manager.__class__ = tracked_manager_class(original_class)
        patched.append((manager, original_class))
    return patched
