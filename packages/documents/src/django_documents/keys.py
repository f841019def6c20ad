"""The text form in which a document stores its target's primary key: django-basemodels' canonical object id.

``Document.target_id`` is a ``django_basemodels.fields.ObjectIdField``; these two functions give the
text it stores for a model instance, or for a primary key value of a model.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from django_basemodels.fields import canonical_object_id as canonical_key


def canonical_pk(model: type[models.Model], pk: Any) -> str:
    """Return ``pk`` of ``model`` as stored in ``Document.target_id``: a UUID as 32 lowercase hex digits, else ``str``.

    The value goes through the primary key field's ``to_python`` first, so a UUID given as a dashed
    string, as hex or as ``uuid.UUID`` gives the same text, and ``5`` and ``"5"`` the same for an
    integer key; then through ``django_basemodels.fields.canonical_object_id``, the form every package
    stores. Raises ``django.core.exceptions.ValidationError`` for a value the field rejects and
    ``TypeError`` for ``None``.
    """
    return canonical_key(model._meta.pk.to_python(pk))  # type: ignore[union-attr]


def canonical_object_id(obj: models.Model) -> str:
    """``canonical_pk`` of a model instance (of its concrete model, which its content type names)."""
    return canonical_pk(obj._meta.concrete_model, obj.pk)  # type: ignore[arg-type]
