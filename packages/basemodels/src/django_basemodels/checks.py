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


def _apps_with_unapplied_migrations(connection: Any) -> set[str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    return {app_label for app_label, name in loader.graph.nodes if (app_label, name) not in loader.applied_migrations}


def check_database_guarantees(
    app_configs: Any = None, databases: Iterable[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Declared guarantees against the triggers installed on each checked database (``--database``).

    E010: the database vendor has no SQL in the guarantee layer, so models that declare guarantees
    would be unguarded there. E011: a declared trigger is missing, outdated or disabled, or a trigger
    of the layer is left without a declaration. Apps with unapplied migrations are skipped: ``migrate``
    installs their guarantees.
    """
    from django.db import connections

    from django_basemodels.guarantees.dialects import DIALECTS
    from django_basemodels.guarantees.installation import guarantee_statuses, guarded_models

    messages: list[checks.CheckMessage] = []
    for alias in databases or []:
        connection = connections[alias]
        models = guarded_models(alias)
        if app_configs is not None:
            labels = {app_config.label for app_config in app_configs}
            models = [model for model in models if model._meta.app_label in labels]
        if not models:
            continue
        if connection.vendor not in DIALECTS:
            messages.append(
                checks.Error(
                    f"Database {alias!r} is {connection.vendor}, for which the guarantee layer has no SQL: "
                    f"{len(models)} model(s) that declare database guarantees would be unguarded there "
                    f"({', '.join(sorted(model._meta.label for model in models)[:5])}, ...).",
                    hint=f"Use one of: {', '.join(sorted(DIALECTS))}.",
                    id="django_basemodels.E010",
                )
            )
            continue
        pending = _apps_with_unapplied_migrations(connection)
        models = [model for model in models if model._meta.app_label not in pending]
        by_label = {model._meta.label: model for model in models}
        for status in guarantee_statuses(alias, models):
            if not status.ok:
                messages.append(
                    checks.Error(
                        f"Database {alias!r}: {status}.",
                        hint=f"Run `manage.py guarantees install --database {alias}` to restore the declared triggers.",
                        obj=by_label.get(status.model),
                        id="django_basemodels.E011",
                    )
                )
    return messages


def check_natural_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """W020: a natural key unique per database, where the tenancy convention makes it unique per organization.

    Every model outside ``django.contrib`` is checked (``tenancy.per_database_natural_keys``), but for the
    entries of ``BASEMODELS_UNIQUE_PER_DATABASE``; E020: that setting is not a list of strings.
    """
    from django_basemodels.tenancy import per_database_natural_keys

    exemptions = conf.unique_per_database_exemptions()
    if not isinstance(exemptions, list | tuple | set | frozenset) or not all(isinstance(e, str) for e in exemptions):
        return [
            checks.Error(
                f"BASEMODELS_UNIQUE_PER_DATABASE = {exemptions!r} must be a list of strings.",
                hint='Name apps, models or fields: ["django_tenants", "shop.Coupon", "shop.Coupon.code"].',
                id="django_basemodels.E020",
            )
        ]
    exempt = {entry.lower() for entry in exemptions}
    configs = app_configs if app_configs is not None else apps.get_app_configs()
    messages: list[checks.CheckMessage] = []
    for app_config in configs:
        if app_config.name.startswith("django.contrib.") or app_config.label.lower() in exempt:
            continue
        for model in app_config.get_models():
            if model._meta.label_lower in exempt:
                continue
            for names in per_database_natural_keys(model):
                if all(f"{model._meta.label_lower}.{name}".lower() in exempt for name in names):
                    continue
                messages.append(
                    checks.Warning(
                        f"{model._meta.label}: the natural key ({', '.join(names)}) is unique per database, so a "
                        "second organization cannot reuse a value the first one holds.",
                        hint="Inherit django_basemodels.tenancy.OrgOwned and make the key unique_per_org(...); if it "
                        "is meant to be global, declare it in the model's unique_per_database or "
                        "BASEMODELS_UNIQUE_PER_DATABASE.",
                        obj=model,
                        id="django_basemodels.W020",
                    )
                )
    return messages


def limit_setting_errors(setting: str, value: Any, *, default: int, id: str) -> list[checks.CheckMessage]:
    """The error of a length-limit setting (characters, bytes) that is not a positive integer, for a package's check.

    An empty list when ``value`` (what ``setting`` holds, or its default) is a positive ``int``; otherwise
    one ``Error`` with the check id ``id`` naming the setting, the value and ``default``.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return []
    return [
        checks.Error(
            f"{setting} = {value!r} must be a positive integer.",
            hint=f"Remove it to use the default, {default}.",
            id=id,
        )
    ]
