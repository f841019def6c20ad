"""System checks for django-decisioning settings and for models using its mixins."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import models

from django_basemodels.checks import limit_setting_errors
from django_decisioning import conf


def _positive_duration_error(name: str, value: Any, check_id: str) -> list[checks.CheckMessage]:
    if value is None or (isinstance(value, timedelta) and value > timedelta(0)):
        return []
    return [
        checks.Error(
            f"{name} = {value!r} must be a positive datetime.timedelta or None.",
            hint=f"For example {name} = timedelta(days=1).",
            id=check_id,
        )
    ]


@checks.register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """E001/E002: a duration setting is not a positive ``timedelta`` or ``None``. E003/E004: a limit
    (``DECISIONING_MAX_TEXT_LENGTH``, ``DECISIONING_MAX_JSON_BYTES``) is not a positive integer.
    W001: ``USE_TZ`` is false.
    """
    messages = _positive_duration_error(
        "DECISIONING_IDEMPOTENCY_TTL", conf.idempotency_ttl(), "django_decisioning.E001"
    )
    messages += _positive_duration_error(
        "DECISIONING_IDEMPOTENCY_LOCK_TIMEOUT", conf.idempotency_lock_timeout(), "django_decisioning.E002"
    )
    messages += limit_setting_errors(
        "DECISIONING_MAX_TEXT_LENGTH",
        conf.max_text_length(),
        default=conf.DEFAULT_MAX_TEXT_LENGTH,
        id="django_decisioning.E003",
    )
    messages += limit_setting_errors(
        "DECISIONING_MAX_JSON_BYTES",
        conf.max_json_bytes(),
        default=conf.DEFAULT_MAX_JSON_BYTES,
        id="django_decisioning.E004",
    )
    if not settings.USE_TZ:
        messages.append(
            checks.Warning(
                "USE_TZ is False: effective_at, recorded_at and validity periods need timezone-aware datetimes.",
                hint="Set USE_TZ = True.",
                id="django_decisioning.W001",
            )
        )
    return messages


def check_validity_constraints(model_classes: Iterable[type[models.Model]]) -> list[checks.CheckMessage]:
    """Warn about ``EffectiveDatedMixin`` models that lost the ``valid_to > valid_from`` constraint.

    That happens when a model lists another abstract base first (its ``Meta`` wins) or sets
    ``Meta.constraints`` without the mixin's.
    """
    from django_decisioning.mixins import EffectiveDatedMixin

    messages: list[checks.CheckMessage] = []
    for model in model_classes:
        if not issubclass(model, EffectiveDatedMixin) or model._meta.abstract or model._meta.proxy:
            continue
        expected = f"{model._meta.app_label.lower()}_{model._meta.model_name}_valid_period"
        if not any(constraint.name == expected for constraint in model._meta.constraints):
            messages.append(
                checks.Warning(
                    f"{model._meta.label} has no constraint {expected!r}: the database accepts valid_to <= valid_from.",
                    hint="Inherit the mixin's Meta: class Meta(EffectiveDatedMixin.Meta), and keep "
                    "*EffectiveDatedMixin.Meta.constraints when you set constraints.",
                    obj=model,
                    id="django_decisioning.W002",
                )
            )
    return messages


@checks.register(checks.Tags.models)
def check_models(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    configs = app_configs if app_configs is not None else apps.get_app_configs()
    return check_validity_constraints(model for config in configs for model in config.get_models())
