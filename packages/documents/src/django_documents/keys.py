"""The one text form in which a document stores its target's primary key (no other package is imported for it)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models


def canonical_pk(model: type[models.Model], pk: Any) -> str:
    """Return ``pk`` of ``model`` as stored in ``Document.target_id``: a UUID as 32 lowercase hex digits, else ``str``.

    The value goes through the primary key field's ``to_python`` first, so a UUID given as a dashed
    string, as hex or as ``uuid.UUID`` gives the same text, and ``5`` and ``"5"`` the same for an
    integer key. Raises ``django.core.exceptions.ValidationError`` for a value the field rejects.
    """
    value = model._meta.pk.to_python(pk)  # type: ignore[union-attr]
    if isinstance(value, uuid.UUID):
        return value.hex
    return str(value)


def canonical_object_id(obj: models.Model) -> str:
    """``canonical_pk`` of a model instance (of its concrete model, which its content type names)."""
    return canonical_pk(obj._meta.concrete_model, obj.pk)  # type: ignore[arg-type]
