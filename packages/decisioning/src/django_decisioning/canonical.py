"""Canonical JSON: the one form in which evidence snapshots and request fingerprints are made.

Evidence is a snapshot taken at a decision boundary, and a fingerprint must not change when a
retry sends the same request: both need a conversion that is exact (no floats near money, no
naive datetimes) and deterministic (sorted keys, UTC datetimes).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
import math
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import models

from django_basemodels.fields import canonical_object_id
from django_decisioning.exceptions import UnsupportedValueError


def to_json_value(value: Any, *, allow_floats: bool = False, allow_instances: bool = False, path: str = "value") -> Any:
    """Return ``value`` as plain JSON data (dicts with string keys, lists, str, int, bool, None).

    Conversions: ``Decimal`` -> its exact string (``Decimal("19.90")`` -> ``"19.90"``), ``UUID`` ->
    dashed string, aware ``datetime`` -> ISO 8601 in UTC, ``date``/``time`` -> ISO 8601, tuple ->
    list, str/int subclasses (``TextChoices``, ``IntegerChoices``) -> plain str/int, other enum
    members -> their value, dataclass instances (a ``Money``) -> a dict of their fields. With
    ``allow_instances`` a saved model instance becomes ``{"model": "app_label.model", "pk": id}``.

    Raises ``UnsupportedValueError`` naming the path of the offending item for: floats (unless
    ``allow_floats``; never NaN or infinities), non-finite decimals, naive datetimes, sets,
    non-string dict keys, model instances (unless ``allow_instances``) and any other object.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not allow_floats:
            raise UnsupportedValueError(
                f"{path} is a float ({value!r}); use Decimal or a string so amounts stay exact."
            )
        if not math.isfinite(value):
            raise UnsupportedValueError(f"{path} is {value!r}, which JSON cannot represent.")
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise UnsupportedValueError(f"{path} is {value!r}, which JSON cannot represent.")
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise UnsupportedValueError(f"{path} is a naive datetime ({value.isoformat()}); use an aware one.")
        return value.astimezone(dt.timezone.utc).isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return to_json_value(value.value, allow_floats=allow_floats, allow_instances=allow_instances, path=path)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise UnsupportedValueError(f"{path} has a non-string key {key!r}; JSON object keys are strings.")
            result[str.__str__(key)] = to_json_value(
                item, allow_floats=allow_floats, allow_instances=allow_instances, path=f"{path}[{key!r}]"
            )
        return result
    if isinstance(value, (list, tuple)):
        return [
            to_json_value(item, allow_floats=allow_floats, allow_instances=allow_instances, path=f"{path}[{index}]")
            for index, item in enumerate(value)
        ]
    if isinstance(value, models.Model):
        if not allow_instances:
            raise UnsupportedValueError(
                f"{path} is a {type(value).__name__} instance; evidence must be a snapshot of the values "
                "that mattered, not a pointer to mutable state."
            )
        if value.pk is None:
            raise UnsupportedValueError(f"{path} is an unsaved {type(value).__name__}; save it first.")
        return {"model": value._meta.label_lower, "pk": canonical_object_id(value.pk)}
    raise UnsupportedValueError(f"{path} is a {type(value).__name__}, which has no canonical JSON form.")


def canonical_json(value: Any, *, allow_floats: bool = False, allow_instances: bool = False) -> str:
    """Serialise ``value`` (converted by ``to_json_value``) with sorted keys and no whitespace."""
    data = to_json_value(value, allow_floats=allow_floats, allow_instances=allow_instances)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def request_fingerprint(payload: Any) -> str:
    """The sha256 hex digest of the canonical JSON of a request payload.

    Equal payloads give equal fingerprints whatever the dict order or timezone of a datetime;
    model instances count by reference (label and primary key), not by their current field
    values; floats are accepted (they are only hashed). ``Decimal("1.0")`` and ``Decimal("1.00")``
    differ, as their text does. Raises ``UnsupportedValueError`` for values with no canonical form.
    """
    text = canonical_json(payload, allow_floats=True, allow_instances=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
