"""Mixins for class-based views: ``ModulePermissionMixin`` and ``HierarchyPermissionMixin``.

Like Django's ``PermissionRequiredMixin``: anonymous users are redirected to the login page,
signed-in users without the permission get 403. ``get_rbac_org()`` (default ``ANY_ORG``: the roles
of every organization count) limits a check to the roles of one organization.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.http import HttpRequest, HttpResponseBase

from django_basemodels.tenancy import ANY_ORG
from django_rbac import selectors
from django_rbac.decorators import split_module_permission


class _OrgMixin:
    def get_rbac_org(self) -> Any:
        """The organization whose roles count (``None``: roles of no organization); ``ANY_ORG`` (the default): every
        organization's."""
        return ANY_ORG


class ModulePermissionMixin(_OrgMixin, AccessMixin):
    """Requires ``required_permission = "module.action"``; override ``get_rbac_scope()`` for a scoped check."""

    required_permission: str | None = None
    request: HttpRequest  # set by the View this is mixed into

    def get_rbac_scope(self) -> models.Model | None:
        """The object the permission must hold for; ``None`` (the default) asks for a global grant."""
        return None

    def has_module_permission(self) -> bool:
        if not self.required_permission:
            raise ImproperlyConfigured(f"{type(self).__name__} needs required_permission = 'module.action'.")
        module, action = split_module_permission(self.required_permission)
        return selectors.has_module_permission(
            self.request.user, module, action, scope=self.get_rbac_scope(), org=self.get_rbac_org()
        )

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated or not self.has_module_permission():
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]  # AccessMixin is mixed into a View


class HierarchyPermissionMixin(_OrgMixin, AccessMixin):
    """Requires ``required_hierarchy_level = 60`` (or any level 0..100)."""

    required_hierarchy_level: int | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if self.required_hierarchy_level is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs required_hierarchy_level.")
        if not request.user.is_authenticated or not selectors.meets_hierarchy_level(
            request.user, self.required_hierarchy_level, org=self.get_rbac_org()
        ):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]  # AccessMixin is mixed into a View
