"""``ModuleRequired``: a Django REST framework permission (needs the ``drf`` extra).

Importing this module without djangorestframework installed raises ``ImportError``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework.permissions import BasePermission

from django_modules.access import require_module_for_request
from django_modules.exceptions import ModuleDisabledError, OrgNotResolvedError
from django_modules.validation import check_key


class ModuleRequired(BasePermission):
    """Deny (403, the module and org named in ``detail``) when a module is off for the request's org.

    The key is the view's ``required_module`` attribute, or fixed with ``ModuleRequired.for_module(key)``.
    The org comes from ``MODULES_ORG_RESOLVER``, given DRF's ``Request`` (which reads attributes of
    Django's request, so ``request.org`` works). ``UnknownModuleError`` propagates (500). As with every
    DRF permission, an unauthenticated request may get 401/403 "not authenticated" instead.
    """

    module: str | None = None
    code = "module_disabled"
    message = "This module is disabled for your organization."

    @classmethod
    def for_module(cls, key: str) -> type[ModuleRequired]:
        """A subclass bound to module ``key``, for ``permission_classes``.

        Raises ``InvalidArgumentError`` (a ``TypeError``) unless ``key`` is a string.
        """
        check_key(key)
        return type(f"ModuleRequired_{key}", (cls,), {"module": key})

    def has_permission(self, request: Any, view: Any) -> bool:
        key = self.module or getattr(view, "required_module", None)
        if not isinstance(key, str) or not key:
            raise ImproperlyConfigured(
                f"{type(self).__name__} on {type(view).__name__} needs a module key: set required_module on "
                "the view or use ModuleRequired.for_module(key)."
            )
        try:
            require_module_for_request(request, key)
        except (ModuleDisabledError, OrgNotResolvedError) as denied:
            self.message = str(denied)
            return False
        return True
