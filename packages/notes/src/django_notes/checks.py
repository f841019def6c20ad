"""System checks for django-notes: its settings and the relations models declare to notes and tags.

The guarantee that revisions are append-only is checked by django-basemodels (``django_basemodels.E011``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core import checks
from django.db import models

from django_notes import conf

OBJECT_ID_MAX_LENGTH = 255


@checks.register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """E001: ``NOTES_TAG_COLORS``; E002: ``NOTES_MAX_LENGTH``; E003: ``NOTES_DEFAULT_VISIBILITY``."""
    errors: list[checks.CheckMessage] = []
    palette = conf.tag_colors()
    if not isinstance(palette, (list, tuple)) or not palette or not all(map(conf.is_hex_color, palette)):
        errors.append(
            checks.Error(
                f"NOTES_TAG_COLORS must be a non-empty list of '#RRGGBB' colours, not {palette!r}.",
                hint="For example ['#ef4444', '#3b82f6']; new tags take their colour from it.",
                id="django_notes.E001",
            )
        )
    limit = conf.max_length()
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        errors.append(
            checks.Error(
                f"NOTES_MAX_LENGTH must be a positive integer or None, not {limit!r}.",
                hint=f"The longest note content in characters (default {conf.DEFAULT_MAX_LENGTH}); None for no limit.",
                id="django_notes.E002",
            )
        )
    visibility = conf.default_visibility()
    if visibility not in conf.VISIBILITIES:
        errors.append(
            checks.Error(
                f"NOTES_DEFAULT_VISIBILITY must be 'internal' or 'external', not {visibility!r}.",
                id="django_notes.E003",
            )
        )
    return errors


_GENERIC_KEY_MODELS = {"django_notes.note", "django_notes.objecttag"}


def _relations_to_notes(model: type[models.Model]) -> Iterable[Any]:
    from django.contrib.contenttypes.fields import GenericRelation

    for field in model._meta.private_fields:
        if not isinstance(field, GenericRelation):
            continue
        remote = field.remote_field.model
        # A lazy reference stays a string until its app is loaded (e.g. under isolate_apps).
        label = remote if isinstance(remote, str) else remote._meta.label
        if label.lower() in _GENERIC_KEY_MODELS:
            yield field


def relation_errors(model_classes: Iterable[type[models.Model]]) -> list[checks.CheckMessage]:
    """E004 and E005 for the relations to ``Note``/``ObjectTag`` (``TagsRelation`` included) of ``model_classes``.

    E004: ``for_concrete_model=False``: notes and tags point at the concrete model, so such a
    relation of a proxy finds nothing. E005: the model's primary key does not fit the 255
    characters of the object id (a longer ``CharField`` key, a composite key).
    """
    errors: list[checks.CheckMessage] = []
    for model in model_classes:
        for field in _relations_to_notes(model):
            label = f"{model._meta.label}.{field.name}"
            if not field.for_concrete_model:
                errors.append(
                    checks.Error(
                        f"{label} has for_concrete_model=False: notes and tags point at the concrete model, "
                        "so this relation finds nothing on a proxy.",
                        hint="Remove for_concrete_model=False.",
                        obj=field,
                        id="django_notes.E004",
                    )
                )
            pk = model._meta.pk
            too_long = isinstance(pk.max_length, int) and pk.max_length > OBJECT_ID_MAX_LENGTH
            if too_long or len(getattr(pk, "fields", ())) > 1:
                errors.append(
                    checks.Error(
                        f"{label}: the primary key of {model._meta.label} does not fit the object id "
                        f"of notes and tags (one column of at most {OBJECT_ID_MAX_LENGTH} characters).",
                        obj=field,
                        id="django_notes.E005",
                    )
                )
    return errors


@checks.register(checks.Tags.models)
def check_relations(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """See ``relation_errors``."""
    if app_configs is None:
        model_classes: Iterable[type[models.Model]] = apps.get_models()
    else:
        model_classes = [model for app_config in app_configs for model in app_config.get_models()]
    return relation_errors(model_classes)
