"""Serializer fields that refuse inexact or ambiguous input instead of converting it.

DRF's ``DecimalField`` accepts a JSON number (a float: ``0.1`` is already inexact) and
``IntegerField`` accepts ``1.0`` and ``"2"``; money and stock quantities must not be guessed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

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
