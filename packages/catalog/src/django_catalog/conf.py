"""Every setting django-catalog reads, with its default (the encounter model has none: it is required)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.module_loading import import_string

from django_basemodels.conf import get_swappable_model, swappable_model_label
from django_basemodels.limits import DEFAULT_MAX_TEXT_LENGTH

ENCOUNTER_MODEL_SETTING = "CATALOG_ENCOUNTER_MODEL"
WORK_ITEM_ROUTER_SETTING = "CATALOG_WORK_ITEM_ROUTER"
DEFAULT_WORK_ITEM_ROUTER = "django_catalog.routing.route_by_catalog_item"
MAX_TEXT_LENGTH_SETTING = "CATALOG_MAX_TEXT_LENGTH"
REVERSE_DISPENSE_PERMISSION_SETTING = "CATALOG_REVERSE_DISPENSE_PERMISSION"
DEFAULT_REVERSE_DISPENSE_PERMISSION = "django_catalog.add_dispensereversal"


def encounter_model_label() -> Any:
    """The raw value of ``CATALOG_ENCOUNTER_MODEL`` (``"app_label.Model"``), or ``None`` when unset.

    There is deliberately no default: the catalog must not name a model of another package.
    """
    return swappable_model_label(ENCOUNTER_MODEL_SETTING)


def get_encounter_model() -> type[models.Model]:
    """The model named by ``CATALOG_ENCOUNTER_MODEL``, like ``django.contrib.auth.get_user_model()``.

    Raises ``ImproperlyConfigured`` when the setting is missing, malformed, or names no installed model.
    """
    return get_swappable_model(ENCOUNTER_MODEL_SETTING)


def work_item_router_path() -> Any:
    """The raw value of ``CATALOG_WORK_ITEM_ROUTER`` (default ``DEFAULT_WORK_ITEM_ROUTER``)."""
    return getattr(settings, WORK_ITEM_ROUTER_SETTING, DEFAULT_WORK_ITEM_ROUTER)


def get_work_item_router() -> Callable[..., Any]:
    """The routing function named by ``CATALOG_WORK_ITEM_ROUTER``.

    Raises ``ImproperlyConfigured`` when the value is not a dotted path to an importable callable.
    """
    path = work_item_router_path()
    if not isinstance(path, str) or not path:
        raise ImproperlyConfigured(f"{WORK_ITEM_ROUTER_SETTING} must be a dotted path, not {path!r}.")
    try:
        router = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"{WORK_ITEM_ROUTER_SETTING} = {path!r} cannot be imported: {exc}") from exc
    if not callable(router):
        raise ImproperlyConfigured(f"{WORK_ITEM_ROUTER_SETTING} = {path!r} is not callable.")
    return router


def max_text_length() -> Any:
    """``CATALOG_MAX_TEXT_LENGTH``: the longest free text the services store, in characters.

    It caps a dispense record's ``notes`` and a work item's ``cancel_reason``; the default is
    ``django_basemodels.limits.DEFAULT_MAX_TEXT_LENGTH``. The system checks report a value that is not a
    positive integer.
    """
    return getattr(settings, MAX_TEXT_LENGTH_SETTING, DEFAULT_MAX_TEXT_LENGTH)


def reverse_dispense_permission() -> Any:
    """``CATALOG_REVERSE_DISPENSE_PERMISSION``: the permission ``by`` needs to reverse a dispense record
    (default ``"django_catalog.add_dispensereversal"``, the reversal model's add permission; ``None``: no check)."""
    return getattr(settings, REVERSE_DISPENSE_PERMISSION_SETTING, DEFAULT_REVERSE_DISPENSE_PERMISSION)
