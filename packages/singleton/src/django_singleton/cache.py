"""The per-request cache of ``SingletonModel.get_instance()``: a scope held in a context variable.

A scope is opened by ``SingletonCacheMiddleware`` around each request, or by ``singleton_cache()``
around any other unit of work. Context variables follow the request into async views and into
``sync_to_async``/``async_to_sync`` calls, and are never shared between threads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models

_scope: ContextVar[dict[type[models.Model], models.Model] | None] = ContextVar("django_singleton_cache", default=None)


@contextmanager
def singleton_cache() -> Iterator[None]:
    """Open a cache scope: inside it, ``get_instance()`` of each singleton model queries at most once.

    A ``save()`` of that model (or an ``update()`` of its queryset) in the same scope drops the
    cached instance, so the next ``get_instance()`` queries again. A scope opened inside another
    one shares the outer cache, so a save anywhere in the request invalidates it for the whole
    request. Has no effect when ``SINGLETON_CACHE = None``.
    """
    if _scope.get() is not None:
        yield
        return
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def cached_instance(model: type[models.Model]) -> models.Model | None:
    """The instance cached for ``model`` in the current scope, or ``None``."""
    scope = _scope.get()
    return None if scope is None else scope.get(model)


def remember_instance(model: type[models.Model], instance: models.Model) -> None:
    """Cache ``instance`` for ``model`` in the current scope; does nothing outside a scope."""
    scope = _scope.get()
    if scope is not None:
        scope[model] = instance


def forget_instance(model: type[models.Model]) -> None:
    """Drop the instance cached for ``model`` in the current scope, if any."""
    scope = _scope.get()
    if scope is not None:
        scope.pop(model, None)


__all__ = ["singleton_cache"]
