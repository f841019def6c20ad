"""System checks for django-basemodels settings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.module_loading import import_string

from django_basemodels import conf
from django_basemodels.fields import ObjectIdField

_HINT = f"Use a dotted path such as {conf.DEFAULT_UUID_FACTORY!r} or {conf.UUID7_FACTORY!r}."


@checks.register()
def check_uuid_factory(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``BASEMODELS_UUID_FACTORY`` must be a dotted path to a callable.

    E001: not a string, or it cannot be imported. E002: it imports but is not callable.
    """
    path = conf.uuid_factory_path()
    if not isinstance(path, str):
        return [
            checks.Error(
                f"BASEMODELS_UUID_FACTORY must be a dotted path string, not {type(path).__name__}.",
                hint=_HINT,
                id="django_basemodels.E001",
            )
        ]
    try:
        factory = import_string(path)
    except ImportError as exc:
        return [
            checks.Error(
                f"BASEMODELS_UUID_FACTORY = {path!r} cannot be imported: {exc}",
                hint=_HINT,
                id="django_basemodels.E001",
            )
        ]
    if not callable(factory):
        return [
            checks.Error(
                f"BASEMODELS_UUID_FACTORY = {path!r} is not callable.",
                hint=_HINT,
                id="django_basemodels.E002",
            )
        ]
    return []


def generic_foreign_key_warnings(model_classes: Iterable[type[models.Model]]) -> list[checks.CheckMessage]:
    """W001 for every Django ``GenericForeignKey`` whose object id is an ``ObjectIdField``.

    Such a key must be ``django_basemodels.generic.GenericForeignKey``, or ``prefetch_related``
    of it returns ``None`` for UUID-keyed targets on Django 6.
    """
    from django.contrib.contenttypes.fields import GenericForeignKey as DjangoGenericForeignKey

    from django_basemodels.generic import GenericForeignKey

    warnings: list[checks.CheckMessage] = []
    for model in model_classes:
        for field in model._meta.private_fields:
            if not isinstance(field, DjangoGenericForeignKey) or isinstance(field, GenericForeignKey):
                continue
            try:
                object_id = model._meta.get_field(field.fk_field)
            except FieldDoesNotExist:  # Django's own check (contenttypes.E001) reports it
                continue
            if isinstance(object_id, ObjectIdField):
                warnings.append(
                    checks.Warning(
                        f"{model._meta.label}.{field.name} is Django's GenericForeignKey over an ObjectIdField.",
                        hint="Use django_basemodels.generic.GenericForeignKey: with Django's class, "
                        "prefetch_related() of UUID-keyed targets gives None on Django 6.",
                        obj=model,
                        id="django_basemodels.W001",
                    )
                )
    return warnings


@checks.register(checks.Tags.models)
def check_generic_foreign_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """See ``generic_foreign_key_warnings``; silent when ``django.contrib.contenttypes`` is not installed."""
    if not apps.is_installed("django.contrib.contenttypes"):
        return []
    if app_configs is None:
        model_classes: Iterable[type[models.Model]] = apps.get_models()
    else:
        model_classes = [model for app_config in app_configs for model in app_config.get_models()]
    return generic_foreign_key_warnings(model_classes)
