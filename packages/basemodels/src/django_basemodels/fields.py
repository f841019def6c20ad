"""``ObjectIdField``: the one text form in which every package stores a key of "any model".

SQLite keeps a ``UUIDField`` as 32 hex digits and PostgreSQL as a native uuid, while
``str(uuid)`` has dashes: a plain ``CharField`` object id silently misses UUID rows in a
reverse join on SQLite. This field stores a UUID (or a string that parses as one) as its
32-hex form and every other key (integers, slugs) as plain text, so the reverse join, the
related manager, ``GenericForeignKey`` access and both prefetches agree on both databases.

In Python the field reads a stored UUID back in its dashed ``str(uuid)`` form, which is what
Django's ``GenericForeignKey`` prefetch compares with (``pk.value_to_string()``, Django 6).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models


def canonical_object_id(value: Any) -> str:
    """Return the stored text form of a primary key value (UUIDs as 32 lowercase hex digits)."""
    if isinstance(value, uuid.UUID):
        return value.hex
    text = str(value)
    if len(text) in (32, 36, 38, 45):  # hex, dashed, braced, urn:uuid:
        try:
            return uuid.UUID(text).hex
        except ValueError:
            pass
    return text


def object_id_display_form(value: Any) -> Any:
    """The Python-side form of a stored id: a 32-hex UUID becomes ``str(uuid)``; other keys stay as they are."""
    if isinstance(value, str) and len(value) == 32:
        try:
            return str(uuid.UUID(value))
        except ValueError:
            return value
    return value


class ObjectIdField(models.CharField):
    """A ``CharField`` holding any model's primary key in canonical text form."""

    description = "Object id of any model (canonical text form)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return canonical_object_id(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return object_id_display_form(value)

    def to_python(self, value: Any) -> Any:
        if value is None:
            return value
        return object_id_display_form(canonical_object_id(value))
