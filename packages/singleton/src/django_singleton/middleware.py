"""``SingletonCacheMiddleware``: one ``get_instance()`` cache scope per request, sync or async."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase

from django_singleton.cache import singleton_cache


class SingletonCacheMiddleware:
    """Caches ``SingletonModel.get_instance()`` for the duration of each request.

    Within a request, the first ``get_instance()`` of a model queries and the next ones return the
    same object, until a ``save()`` of that model in the request drops it. Nothing is shared between
    requests. ``SINGLETON_CACHE = None`` turns the cache off without removing the middleware.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self.__acall__(request)
        with singleton_cache():
            return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        with singleton_cache():
            return await self.get_response(request)


__all__ = ["SingletonCacheMiddleware"]
