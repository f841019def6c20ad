"""System checks for django-singleton: the ``SINGLETON_CACHE`` setting and every singleton model's constraint."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core import checks
from django.db import models

from django_singleton import conf


@checks.register()
def check_cache_setting(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """E001: ``SINGLETON_CACHE`` is neither ``"request"`` nor ``None``."""
    value = conf.cache_setting()
    if value in conf.CACHE_CHOICES:
        return []
    return [
        checks.Error(
            f'SINGLETON_CACHE must be "request" or None, not {value!r}.',
            hint='"request" (the default) caches get_instance() within each request that passes through '
            "django_singleton.middleware.SingletonCacheMiddleware; None never caches.",
            id="django_singleton.E001",
        )
    ]


def singleton_constraint_warnings(model_classes: Iterable[type[models.Model]]) -> list[checks.CheckMessage]:
    """W001 for every concrete ``SingletonModel`` without a ``CHECK (pk = 1)`` constraint in its Meta."""
    from django_singleton.models import SingletonModel, is_singleton_check_constraint

    warnings: list[checks.CheckMessage] = []
    for model in model_classes:
        if not issubclass(model, SingletonModel) or model._meta.abstract or model._meta.proxy:
            continue
        if any(is_singleton_check_constraint(model, constraint) for constraint in model._meta.constraints):
            continue
        warnings.append(
            checks.Warning(
                f"{model._meta.label} is a SingletonModel without the singleton check constraint: "
                "its table can hold rows other than pk 1.",
                hint="Its Meta.constraints replace SingletonModel's. Extend them instead: "
                "class Meta(SingletonModel.Meta): constraints = [*SingletonModel.Meta.constraints, ...]",
                obj=model,
                id="django_singleton.W001",
            )
        )
    return warnings


@checks.register(checks.Tags.models)
def check_singleton_constraints(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """See ``singleton_constraint_warnings``."""
    if app_configs is None:
        model_classes: Iterable[type[models.Model]] = apps.get_models()
    else:
        model_classes = [model for app_config in app_configs for model in app_config.get_models()]
    return singleton_constraint_warnings(model_classes)
