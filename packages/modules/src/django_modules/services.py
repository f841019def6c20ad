"""Writes: set or clear one organization's override of a module. Idempotent and race-safe."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from django_modules.exceptions import UnknownModule
from django_modules.validation import check_key, check_org

if TYPE_CHECKING:
    from django_modules.models import Module, OrgModuleState


def enable_module(org: Any, key: str, *, by: Any = None) -> OrgModuleState:
    """Turn module ``key`` on for ``org`` whatever its global default; ``by`` is the user who did it.

    Creates or updates the org's one override row (safe when two requests race: the unique
    constraint on (org, module) keeps one row, and the loser updates it). Returns that row.
    Raises ``UnknownModule`` for a key no live module has, ``TypeError``/``ValueError`` for a bad org.
    """
    return _set_override(org, key, enabled=True, by=by)


def disable_module(org: Any, key: str, *, by: Any = None) -> OrgModuleState:
    """Turn module ``key`` off for ``org`` whatever its global default. Same guarantees as ``enable_module``."""
    return _set_override(org, key, enabled=False, by=by)


def clear_override(org: Any, key: str) -> bool:
    """Remove ``org``'s override of module ``key``, so the global default applies again.

    Returns whether there was one to remove (calling it twice is harmless). Raises ``UnknownModule``
    for a key no live module has, ``TypeError``/``ValueError`` for a bad org.
    """
    from django_modules.models import OrgModuleState

    check_org(org)
    check_key(key)
    with transaction.atomic():
        module = _live_module(key)
        deleted, _by_model = OrgModuleState.objects.filter(org=org, module=module).delete()
    return deleted > 0


def _set_override(org: Any, key: str, *, enabled: bool, by: Any) -> OrgModuleState:
    from django_modules.models import OrgModuleState

    check_org(org)
    check_key(key)
    with transaction.atomic():
        module = _live_module(key)
        # update_or_create locks an existing row, and on a racing INSERT it catches the
        # IntegrityError of the unique constraint and updates the row the other writer made.
        state, _created = OrgModuleState.objects.update_or_create(
            org=org, module=module, defaults={"enabled": enabled, "changed_by": by}
        )
    return state


def _live_module(key: str) -> Module:
    from django_modules.models import Module

    try:
        return Module.objects.get(key=key)
    except Module.DoesNotExist:
        raise UnknownModule(key) from None
