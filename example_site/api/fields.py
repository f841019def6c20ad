"""Serializer fields that refuse inexact, ambiguous or unbounded input instead of converting or storing it.

DRF's ``DecimalField`` accepts a JSON number (a float: ``0.1`` is already inexact) and
``IntegerField`` accepts ``1.0`` and ``"2"``; money and stock quantities must not be guessed.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from rest_framework import serializers

from api import conf
from clinic.organizations import of_clinic
from django_money import currency_exponent
from django_money.exceptions import UnknownCurrencyError


class MoneyAmountField(serializers.DecimalField):
    """A money amount sent as a string (``"12.50"``) or a whole number; a JSON float is refused."""

    default_error_messages = {
        "float": 'Send money amounts as strings, e.g. "12.50": a JSON number with a fraction is inexact.',
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 19)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, (float, bool)):
            self.fail("float")
        return super().to_internal_value(data)


class QuantityField(serializers.IntegerField):
    """A whole number of units given as a JSON integer: ``1.5``, ``2.0`` and ``"2"`` are refused."""

    default_error_messages = {"whole": "Send a whole number of units as a JSON integer, e.g. 2."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2_147_483_647)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("whole")
        return super().to_internal_value(data)


class CurrencyField(serializers.CharField):
    """An ISO 4217 code (or one of ``MONEY_CUSTOM_CURRENCIES``), upper-cased."""

    default_error_messages = {"unknown": "{code!r} is not a known currency code."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 8)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        code = super().to_internal_value(data).upper()
        try:
            currency_exponent(code)
        except UnknownCurrencyError:
            self.fail("unknown", code=code)
        return code


#: The longest reason (a reversal, a void, an amendment) and short description the API accepts.
REASON_MAX_LENGTH = 500


def free_text(**kwargs: Any) -> serializers.CharField:
    """A free text field (a note, a description) of at most ``API_MAX_TEXT_LENGTH`` characters."""
    kwargs.setdefault("max_length", conf.max_text_length())
    return serializers.CharField(**kwargs)


def reason_text(**kwargs: Any) -> serializers.CharField:
    """Why something was done (reversal, void, amendment, stock movement): at most 500 characters."""
    kwargs.setdefault("max_length", REASON_MAX_LENGTH)
    return serializers.CharField(**kwargs)


class JSONObjectField(serializers.DictField):
    """A JSON object of at most ``API_MAX_TEXT_LENGTH`` characters once encoded (metadata, terms)."""

    default_error_messages = {"too_long": "Keep this object under {max_length} characters of JSON."}

    def to_internal_value(self, data: Any) -> dict:
        value = super().to_internal_value(data)
        limit = conf.max_text_length()
        try:
            encoded = json.dumps(value, default=str)
        except (TypeError, ValueError):
            self.fail("invalid")
        if len(encoded) > limit:
            self.fail("too_long", max_length=limit)
        return value


class ClinicSlugRelatedField(serializers.SlugRelatedField):
    """A row named by its natural key (an account's code, a location's code, an item's SKU) among the
    clinic's rows only: other organizations hold the same keys (``clinic.organizations``)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        return None if queryset is None else of_clinic(queryset)


class ClinicPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A row named by its id among the clinic's rows only; ``org_lookup`` is the path to its ``org_key``
    (``"item__org_key"`` for a lot, which belongs to its item's organization)."""

    def __init__(self, *, org_lookup: str = "org_key", **kwargs: Any) -> None:
        self.org_lookup = org_lookup
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        return None if queryset is None else of_clinic(queryset, self.org_lookup)
