"""Every setting django-basemodels reads, with its default, and the readers of the swappable-model
settings that a ``SwappableForeignKey`` names (settings of the package that declares the key)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.db import models

DEFAULT_UUID_FACTORY = "uuid.uuid4"
UUID7_FACTORY = "django_basemodels.uuids.uuid7"


def uuid_factory_path() -> Any:
    """Dotted path of the callable that makes new primary keys (``BASEMODELS_UUID_FACTORY``).

    Returned as configured; ``checks.check_uuid_factory`` reports a value that is not an
    importable callable.
    """
    return getattr(settings, "BASEMODELS_UUID_FACTORY", DEFAULT_UUID_FACTORY)


def swappable_model_label(setting: str) -> Any:
    """The raw value of the swappable-model setting ``setting`` (``"app_label.Model"``), or ``None`` when unset."""
    return getattr(settings, setting, None)


def unset_swappable_model_reference(setting: str) -> str:
    """What a ``SwappableForeignKey`` on ``setting`` points at while the setting is unset or empty.

    A lazy reference to no model, relative to the app of the model declaring the key (no dot), named
    after the setting: models still import, and ``manage.py check`` names the setting in
    ``fields.E300``/``fields.E307`` next to the declaring package's own check.
    """
    return f"{setting}_is_not_set"


def swappable_model_reference(setting: str) -> str:
    """The lazy model reference a ``SwappableForeignKey`` on ``setting`` is declared with.

    The setting's value when it is a non-empty string, as written (the declaring package's system
    check reports one that names no installed model); else ``unset_swappable_model_reference(setting)``.
    """
    label = swappable_model_label(setting)
    return label if isinstance(label, str) and label else unset_swappable_model_reference(setting)


def get_swappable_model(setting: str) -> type[models.Model]:
    """The model the swappable-model setting ``setting`` names, like ``django.contrib.auth.get_user_model()``.

    Read on every call, so ``override_settings`` works. Raises ``ImproperlyConfigured`` when the
    setting is unset, empty or not a string, is not of the form ``"app_label.ModelName"``, or names
    no installed model.
    """
    label = swappable_model_label(setting)
    if not isinstance(label, str) or not label:
        raise ImproperlyConfigured(f"{setting} must be set to 'app_label.ModelName'.")
    try:
        return apps.get_model(label, require_ready=False)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{setting} must be of the form 'app_label.ModelName'.") from exc
    except LookupError as exc:
        raise ImproperlyConfigured(f"{setting} refers to model {label!r} that has not been installed.") from exc


def unique_per_database_exemptions() -> Any:
    """``BASEMODELS_UNIQUE_PER_DATABASE``: what the natural-key check leaves alone, as ``"app_label"``,
    ``"app_label.Model"`` or ``"app_label.Model.field"`` entries (default: none). Returned as configured."""
    return getattr(settings, "BASEMODELS_UNIQUE_PER_DATABASE", ())


def read_replicas() -> Any:
    """``BASEMODELS_READ_REPLICAS``: the database aliases ``PrimaryReplicaRouter`` reads from (default: none)."""
    return getattr(settings, "BASEMODELS_READ_REPLICAS", ())


def primary_database() -> Any:
    """``BASEMODELS_PRIMARY_DATABASE``: the alias every write, lock and transaction goes to (default ``"default"``)."""
    return getattr(settings, "BASEMODELS_PRIMARY_DATABASE", "default")
