"""Every setting django-modules reads, with its default (the org model has none: it is required)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.module_loading import import_string

from django_basemodels.conf import get_swappable_model, swappable_model_label

ORG_MODEL_SETTING = "MODULES_ORG_MODEL"
ORG_RESOLVER_SETTING = "MODULES_ORG_RESOLVER"
DEFAULT_ORG_RESOLVER = "django_modules.access.org_from_request_attribute"


def org_model_label() -> Any:
    """The raw value of ``MODULES_ORG_MODEL`` (``"app_label.Model"``), or ``None`` when unset.

    There is deliberately no default: django-modules depends on no package that defines organizations.
    """
    return swappable_model_label(ORG_MODEL_SETTING)


def get_org_model() -> type[models.Model]:
    """The model named by ``MODULES_ORG_MODEL``, like ``django.contrib.auth.get_user_model()``.

    Raises ``ImproperlyConfigured`` when the setting is missing, malformed, or names no installed model.
    """
    return get_swappable_model(ORG_MODEL_SETTING)


def org_resolver_path() -> Any:
    """The raw value of ``MODULES_ORG_RESOLVER`` (default ``DEFAULT_ORG_RESOLVER``: reads ``request.org``)."""
    return getattr(settings, ORG_RESOLVER_SETTING, DEFAULT_ORG_RESOLVER)


def get_org_resolver() -> Callable[[Any], Any]:
    """The callable ``resolver(request) -> org or None`` named by ``MODULES_ORG_RESOLVER``.

    Read on every call, so ``override_settings`` works. Raises ``ImproperlyConfigured`` when the value
    is not a dotted path to an importable callable.
    """
    path = org_resolver_path()
    if not isinstance(path, str) or not path:
        raise ImproperlyConfigured(f"{ORG_RESOLVER_SETTING} must be a dotted path, not {path!r}.")
    try:
        resolver = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"{ORG_RESOLVER_SETTING} = {path!r} cannot be imported: {exc}") from exc
    if not callable(resolver):
        raise ImproperlyConfigured(f"{ORG_RESOLVER_SETTING} = {path!r} is not callable.")
    return resolver
