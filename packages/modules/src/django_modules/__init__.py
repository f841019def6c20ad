"""Module enable/disable per organization: a global default per module, per-org overrides.

The services and selectors are importable from the package root (``from django_modules import
enable_module``) and are imported on first use, so ``import django_modules`` works before the app
registry is ready.
"""

from typing import TYPE_CHECKING

from django_basemodels.exports import lazy_exports
from django_modules.conf import get_org_model
from django_modules.exceptions import (
    InvalidArgumentError,
    ModuleDisabled,
    ModuleDisabledError,
    ModulesError,
    OrgNotResolved,
    OrgNotResolvedError,
    UnknownModule,
    UnknownModuleError,
)

if TYPE_CHECKING:
    from django_modules.access import require_module_for_request
    from django_modules.selectors import is_module_enabled, list_enabled_modules, require_module
    from django_modules.services import clear_override, disable_module, enable_module

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "django_modules.services": ["clear_override", "disable_module", "enable_module"],
        "django_modules.selectors": ["is_module_enabled", "list_enabled_modules", "require_module"],
        "django_modules.access": ["require_module_for_request"],
    },
)

__all__ = [
    "InvalidArgumentError",
    "ModuleDisabled",
    "ModuleDisabledError",
    "ModulesError",
    "OrgNotResolved",
    "OrgNotResolvedError",
    "UnknownModule",
    "UnknownModuleError",
    "clear_override",
    "disable_module",
    "enable_module",
    "get_org_model",
    "is_module_enabled",
    "list_enabled_modules",
    "require_module",
    "require_module_for_request",
]
