"""System checks for django-catalog's settings: the required encounter model, the work item router, the text limit."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from django_basemodels.checks import limit_setting_errors, swappable_model_setting_errors
from django_basemodels.limits import DEFAULT_MAX_TEXT_LENGTH
from django_catalog import conf

HINT_ENCOUNTER = (
    "Set CATALOG_ENCOUNTER_MODEL to the 'app_label.ModelName' of the model baskets belong to "
    "(your visit or encounter model), like AUTH_USER_MODEL."
)


@checks.register()
def check_encounter_model(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """E001: ``CATALOG_ENCOUNTER_MODEL`` is unset or empty; E002: it names no installed model."""
    return swappable_model_setting_errors(
        conf.ENCOUNTER_MODEL_SETTING,
        id_prefix="django_catalog",
        reason="baskets need an encounter model",
        hint=HINT_ENCOUNTER,
    )


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


@checks.register()
def check_max_text_length(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """E004: ``CATALOG_MAX_TEXT_LENGTH`` is not a positive integer."""
    return limit_setting_errors(
        conf.MAX_TEXT_LENGTH_SETTING, conf.max_text_length(), default=DEFAULT_MAX_TEXT_LENGTH, id="django_catalog.E004"
    )
