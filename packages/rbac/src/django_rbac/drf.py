"""Permission classes for Django REST framework (install the ``drf`` extra).

- ``HasModulePermission``: ``required_permission = "module.action"`` on the view, or
  ``required_permissions = {"list": "practice.view", "create": "practice.add", ...}`` keyed by the
  viewset action (or the lower-case HTTP method on a plain ``APIView``); an action missing from the
  mapping is refused.
- ``HasHierarchyLevel``: ``required_hierarchy_level = 60``.
- ``HasRole``: ``required_roles = ["pharmacist"]`` held globally.
- ``HasScopedRole``: ``required_roles`` held globally or for the view's scope.

Scopes come from the view: ``get_rbac_scope(request)`` for the whole request, and
``get_rbac_object_scope(obj)`` for object-level checks. Active superusers pass every class.

The organization comes from the view too: ``get_rbac_org(request)``, when defined, limits every
check to the user's roles of that organization. Without it, permissions and levels count the
roles of every organization, and ``required_roles`` (slugs) name roles of no organization.
"""

from __future__ import annotations

from typing import Any

try:
    from rest_framework.permissions import BasePermission
except ImportError as exc:  # pragma: no cover  (tested in a subprocess without DRF)
    raise ImportError(
        "django_rbac.drf needs Django REST framework. Install it with: pip install 'django-primitives-rbac[drf]'"
    ) from exc

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from django_basemodels.tenancy import ANY_ORG
from django_rbac import selectors
from django_rbac.decorators import split_module_permission


def _signed_in(request: Any) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _request_scope(request: Any, view: Any) -> models.Model | None:
    getter = getattr(view, "get_rbac_scope", None)
    return getter(request) if getter is not None else None


def _request_org(request: Any, view: Any, default: Any) -> Any:
    getter = getattr(view, "get_rbac_org", None)
    return getter(request) if getter is not None else default


def _required_roles(view: Any) -> list[str]:
    roles = getattr(view, "required_roles", None)
    if not roles:
        raise ImproperlyConfigured(f"{type(view).__name__} needs required_roles = ['role-slug', ...].")
    return list(roles)


class HasModulePermission(BasePermission):
    """The user holds the view's module permission (for the view's scope when it has one)."""

    message = "You do not have the module permission this action needs."

    def _permission(self, request: Any, view: Any) -> tuple[str, str] | None:
        mapping = getattr(view, "required_permissions", None)
        if mapping is not None:
            key = getattr(view, "action", None) or request.method.lower()
            permission = mapping.get(key)
            return split_module_permission(permission) if permission else None
        permission = getattr(view, "required_permission", None)
        if not permission:
            raise ImproperlyConfigured(
                f"{type(view).__name__} needs required_permission or required_permissions (per action)."
            )
        return split_module_permission(permission)

    def has_permission(self, request: Any, view: Any) -> bool:
        if not _signed_in(request):
            return False
        permission = self._permission(request, view)
        if permission is None:
            return False
        module, action = permission
        return selectors.has_module_permission(
            request.user, module, action, scope=_request_scope(request, view), org=_request_org(request, view, ANY_ORG)
        )

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        getter = getattr(view, "get_rbac_object_scope", None)
        if getter is None:
            return True
        permission = self._permission(request, view)
        if permission is None:  # pragma: no cover  (has_permission refused first)
            return False
        module, action = permission
        return selectors.has_module_permission(
            request.user, module, action, scope=getter(obj), org=_request_org(request, view, ANY_ORG)
        )


class HasHierarchyLevel(BasePermission):
    """The user's hierarchy level is at least the view's ``required_hierarchy_level``."""

    message = "Your hierarchy level is too low for this action."

    def has_permission(self, request: Any, view: Any) -> bool:
        level = getattr(view, "required_hierarchy_level", None)
        if level is None:
            raise ImproperlyConfigured(f"{type(view).__name__} needs required_hierarchy_level.")
        return _signed_in(request) and selectors.meets_hierarchy_level(
            request.user, level, org=_request_org(request, view, ANY_ORG)
        )


class HasRole(BasePermission):
    """The user holds one of the view's ``required_roles`` globally (scoped assignments do not count): roles of the
    organization ``get_rbac_org(request)`` returns, or of no organization."""

    message = "You do not hold a role this action needs."

    def has_permission(self, request: Any, view: Any) -> bool:
        roles = _required_roles(view)
        if not _signed_in(request):
            return False
        user, org = request.user, _request_org(request, view, None)
        return selectors.is_active_superuser(user) or any(selectors.has_role(user, role, org=org) for role in roles)


class HasScopedRole(BasePermission):
    """The user holds one of ``required_roles`` globally or for the scope of the request or object.

    With ``get_rbac_scope(request)`` the request's scope decides. Without it, the view must define
    ``get_rbac_object_scope(obj)``: the request passes when the user holds the role somewhere, and
    each object is checked against its own scope (filter list querysets yourself).
    """

    message = "You do not hold a role this action needs for this scope."

    def _holds(self, request: Any, view: Any, roles: list[str], scope: models.Model | None) -> bool:
        user, org = request.user, _request_org(request, view, None)
        return selectors.is_active_superuser(user) or any(
            selectors.has_role(user, role, scope=scope, org=org) for role in roles
        )

    def has_permission(self, request: Any, view: Any) -> bool:
        roles = _required_roles(view)
        if not _signed_in(request):
            return False
        if hasattr(view, "get_rbac_scope"):
            return self._holds(request, view, roles, view.get_rbac_scope(request))
        if not hasattr(view, "get_rbac_object_scope"):
            raise ImproperlyConfigured(f"{type(view).__name__} needs get_rbac_scope() or get_rbac_object_scope().")
        user = request.user
        if selectors.is_active_superuser(user):
            return True
        effective = selectors.effective_permissions(user).for_org(_request_org(request, view, None))
        return selectors.is_active(user) and any(effective.holds_anywhere(role) for role in roles)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        getter = getattr(view, "get_rbac_object_scope", None)
        if getter is None:
            return True
        return self._holds(request, view, _required_roles(view), getter(obj))
