"""How values are written into an entry: object ids as canonical text, changes and metadata as plain JSON.

JSON-safe encoding (what ``changes`` and ``metadata`` store):

- ``None``, ``bool``, ``int``, ``str`` and finite ``float`` stay as they are;
- ``Decimal`` becomes its string (``"10.50"``: the scale is kept), non-finite floats their string;
- aware ``datetime`` becomes ISO 8601 in UTC (``"2026-01-02T03:04:05.000006+00:00"``), naive
  ``datetime``, ``date`` and ``time`` their ISO 8601 form, ``timedelta`` an ISO 8601 duration;
- ``UUID`` becomes its dashed string, ``bytes`` base64, a model instance its primary key;
- mappings become objects with string keys, lists, tuples and sets become arrays (sets sorted);
- enumerations their value, anything else ``str(value)``.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import enum
import json
import math
import uuid
from collections.abc import Mapping
from json.encoder import encode_basestring
from typing import Any

from django.db import models
from django.utils.duration import duration_iso_string
from django.utils.functional import Promise

JSONValue = Any


def to_json_safe(value: Any) -> JSONValue:
    """Return ``value`` as plain JSON data (see the module docstring for the encoding of each type)."""
    if value is None or (isinstance(value, (bool, int, str)) and not isinstance(value, enum.Enum)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc)
        return value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return to_json_safe(value.value)
    if isinstance(value, models.Model):
        return to_json_safe(value.pk)
    if isinstance(value, Mapping):
        return {str(key): to_json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_safe(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((to_json_safe(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Promise):
        return str(value)
    return str(value)


# What json.dumps(text, ensure_ascii=False) writes for a string (its encoder returns exactly this), without
# building a JSONEncoder per call: the hash chain serialises every string of every entry it verifies.
_json_string = encode_basestring
# Every float's shortest repr has at most 17 digits, and the integers of the fast path below fewer than 28.
_NUMBER_CONTEXT = decimal.Context(prec=28)
_SMALL_INTEGER = 10**27
_STRING_TYPE = frozenset({str})


def _canonical_number(value: int | float) -> str:
    # PostgreSQL's jsonb keeps numbers as exact decimals and hands 1e+16 back as the integer
    # 10000000000000000, so a float and the int it comes back as must hash alike: both are
    # written as the shortest exact decimal, normalised (100 and 100.0 -> 1E+2).
    if type(value) is int and value % 10 and -_SMALL_INTEGER < value < _SMALL_INTEGER:
        return str(value)  # no trailing zero to normalise away: the decimal is the integer's own digits
    exact = decimal.Decimal(repr(value)) if isinstance(value, float) else decimal.Decimal(value)
    digits = len(exact.as_tuple().digits)
    context = _NUMBER_CONTEXT if digits <= 28 else decimal.Context(prec=digits)
    text = str(exact.normalize(context))
    return "0" if text in ("0", "-0") else text


def canonical_json(value: JSONValue) -> str:
    """Serialise JSON data in one canonical form: sorted keys, no whitespace, numbers normalised.

    The hash chain hashes this form, so it must give the same text for data written and for the
    same data read back from either database.
    """
    # Fast paths for the exact types JSON decodes to; anything else (subclasses, other mappings, keys that
    # are not strings) takes the general path below, which writes the same text for them. Strings, most of
    # the values, are written in place rather than through a call.
    kind = type(value)
    if kind is str:
        return _json_string(value)
    if kind is dict and {*map(type, value)} <= _STRING_TYPE:
        # Distinct string keys: sorting the pairs sorts by key alone, as the general path does.
        pairs = [
            f"{_json_string(key)}:{_json_string(item) if type(item) is str else canonical_json(item)}"
            for key, item in sorted(value.items())
        ]
        return "{" + ",".join(pairs) + "}"
    if kind is list:
        return (
            "[" + ",".join([_json_string(item) if type(item) is str else canonical_json(item) for item in value]) + "]"
        )
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return _canonical_number(value)
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, Mapping):
        items = sorted(((str(key), item) for key, item in value.items()), key=lambda pair: pair[0])
        members = (f"{_json_string(key)}:{canonical_json(item)}" for key, item in items)
        return "{" + ",".join(members) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical_json(item) for item in value) + "]"
    raise TypeError(f"{type(value).__name__} is not JSON data; encode it with to_json_safe() first")
