"""Reads: whether a module is enabled for an organization, and which modules are.

Resolution, everywhere: the organization's override (``OrgModuleState.enabled``) if it has one,
else the module's global default (``Module.active``). Soft-deleted modules are unknown.
"""

from __future__ import annotations

from typing import Any

from django_modules.exceptions import ModuleDisabledError, UnknownModuleError
from django_modules.validation import check_key, check_org


def is_module_enabled(org: Any, key: str) -> bool:
    """Whether module ``key`` is enabled for ``org``, in one query.

    Raises ``UnknownModuleError`` when no live module has this key (never answers ``False`` for a typo),
    ``InvalidArgumentError`` (a ``TypeError`` and ``ValueError``) when ``org`` is not a saved
    instance of ``MODULES_ORG_MODEL`` or ``key`` not a string.
    """
    from django_modules.models import Module

    check_org(org)
    check_key(key)
    # Fetching the module row with its resolved state tells "unknown" (no row) from "disabled".
    states = list(Module.objects.with_org_state(org).filter(key=key).order_by().values_list("is_enabled", flat=True))
    if not states:
        raise UnknownModuleError(key)
    return bool(states[0])


def require_module(org: Any, key: str) -> None:
    """Return quietly when module ``key`` is enabled for ``org`` (one query).

    Raises ``ModuleDisabledError`` (naming the module and the organization; a ``PermissionDenied``, so a
    view answers 403) when it is disabled, and whatever ``is_module_enabled`` raises otherwise.
    """
    if not is_module_enabled(org, key):
        raise ModuleDisabledError(key, org)


def list_enabled_modules(org: Any) -> set[str]:
    """The keys of every live module enabled for ``org``, in one query.

    Raises ``InvalidArgumentError`` (a ``TypeError`` and ``ValueError``) when ``org`` is not a saved
    instance of ``MODULES_ORG_MODEL``.
    """
    from django_modules.models import Module

    check_org(org)
    return set(Module.objects.with_org_state(org).filter(is_enabled=True).order_by().values_list("key", flat=True))
