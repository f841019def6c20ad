"""The typed JSON form of agreement terms: ``Decimal``, ``Money`` and dates come back as they went in.

Plain canonical JSON (``django_decisioning.to_json_value``) turns ``Decimal("99.00")`` into the
string ``"99.00"``, which reads back as a ``str``. Terms are read back by ``terms_as_of`` and
compared, summed and charged, so each value that JSON has no type for is stored as a one-key
object naming its type, its payload made by ``to_json_value`` (exact strings, ISO 8601 in UTC)::

    Decimal("99.00")          -> {"$decimal": "99.00"}
    Money("99.00", "USD")     -> {"$money": {"amount": "99.00", "currency": "USD"}}
    date(2025, 1, 31)         -> {"$date": "2025-01-31"}
    aware datetime            -> {"$datetime": "2025-01-31T09:00:00+00:00"}

A key of the caller's that starts with ``$`` is stored with one more ``$`` in front (``"$ref"`` ->
``"$$ref"``), so a one-key object whose key starts with a single ``$`` is always a type tag.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django_agreements.exceptions import FloatInTermsError, InvalidTermsError
from django_decisioning import UnsupportedValue, to_json_value
from django_money import Money, MoneyError

DECIMAL_TAG = "$decimal"
MONEY_TAG = "$money"
DATE_TAG = "$date"
DATETIME_TAG = "$datetime"
TAGS = (DECIMAL_TAG, MONEY_TAG, DATE_TAG, DATETIME_TAG)

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def encode_terms(terms: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``terms`` in their typed JSON form (see the module docstring); the input is not changed.

    Accepted, nested in any way: mappings with string keys, lists and tuples (stored as lists),
    ``str``, ``int``, ``bool``, ``None``, finite ``Decimal``, ``Money``, ``date`` and aware
    ``datetime``. ``decode_terms(encode_terms(terms)) == terms`` (tuples aside, which come back as
    lists), with each ``Decimal`` and ``Money`` amount keeping its exact digits
    (``Decimal("99.00")`` stays ``99.00``).

    Raises ``FloatInTermsError`` for a float anywhere (its ``path`` names it, e.g.
    ``terms.plan.monthly_fee``; the message says to pass a ``Decimal`` or a string) and
    ``InvalidTermsError`` for anything else without an exact form: non-finite decimals, naive
    datetimes, sets, other objects, non-string keys, and text containing NUL (which PostgreSQL
    cannot store in JSON) or unpaired surrogates.
    """
    if not isinstance(terms, Mapping):
        raise InvalidTermsError(f"terms must be a mapping, not {type(terms).__name__}.", path="terms")
    return _encode(terms, "terms")


def decode_terms(data: Any) -> dict[str, Any]:
    """Return the terms stored as ``data`` (from ``encode_terms``) with their Python types restored.

    Tags become ``Decimal``, ``Money``, ``date`` and ``datetime`` (in UTC) again; escaped keys lose
    their extra ``$``. Keys come back sorted, on every database (PostgreSQL's jsonb does not keep
    their order). Raises ``InvalidTermsError`` for data ``encode_terms`` cannot have produced (an
    unknown tag, a malformed payload, a currency no longer configured) and ``FloatInTermsError`` for a
    float: stored terms never hold one.
    """
    if not isinstance(data, dict):
        raise InvalidTermsError(f"stored terms must be a JSON object, not {type(data).__name__}.", path="terms")
    return _decode(data, "terms")


def _key_path(path: str, key: str) -> str:
    return f"{path}.{key}" if _IDENTIFIER.fullmatch(key) else f"{path}[{key!r}]"


def _check_text(text: str, path: str) -> None:
    if "\x00" in text:
        raise InvalidTermsError(f"{path} contains a NUL character, which PostgreSQL cannot store in JSON.", path=path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidTermsError(f"{path} is not valid Unicode text ({exc.reason}).", path=path) from exc


def _leaf(value: Any, path: str) -> Any:
    try:
        return to_json_value(value, path=path)
    except UnsupportedValue as exc:
        raise InvalidTermsError(str(exc), path=path) from exc


def _encode(value: Any, path: str) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, float):
        raise FloatInTermsError(path=path, value=value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        _check_text(value, path)
        return str.__str__(value)
    if isinstance(value, Decimal):
        return {DECIMAL_TAG: _leaf(value, path)}
    if isinstance(value, Money):
        return {MONEY_TAG: _leaf(value, path)}
    if isinstance(value, dt.datetime):
        return {DATETIME_TAG: _leaf(value, path)}
    if isinstance(value, dt.date):
        return {DATE_TAG: value.isoformat()}
    if isinstance(value, Mapping):
        encoded: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidTermsError(
                    f"{path} has a non-string key {key!r}; JSON object keys are strings.", path=path
                )
            _check_text(key, path)
            stored_key = "$" + key if key.startswith("$") else str.__str__(key)
            encoded[stored_key] = _encode(item, _key_path(path, key))
        return encoded
    if isinstance(value, (list, tuple)):
        return [_encode(item, f"{path}[{index}]") for index, item in enumerate(value)]
    raise InvalidTermsError(
        f"{path} is a {type(value).__name__}, which terms cannot hold: use str, int, bool, None, Decimal, "
        "Money, date, aware datetime, lists and mappings with string keys.",
        path=path,
    )


def _decode(value: Any, path: str) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        raise FloatInTermsError(path=path, value=value)
    if isinstance(value, list):
        return [_decode(item, f"{path}[{index}]") for index, item in enumerate(value)]
    if not isinstance(value, dict):
        raise InvalidTermsError(f"{path} holds a {type(value).__name__}, which is not JSON.", path=path)
    tags = [key for key in value if isinstance(key, str) and key.startswith("$") and not key.startswith("$$")]
    if tags:
        if len(value) != 1:
            raise InvalidTermsError(f"{path} mixes the type tag {tags[0]!r} with other keys.", path=path)
        return _decode_tagged(tags[0], value[tags[0]], path)
    decoded = {}
    for stored_key, item in value.items():
        key = stored_key[1:] if stored_key.startswith("$$") else stored_key
        decoded[key] = _decode(item, _key_path(path, key))
    # PostgreSQL's jsonb does not keep key order and SQLite does: sorting makes both read alike.
    return dict(sorted(decoded.items()))


def _decode_tagged(tag: str, payload: Any, path: str) -> Any:
    if tag not in TAGS:
        raise InvalidTermsError(f"{path} has the unknown type tag {tag!r}.", path=path)
    try:
        if tag == DECIMAL_TAG and isinstance(payload, str):
            number = Decimal(payload)
            if number.is_finite():
                return number
        elif tag == MONEY_TAG and isinstance(payload, dict) and set(payload) == {"amount", "currency"}:
            if isinstance(payload["amount"], str) and isinstance(payload["currency"], str):
                return Money(payload["amount"], payload["currency"])
        elif tag == DATE_TAG and isinstance(payload, str):
            return dt.date.fromisoformat(payload)
        elif tag == DATETIME_TAG and isinstance(payload, str):
            moment = dt.datetime.fromisoformat(payload)
            if moment.utcoffset() is not None:
                return moment
    except (InvalidOperation, ValueError, MoneyError) as exc:
        raise InvalidTermsError(f"{path}: {tag} payload {payload!r} does not load ({exc}).", path=path) from exc
    raise InvalidTermsError(f"{path}: {tag} payload {payload!r} is malformed.", path=path)
