"""The checks every exchange-rate function applies to its arguments, before it reads or writes anything.

Importable without configured settings or a ready app registry, like ``Money``.
"""

from __future__ import annotations

import re
from decimal import (
    ROUND_05UP,
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
)
from typing import Any

from django_basemodels.arguments import require_aware
from django_money.currencies import normalize_currency
from django_money.exceptions import ExchangeRateError, InvalidExchangeRateError
from django_money.money import _UNBOUNDED

RATE_MAX_DIGITS = 38
"""Significant digits the ``rate`` column keeps: up to 20 before the decimal point and 18 after."""

RATE_DECIMAL_PLACES = 18
"""Decimal places of the ``rate`` column: 0.000000000000000001 is the smallest step of a rate."""

SQLITE_RATE_DIGITS = 15
"""Significant digits a rate keeps on SQLite, which stores a decimal as a 64-bit float."""

SOURCE_MAX_LENGTH = 64
"""Length of the ``source`` column: the name of who publishes or agreed a rate ("ECB", "bank:acme")."""

ROUNDING_MODES = frozenset(
    {ROUND_05UP, ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP}
)
"""The ``decimal.ROUND_*`` modes ``convert`` and ``total_in`` accept."""

_DECIMAL_LITERAL = re.compile(r"\+?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def exchange_rate_value(value: Any) -> Decimal:
    """``value`` as an exact positive ``Decimal`` the rate column keeps unchanged.

    Accepts a ``Decimal``, an ``int`` or a decimal string (``"1.0823"``). Raises ``TypeError`` for a
    float (inexact: pass a Decimal or a string), a bool or another type, and
    ``InvalidExchangeRateError`` for text that is not a number, a rate that is not positive and finite,
    or one with more than 18 decimal places or 20 integer digits.
    """
    if isinstance(value, float):
        raise TypeError(
            f"a float cannot be an exchange rate because it is inexact: pass a Decimal or a string, "
            f"such as Decimal({str(value)!r}) or {str(value)!r}"
        )
    if isinstance(value, bool):
        raise TypeError("a bool cannot be an exchange rate: pass a Decimal, an int or a string such as '1.0823'")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if not _DECIMAL_LITERAL.fullmatch(text):
            raise InvalidExchangeRateError(f"{value!r} is not a positive decimal number such as '1.0823'")
        number = Decimal(text)
    else:
        raise TypeError(f"an exchange rate is a Decimal, an int or a string, not {type(value).__name__}")
    if not number.is_finite() or number <= 0:
        raise InvalidExchangeRateError(f"an exchange rate must be a positive finite number, not {number}")
    exact = number.normalize(context=_UNBOUNDED)  # without trailing zeros: 1.500 has 1 decimal place
    places = max(0, -exact.as_tuple().exponent)  # type: ignore[operator]  # finite: the exponent is an int
    if places > RATE_DECIMAL_PLACES:
        raise InvalidExchangeRateError(
            f"an exchange rate has at most {RATE_DECIMAL_PLACES} decimal places, not {places} ({number}): "
            "round it first, e.g. with Decimal.quantize()"
        )
    if exact.adjusted() >= RATE_MAX_DIGITS - RATE_DECIMAL_PLACES:
        raise InvalidExchangeRateError(
            f"an exchange rate has at most {RATE_MAX_DIGITS - RATE_DECIMAL_PLACES} digits before the decimal "
            f"point, not {number}"
        )
    return number


def significant_digits(rate: Decimal) -> int:
    """How many significant digits ``rate`` has, trailing zeros left out (``1.0800`` has 3)."""
    return len(rate.normalize(context=_UNBOUNDED).as_tuple().digits)


def require_currency_pair(base: Any, quote: Any) -> tuple[str, str]:
    """``(base, quote)`` upper-cased; ``UnknownCurrencyError`` for an unknown code, ``ExchangeRateError``
    when both are the same currency (a rate from a currency to itself is 1 and never recorded)."""
    base_code, quote_code = normalize_currency(base), normalize_currency(quote)
    if base_code == quote_code:
        raise ExchangeRateError(f"an exchange rate converts between two currencies, not from {base_code} to itself")
    return base_code, quote_code


def require_source(value: Any) -> str:
    """``value`` when it is the non-blank name of a rate's source, 1 to 64 characters (``"ECB"``)."""
    if not isinstance(value, str) or not value.strip() or value != value.strip() or len(value) > SOURCE_MAX_LENGTH:
        raise ExchangeRateError(
            f"source must name where the rate comes from, in 1 to {SOURCE_MAX_LENGTH} characters without "
            f"surrounding spaces (such as source='ECB'), not {value!r}"
        )
    return value


def require_rounding(value: Any) -> str:
    """``value`` when it is one of the ``decimal.ROUND_*`` modes."""
    if not isinstance(value, str) or value not in ROUNDING_MODES:
        modes = ", ".join(f"decimal.{mode}" for mode in sorted(ROUNDING_MODES))
        raise ExchangeRateError(f"rounding must be one of {modes}; not {value!r}")
    return value


def require_moment(value: Any, *, name: str, allow_none: bool = False) -> Any:
    """``value`` when it is an aware ``datetime``; the message says to pass ``timezone.now()`` or one with tzinfo."""
    return require_aware(value, name=name, error=ExchangeRateError, allow_none=allow_none)
