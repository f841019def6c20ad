"""``ModuleRequiredMixin``: the class-based-view counterpart of ``module_required``."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.core.exceptions import ImproperlyConfigured

from django_modules.access import require_module_for_request


class ModuleRequiredMixin:
    """Refuse (403) a class-based view when module ``required_module`` is off for the request's org.

    Put it before the view class (and after ``LoginRequiredMixin``, so anonymous users are sent to
    log in rather than refused). The check runs in ``dispatch`` before any handler, with the same
    errors as ``module_required``; async views are supported.
    """

    required_module: str | None = None

    def get_required_module(self) -> str:
        """The key to check; override to choose it per request. ``ImproperlyConfigured`` when unset."""
        if not isinstance(self.required_module, str) or not self.required_module:
            raise ImproperlyConfigured(
                f"{type(self).__name__} is missing the required_module attribute: set it to a module key "
                "or override get_required_module()."
            )
        return self.required_module

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        key = self.get_required_module()
        if getattr(self, "view_is_async", False):

            async def checked_dispatch() -> Any:
                await sync_to_async(require_module_for_request)(request, key)
                return await super(ModuleRequiredMixin, self).dispatch(request, *args, **kwargs)  # type: ignore[misc]

            return checked_dispatch()
        require_module_for_request(request, key)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
