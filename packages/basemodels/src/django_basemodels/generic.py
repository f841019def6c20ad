"""Helpers for generic keys made of a ``ContentType`` FK ``<name>_type`` and an ``ObjectIdField`` ``<name>_id``."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from django_basemodels.fields import canonical_object_id


def generic_key_filter(name: str, obj: models.Model) -> dict[str, Any]:
    """Keyword arguments that select rows whose generic key ``name`` points at ``obj``.

    ``Note.objects.filter(**generic_key_filter("target", invoice))``.
    """
    if obj.pk is None:
        raise ValueError(f"{obj!r} has no primary key yet; save it before pointing at it.")
    return {
        f"{name}_type": ContentType.objects.get_for_model(obj),
        f"{name}_id": canonical_object_id(obj.pk),
    }


def generic_key_values(name: str, obj: models.Model | None) -> dict[str, Any]:
    """Field values that make generic key ``name`` point at ``obj`` (or at nothing when ``None``)."""
    if obj is None:
        return {f"{name}_type": None, f"{name}_id": ""}
    return generic_key_filter(name, obj)
