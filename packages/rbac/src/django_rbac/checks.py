"""System checks for django-rbac settings."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from django_rbac import conf

BACKEND = "django_rbac.backends.RoleBackend"


@checks.register()
def check_scope_parents(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    path = conf.scope_parents_path()
    if path is None:
        return []
    try:
        hook = import_string(path)
    except ImportError as exc:
        return [
            checks.Error(
                f"RBAC_SCOPE_PARENTS = {path!r} cannot be imported: {exc}",
                hint="Give the dotted path of a function obj -> iterable of ancestor objects, or remove the setting.",
                id="django_rbac.E001",
            )
        ]
    if not callable(hook):
        return [checks.Error(f"RBAC_SCOPE_PARENTS = {path!r} is not callable.", id="django_rbac.E002")]
    return []


@checks.register()
def check_backend(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if BACKEND in settings.AUTHENTICATION_BACKENDS:
        return []
    return [
        checks.Warning(
            f"{BACKEND} is not in AUTHENTICATION_BACKENDS: user.has_perm() and the admin ignore roles.",
            hint=f"Add {BACKEND!r} after the backend that authenticates users.",
            id="django_rbac.W001",
        )
    ]


@checks.register()
def check_use_tz(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.USE_TZ:
        return []
    return [
        checks.Warning(
            "USE_TZ is False: role validity periods (valid_from/valid_to) need timezone-aware datetimes.",
            hint="Set USE_TZ = True.",
            id="django_rbac.W002",
        )
    ]


@checks.register()
def check_decisioning_installed(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if apps.is_installed("django_decisioning"):
        return []
    return [
        checks.Error(
            "django_decisioning is not in INSTALLED_APPS: assign_role and revoke_role record their decisions with it.",
            hint="Add 'django_decisioning' to INSTALLED_APPS (django-primitives-rbac installs it) and migrate.",
            id="django_rbac.E003",
        )
    ]
