"""The typed errors of django-modules: one base class, and what callers catch."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied


class ModulesError(Exception):
    """Base class of every error django-modules raises on purpose."""


class InvalidArgumentError(ModulesError, TypeError, ValueError):
    """An argument is not what the call takes: ``org`` not a saved ``MODULES_ORG_MODEL`` instance, a key
    that is not a string, ``by`` not a saved user. A ``TypeError`` and a ``ValueError``, as these checks
    raised before."""


class UnknownModuleError(ModulesError, LookupError):
    """No live ``Module`` has this key (a soft-deleted module counts as unknown).

    Raised instead of answering "disabled", so a typo in a key is never a silently missing feature.
    """

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"Unknown module {key!r}: no live Module has this key.")


class ModuleDisabledError(ModulesError, PermissionDenied):
    """The module is off for the organization (its override, else the module's global default).

    A ``PermissionDenied``: raised in a view (directly or from a service it calls), Django answers 403.
    """

    def __init__(self, key: str, org: Any) -> None:
        self.key = key
        self.org = org
        super().__init__(f"Module {key!r} is disabled for organization {str(org)!r}.")


class OrgNotResolvedError(ModulesError, PermissionDenied):
    """A request reached a view that needs a module, and ``MODULES_ORG_RESOLVER`` found no organization.

    A ``PermissionDenied`` (403): without an organization there is no answer, and access fails closed.
    """

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"Module {key!r} needs an organization, and none was found for this request.")


# Deprecated names (one release): ``except UnknownModule`` keeps catching ``UnknownModuleError``.
UnknownModule = UnknownModuleError
ModuleDisabled = ModuleDisabledError
OrgNotResolved = OrgNotResolvedError
