"""System checks for django-catalog's settings: the required encounter model and the work item router."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from django_catalog import conf

HINT_ENCOUNTER = (
    "Set CATALOG_ENCOUNTER_MODEL to the 'app_label.ModelName' of the model baskets belong to "
    "(your visit or encounter model), like AUTH_USER_MODEL."
)


@checks.register()
def check_encounter_model(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """E001: ``CATALOG_ENCOUNTER_MODEL`` is unset or empty; E002: it names no installed model."""
    label = conf.encounter_model_label()
    if label is None or label == "":
        return [
            checks.Error(
                f"{conf.ENCOUNTER_MODEL_SETTING} is not set: baskets need an encounter model.",
                hint=HINT_ENCOUNTER,
                id="django_catalog.E001",
            )
        ]
    try:
        if not isinstance(label, str):
            raise ValueError(label)
        apps.get_model(label)
    except (ValueError, LookupError):
        return [
            checks.Error(
                f"{conf.ENCOUNTER_MODEL_SETTING} = {label!r} names no installed model.",
                hint=HINT_ENCOUNTER,
                id="django_catalog.E002",
            )
        ]
    return []


@checks.register()
def check_work_item_router(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """E003: ``CATALOG_WORK_ITEM_ROUTER`` is not a dotted path to a callable."""
    try:
        conf.get_work_item_router()
    except ImproperlyConfigured as exc:
        return [
            checks.Error(
                str(exc),
                hint="A dotted path to a callable route(basket_item, catalog_settings) -> str, or leave it unset.",
                id="django_catalog.E003",
            )
        ]
    return []
