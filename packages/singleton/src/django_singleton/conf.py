"""Every setting django-singleton reads, with its default."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CACHE_PER_REQUEST = "request"
CACHE_OFF = None
CACHE_CHOICES = (CACHE_PER_REQUEST, CACHE_OFF)
DEFAULT_CACHE = CACHE_PER_REQUEST


def cache_setting() -> Any:
    """``SINGLETON_CACHE`` as configured (``checks.check_cache_setting`` reports a bad value)."""
    return getattr(settings, "SINGLETON_CACHE", DEFAULT_CACHE)


def request_cache_enabled() -> bool:
    """Whether ``get_instance()`` may use an open cache scope (``SINGLETON_CACHE = "request"``).

    Read on every call, so ``override_settings`` works. Raises ``ImproperlyConfigured`` for a value
    other than ``"request"`` or ``None``.
    """
    value = cache_setting()
    if value not in CACHE_CHOICES:
        raise ImproperlyConfigured(f'SINGLETON_CACHE must be "request" or None, not {value!r}.')
    return value == CACHE_PER_REQUEST
