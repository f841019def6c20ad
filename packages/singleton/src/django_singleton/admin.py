"""Admin support for singleton models: the changelist opens the one row; no add once it exists; no delete.

``django_singleton`` registers no model itself; mix ``SingletonAdminMixin`` into the
``ModelAdmin`` of any ``SingletonModel`` (it must come before ``admin.ModelAdmin``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse


class SingletonAdminMixin:
    """``ModelAdmin`` mixin for a ``SingletonModel``.

    - the changelist redirects to the change page of the one row, creating the row with
      ``get_instance()`` on first open (users without view or change permission get 403);
    - adding is allowed only while the row does not exist;
    - deleting is never allowed (no delete button, no delete page, no "delete selected" action).
    """

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponseRedirect:
        """Redirect to the change page of the one row, creating it on first use."""
        if not self.has_view_or_change_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        instance = self.model.get_instance()  # type: ignore[attr-defined]
        opts = self.model._meta  # type: ignore[attr-defined]
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[quote(instance.pk)],
            current_app=self.admin_site.name,  # type: ignore[attr-defined]
        )
        return HttpResponseRedirect(url)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """The usual add permission, and only while the table is empty."""
        if not super().has_add_permission(request):  # type: ignore[misc]
            return False
        return not self.model._base_manager.exists()  # type: ignore[attr-defined]

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        """Never: the row of a singleton is changed, not deleted."""
        return False


__all__ = ["SingletonAdminMixin"]
