"""System checks for django-basemodels settings (registered by the app config), and
``swappable_model_setting_errors`` for packages that declare a swappable-model setting."""

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


def check_generic_foreign_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """See ``generic_foreign_key_warnings``; silent when ``django.contrib.contenttypes`` is not installed."""
    if not apps.is_installed("django.contrib.contenttypes"):
        return []
    if app_configs is None:
        model_classes: Iterable[type[models.Model]] = apps.get_models()
    else:
        model_classes = [model for app_config in app_configs for model in app_config.get_models()]
    return generic_foreign_key_warnings(model_classes)


def swappable_model_setting_errors(
    setting: str, *, id_prefix: str, reason: str, hint: str | None = None
) -> list[checks.CheckMessage]:
    """The errors of the swappable-model setting ``setting`` (``"app_label.Model"``), for a package's own check.

    ``<id_prefix>.E001`` "``<setting>`` is not set: ``<reason>``." when the setting is unset or
    empty; ``<id_prefix>.E002`` "``<setting>`` = ``<value>`` names no installed model." when it is
    not a string or names no installed model; both with ``hint``. An empty list otherwise.
    Registering it stays the package's job (``checks.register`` in its ``checks.py``).
    """
    label = conf.swappable_model_label(setting)
    if label is None or label == "":
        return [checks.Error(f"{setting} is not set: {reason}.", hint=hint, id=f"{id_prefix}.E001")]
    try:
        if not isinstance(label, str):
            raise ValueError(label)
        apps.get_model(label)
    except (ValueError, LookupError):
        return [checks.Error(f"{setting} = {label!r} names no installed model.", hint=hint, id=f"{id_prefix}.E002")]
    return []
