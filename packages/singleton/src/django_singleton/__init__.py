"""An abstract Django model with exactly one row (pk 1), its admin mixin and a per-request cache.

``SingletonModel`` is imported from ``django_singleton.models``, ``SingletonAdminMixin`` from
``django_singleton.admin`` (they need the app registry) and the middleware from
``django_singleton.middleware``; the names below are safe to import anywhere.
"""

from django_singleton.cache import singleton_cache
from django_singleton.exceptions import SingletonDeletionError, SingletonError, SingletonViolationError

__all__ = [
    "SingletonDeletionError",
    "SingletonError",
    "SingletonViolationError",
    "singleton_cache",
]
