"""Decorators for function views: ``@require_permission("module.action")``, ``@requires_hierarchy_level(60)``.

Anonymous users are sent to the login page; signed-in users who lack the permission or level
get ``PermissionDenied`` (403). Synchronous views only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from django_rbac import selectors
from django_rbac.models import MODULE_PERMISSION_PATTERN

View = Callable[..., HttpResponse]
ScopeGetter = Callable[..., Any]


def split_module_permission(permission: str) -> tuple[str, str]:
    """``"practice.view"`` -> ``("practice", "view")``; raises ``ValueError`` for anything else."""
    if not isinstance(permission, str) or not MODULE_PERMISSION_PATTERN.match(permission):
        raise ValueError(f"Expected a 'module.action' string, got {permission!r}.")
    module, _, action = permission.partition(".")
    return module, action


def require_permission(
    permission: str, *, scope: ScopeGetter | None = None, login_url: str | None = None
) -> Callable[[View], View]:
    """Let through users holding module permission ``"module.action"``.

    ``scope``, when given, is called as ``scope(request, *args, **kwargs)`` and returns the object
    the permission must hold for (roles scoped to it count, global roles always do).
    """
    module, action = split_module_permission(permission)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), login_url)
            target = scope(request, *args, **kwargs) if scope is not None else None
            if not selectors.has_module_permission(request.user, module, action, scope=target):
                raise PermissionDenied(f"{permission} required.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def requires_hierarchy_level(level: int, *, login_url: str | None = None) -> Callable[[View], View]:
    """Let through active users whose hierarchy level is ``level`` or above."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), login_url)
            if not selectors.meets_hierarchy_level(request.user, level):
                raise PermissionDenied(f"Hierarchy level {level} required.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
