"""``module_required``: the view decorator that answers 403 when a module is off for the request's org."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from asgiref.sync import iscoroutinefunction, sync_to_async

from django_modules.access import require_module_for_request
from django_modules.validation import check_key


def module_required(key: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a function view so it runs only when module ``key`` is enabled for the request's org.

    Before the view runs, raises ``ModuleDisabledError`` or ``OrgNotResolvedError`` (``PermissionDenied``
    subclasses whose message names the module and the org: Django answers 403) and ``UnknownModuleError``
    for a key no live module has (a 500: a typo must not look like a disabled module). Works on
    sync and async views. Raises ``InvalidArgumentError`` (a ``TypeError``) at decoration time when
    ``key`` is not a string.
    """
    check_key(key)

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        if iscoroutinefunction(view):

            @wraps(view)
            async def async_wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
                await sync_to_async(require_module_for_request)(request, key)
                return await view(request, *args, **kwargs)

            return async_wrapper

        @wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            require_module_for_request(request, key)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
