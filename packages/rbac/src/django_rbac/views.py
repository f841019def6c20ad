"""Mixins for class-based views: ``ModulePermissionMixin`` and ``HierarchyPermissionMixin``.

Like Django's ``PermissionRequiredMixin``: anonymous users are redirected to the login page,
signed-in users without the permission get 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.http import HttpRequest, HttpResponseBase

from django_rbac import selectors
from django_rbac.decorators import split_module_permission


class ModulePermissionMixin(AccessMixin):
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
        return selectors.has_module_permission(self.request.user, module, action, scope=self.get_rbac_scope())

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated or not self.has_module_permission():
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]  # AccessMixin is mixed into a View


class HierarchyPermissionMixin(AccessMixin):
    """Requires ``required_hierarchy_level = 60`` (or any level 0..100)."""

    required_hierarchy_level: int | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if self.required_hierarchy_level is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs required_hierarchy_level.")
        if not request.user.is_authenticated or not selectors.meets_hierarchy_level(
            request.user, self.required_hierarchy_level
        ):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]  # AccessMixin is mixed into a View
