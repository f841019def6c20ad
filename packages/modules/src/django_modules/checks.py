"""System checks for django-modules' settings: the required org model and the org resolver."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from django_basemodels.checks import swappable_model_setting_errors
from django_modules import conf

HINT_ORG_MODEL = (
    "Set MODULES_ORG_MODEL to the 'app_label.ModelName' of your organization model (the model "
    "modules are switched on and off for), like AUTH_USER_MODEL."
)


@checks.register()
def check_org_model(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """E001: ``MODULES_ORG_MODEL`` is unset or empty; E002: it names no installed model."""
    return swappable_model_setting_errors(
        conf.ORG_MODEL_SETTING,
        id_prefix="django_modules",
        reason="module states need an organization model",
        hint=HINT_ORG_MODEL,
    )


@checks.register()
def check_org_resolver(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """E003: ``MODULES_ORG_RESOLVER`` is not a dotted path to a callable."""
    try:
        conf.get_org_resolver()
    except ImproperlyConfigured as exc:
        return [
            checks.Error(
                str(exc),
                hint="A dotted path to a callable resolver(request) -> org or None, or leave it unset "
                "(the default reads request.org).",
                id="django_modules.E003",
            )
        ]
    return []
