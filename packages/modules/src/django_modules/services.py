"""Writes: set or clear one organization's override of a module. Idempotent and race-safe.

These services address an override by its natural key, the organization and the module key, so
both are passed by position (``enable_module(org, "pharmacy", by=user)``), as ``is_module_enabled(org,
key)`` reads it: the one exception to the monorepo's rule that only the instance a service acts on is
positional. Everything else is keyword-only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connections, router, transaction

from django_basemodels.arguments import require_user
from django_modules.exceptions import InvalidArgumentError, UnknownModuleError
from django_modules.validation import check_key, check_org

if TYPE_CHECKING:
    from django_modules.models import Module, OrgModuleState


def enable_module(org: Any, key: str, *, by: Any = None) -> OrgModuleState:
    """Turn module ``key`` on for ``org`` whatever its global default; ``by`` is the user who did it.

    Creates or updates the org's one override row (safe when two requests race: the unique
    constraint on (org, module) keeps one row, and the loser updates it). Returns that row.
    Raises ``UnknownModuleError`` for a key no live module has, ``InvalidArgumentError`` (a
    ``TypeError`` and ``ValueError``) for an org that is not a saved ``MODULES_ORG_MODEL`` instance, a
    key that is not a string, or a ``by`` that is not a saved user.
    """
    return _set_override(org, key, enabled=True, by=by)


def disable_module(org: Any, key: str, *, by: Any = None) -> OrgModuleState:
    """Turn module ``key`` off for ``org`` whatever its global default. Same guarantees as ``enable_module``."""
    return _set_override(org, key, enabled=False, by=by)


def clear_override(org: Any, key: str) -> bool:
    """Remove ``org``'s override of module ``key``, so the global default applies again.

    Returns whether there was one to remove (calling it twice is harmless); nothing records who
    removed it, so it takes no ``by``. Raises ``UnknownModuleError`` for a key no live module has,
    ``InvalidArgumentError`` for a bad org or key.
    """
    from django_modules.models import OrgModuleState

    check_org(org)
    check_key(key)
    with transaction.atomic():
        module = _lock_live_module(key)
        deleted, _by_model = OrgModuleState.objects.filter(org=org, module=module).delete()
    return deleted > 0


def _set_override(org: Any, key: str, *, enabled: bool, by: Any) -> OrgModuleState:
    from django_modules.models import OrgModuleState

    check_org(org)
    check_key(key)
    require_user(by, name="by", error=InvalidArgumentError)
    with transaction.atomic():
        module = _lock_live_module(key)
        # Writers of one module's overrides queue on its row, so at most one of them inserts an
        # override at a time. Without that lock, update_or_create() would catch the IntegrityError of
        # a racing INSERT and update the row the other writer made; on InnoDB (MariaDB/MySQL) every
        # loser then holds a shared lock on that row from the duplicate-key check and waits for an
        # exclusive one to update it: a deadlock.
        state, _created = OrgModuleState.objects.update_or_create(
            org=org, module=module, defaults={"enabled": enabled, "changed_by": by}
        )
    return state


def _lock_live_module(key: str) -> Module:
    from django_modules.models import Module

    # FOR NO KEY UPDATE where the database has it (PostgreSQL, not MariaDB): inserts of other rows
    # referring to the module need not wait.
    no_key = connections[router.db_for_write(Module)].features.has_select_for_no_key_update
    try:
        return Module.objects.select_for_update(no_key=no_key).get(key=key)
    except Module.DoesNotExist:
        raise UnknownModuleError(key) from None
