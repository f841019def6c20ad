"""Decorators for function views: ``@require_permission("module.action")``, ``@requires_hierarchy_level(60)``.

Anonymous users are sent to the login page; signed-in users who lack the permission or level
get ``PermissionDenied`` (403). Synchronous views only. With ``org=``, a function of the request
like ``scope=``, only the user's roles of the organization it returns count.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from django_basemodels.tenancy import ANY_ORG
from django_rbac import selectors
from django_rbac.models import MODULE_PERMISSION_PATTERN

View = Callable[..., HttpResponse]
ScopeGetter = Callable[..., Any]
OrgGetter = Callable[..., Any]


def _org(org: OrgGetter | None, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
    return ANY_ORG if org is None else org(request, *args, **kwargs)


def split_module_permission(permission: str) -> tuple[str, str]:
    """``"practice.view"`` -> ``("practice", "view")``; raises ``ValueError`` for anything else."""
    if not isinstance(permission, str) or not MODULE_PERMISSION_PATTERN.match(permission):
        raise ValueError(f"Expected a 'module.action' string, got {permission!r}.")
    module, _, action = permission.partition(".")
    return module, action


def require_permission(
    permission: str, *, scope: ScopeGetter | None = None, org: OrgGetter | None = None, login_url: str | None = None
) -> Callable[[View], View]:
    """Let through users holding module permission ``"module.action"``.

    ``scope``, when given, is called as ``scope(request, *args, **kwargs)`` and returns the object
    the permission must hold for (roles scoped to it count, global roles always do). ``org``, when
    given, is called the same way and returns the organization whose roles count (without it, the
    roles of every organization count).
    """
    module, action = split_module_permission(permission)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), login_url)
            target = scope(request, *args, **kwargs) if scope is not None else None
            within = _org(org, request, *args, **kwargs)
            if not selectors.has_module_permission(request.user, module, action, scope=target, org=within):
                raise PermissionDenied(f"{permission} required.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def requires_hierarchy_level(
    level: int, *, org: OrgGetter | None = None, login_url: str | None = None
) -> Callable[[View], View]:
    """Let through active users whose hierarchy level is ``level`` or above (counting the roles of the organization
    ``org(request, *args, **kwargs)`` returns, when given; else of every organization)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), login_url)
            if not selectors.meets_hierarchy_level(request.user, level, org=_org(org, request, *args, **kwargs)):
                raise PermissionDenied(f"Hierarchy level {level} required.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
