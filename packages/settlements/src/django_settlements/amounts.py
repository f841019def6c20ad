"""Exact sums of amount columns in SQL, on every vendor.

Django keeps decimals as floating point on SQLite, where ``0.1 + 0.2`` leaves a residue: there amounts are summed
in whole ten-thousandths (integers, exact up to 15 digits); PostgreSQL and MariaDB/MySQL sum the decimals
themselves. ``in_units`` writes an amount column so, ``exact_sum`` sums it, ``to_decimal`` reads the result.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connections, models
from django.db.models import ExpressionWrapper, F, Func, Sum

from django_money import Money

DECIMAL_PLACES = 4
_SUM_DIGITS = 38


class _TenThousandths(Func):
    template = f"CAST(ROUND(%(expressions)s * {10**DECIMAL_PLACES}) AS INTEGER)"
    output_field = models.BigIntegerField()


def as_money(amount: Decimal, currency: str) -> Money:
    """``amount`` of ``currency`` in the currency's minor unit (``Decimal("12.5000")`` EUR: 12.50 EUR).

    Every amount this package stores is a whole number of minor units, and so is every sum of them: nothing
    is rounded away.
    """
    return Money(amount, currency).quantized()


def vendor_of(using: str) -> str:
    """The vendor of the database alias ``using`` (``"sqlite"``, ``"postgresql"``, ``"mysql"``)."""
    return connections[using].vendor


def sum_field(vendor: str) -> models.Field:
    """The output field of an exact sum on ``vendor``."""
    if vendor == "sqlite":
        return models.BigIntegerField()
    return models.DecimalField(max_digits=_SUM_DIGITS, decimal_places=DECIMAL_PLACES)


def in_units(field: str | Any, vendor: str) -> Any:
    """The amount column ``field`` (a name or an expression) as SQL that sums exactly on ``vendor``."""
    expression = F(field) if isinstance(field, str) else field
    if vendor == "sqlite":
        return _TenThousandths(expression)
    return expression


def typed(expression: Any, vendor: str) -> ExpressionWrapper:
    """``expression`` (arithmetic over ``in_units`` amounts) with the output field of an exact sum on ``vendor``."""
    return ExpressionWrapper(expression, output_field=sum_field(vendor))


def exact_sum(expression: Any, vendor: str) -> Sum:
    """``SUM(expression)`` where ``expression`` is built from ``in_units``; read it with ``to_decimal``."""
    return Sum(typed(expression, vendor), output_field=sum_field(vendor))


def to_decimal(value: Any, vendor: str) -> Decimal:
    """The exact ``Decimal`` (4 places) of a value built from ``in_units`` (``None``, an empty sum, is zero)."""
    if value is None:
        return Decimal(0).scaleb(-DECIMAL_PLACES)
    if vendor == "sqlite":
        return Decimal(int(value)).scaleb(-DECIMAL_PLACES)
    return Decimal(value).quantize(Decimal(1).scaleb(-DECIMAL_PLACES))
