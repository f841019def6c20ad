"""Module enable/disable per organization: a global default per module, per-org overrides.

Importable before the app registry is ready: the functions load the models when called.
"""

from django_modules.conf import get_org_model
from django_modules.exceptions import ModuleDisabled, ModulesError, OrgNotResolved, UnknownModule
from django_modules.selectors import is_module_enabled, list_enabled_modules, require_module
from django_modules.services import clear_override, disable_module, enable_module

__all__ = [
    "ModuleDisabled",
    "ModulesError",
    "OrgNotResolved",
    "UnknownModule",
    "clear_override",
    "disable_module",
    "enable_module",
    "get_org_model",
    "is_module_enabled",
    "list_enabled_modules",
    "require_module",
]
