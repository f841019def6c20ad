"""The Money value object: an exact Decimal amount in a validated currency."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from fractions import Fraction

from django_money.currencies import currency_exponent, normalize_currency
from django_money.exceptions import AllocationError, CurrencyMismatchError, InvalidAmountError, PrecisionLossError

# Addition, subtraction, multiplication and quantizing are exact at this precision, whatever the
# caller's decimal context says: Money never rounds unless asked to (quantized(), rounded()).
# Sharing these contexts between threads is safe: a trap fires on the signals of the current
# operation only, and the flags they accumulate are never read.
_UNBOUNDED = Context(
    prec=MAX_PREC,
    Emax=MAX_EMAX,
    Emin=MIN_EMIN,
    rounding=ROUND_HALF_EVEN,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)

DIVISION_PRECISION = 28
"""Significant digits of a quotient: true division is the one operation that cannot stay exact."""

_DIVISION = Context(
    prec=DIVISION_PRECISION, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)

MAX_EXPONENT = 1000
"""Inputs (amounts, factors, divisors, ratios) lie within 10**±MAX_EXPONENT.

Exact arithmetic has a cost proportional to the digits involved; without a bound a short string
such as "1e999999999" would make the next addition or quantizing allocate gigabytes.
"""

_DECIMAL_LITERAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _finite_decimal(value: Decimal | int | str, what: str) -> Decimal:
    """``value`` as an exact, finite, bounded Decimal; ``what`` names it in error messages."""
    if isinstance(value, float):
        raise TypeError(
            f"a float cannot be a money {what} because it is inexact: pass a Decimal or a string, "
            f"such as Decimal({str(value)!r}) or {str(value)!r}"
        )
    if isinstance(value, bool):
        raise TypeError(f"a bool cannot be a money {what}: pass a Decimal, an int or a string")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if not _DECIMAL_LITERAL.fullmatch(text):
            raise InvalidAmountError(f"{value!r} is not a decimal number such as '19.99' or '-5'")
        number = Decimal(text)
    else:
        raise TypeError(f"a money {what} is a Decimal, an int or a string, not {type(value).__name__}")
    if not number.is_finite():
        raise InvalidAmountError(f"a money {what} must be finite, not {number}")
    if not number.is_zero() and not -MAX_EXPONENT <= number.adjusted() <= MAX_EXPONENT:
        raise InvalidAmountError(f"a money {what} must lie within 10**±{MAX_EXPONENT}")
    if number.as_tuple().exponent < -MAX_EXPONENT:  # type: ignore[operator]  # finite: the exponent is an int
        raise InvalidAmountError(f"a money {what} has at most {MAX_EXPONENT} decimal places")
    return number


def _operand(value: object, operation: str, what: str) -> Decimal | None:
    """The Decimal a Money may be multiplied or divided by, or None for types left to Python's TypeError."""
    if isinstance(value, (float, bool)):
        raise TypeError(f"cannot {operation} Money by a {type(value).__name__}: use a Decimal or an int")
    if isinstance(value, (int, Decimal)):
        return _finite_decimal(value, what)
    return None


@dataclass(frozen=True, init=False)
class Money:
    """An immutable amount of money: an exact ``Decimal`` and an upper-case currency code.

    ``Money("19.99", "usd")`` has ``amount == Decimal("19.99")`` and ``currency == "USD"``.
    Arithmetic never rounds; ``quantized()`` rounds to the currency's minor unit when you ask.
    """

    amount: Decimal
    currency: str

    def __init__(self, amount: Decimal | int | str, currency: str) -> None:
        """Build a Money from a Decimal, an int or a decimal string, and a currency code.

        Raises ``TypeError`` for a float or bool amount (floats are inexact: pass a Decimal or a
        string), ``InvalidAmountError`` for unparseable text, NaN or Infinity, and
        ``UnknownCurrencyError`` for a code that is neither ISO 4217 nor in ``MONEY_CUSTOM_CURRENCIES``.
        """
        number = _finite_decimal(amount, "amount")
        object.__setattr__(self, "amount", number.copy_abs() if number.is_zero() else number)
        object.__setattr__(self, "currency", normalize_currency(currency))

    def _with_amount(self, amount: Decimal) -> Money:
        """A Money of the same currency, skipping the validation its inputs already passed."""
        money = object.__new__(type(self))
        # -5 * 0 is Decimal("-0"): keep zero unsigned so it prints as "0.00 USD".
        object.__setattr__(money, "amount", amount.copy_abs() if amount.is_zero() else amount)
        object.__setattr__(money, "currency", self.currency)
        return money

    def _same_currency(self, other: Money, operation: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(f"cannot {operation} {self.currency} and {other.currency} amounts")

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Zero in ``currency``: the start value for sums. Raises ``UnknownCurrencyError``."""
        return cls(0, currency)

    @classmethod
    def sum(cls, monies: Iterable[Money], *, currency: str) -> Money:
        """The exact sum of ``monies``, all in ``currency``; ``Money.zero(currency)`` when empty.

        Raises ``CurrencyMismatchError`` when one of them is in another currency and ``TypeError``
        when one of them is not a Money.
        """
        total = cls.zero(currency)
        for money in monies:
            if not isinstance(money, Money):
                raise TypeError(f"Money.sum() adds Money, not {type(money).__name__}")
            total += money
        return total

    @classmethod
    def from_minor_units(cls, units: int, currency: str) -> Money:
        """The Money worth ``units`` minor units of ``currency``: ``from_minor_units(1999, "USD")`` is 19.99 USD."""
        if isinstance(units, bool) or not isinstance(units, int):
            raise TypeError(f"minor units are an int, not {type(units).__name__}")
        money = cls(units, currency)
        return money._with_amount(_UNBOUNDED.scaleb(money.amount, -currency_exponent(money.currency)))

    def minor_units(self) -> int:
        """The amount as a whole number of minor units: 1999 for 19.99 USD, 1999 for 1999 JPY.

        Raises ``PrecisionLossError`` when the amount holds a fraction of a minor unit
        (19.995 USD): call ``quantized()`` first to choose how it rounds.
        """
        exponent = currency_exponent(self.currency)
        scaled = _UNBOUNDED.scaleb(self.amount, exponent)
        if scaled != scaled.to_integral_value(context=_UNBOUNDED):
            raise PrecisionLossError(
                f"{self!r} holds a fraction of a minor unit ({self.currency} has {exponent} decimal places): "
                "call quantized() first"
            )
        return int(scaled)

    def is_zero(self) -> bool:
        """Whether the amount is zero (a Money is always truthy, so ``if money:`` does not test this)."""
        return self.amount.is_zero()

    def quantized(self, rounding: str = ROUND_HALF_EVEN) -> Money:
        """This amount rounded to the currency's minor unit: 19.995 USD becomes 20.00 USD (half-even).

        ``rounding`` is one of the ``decimal.ROUND_*`` modes; the default, ``ROUND_HALF_EVEN``
        (banker's rounding), does not drift upwards over many roundings.
        """
        return self.rounded(currency_exponent(self.currency), rounding)

    def rounded(self, places: int, rounding: str = ROUND_HALF_EVEN) -> Money:
        """This amount rounded to ``places`` decimal places, e.g. to fit a ``decimal_places=4`` column.

        A negative ``places`` rounds to tens, hundreds, ... ``places`` lies within ±``MAX_EXPONENT``.
        """
        if isinstance(places, bool) or not isinstance(places, int):
            raise TypeError(f"places is an int, not {type(places).__name__}")
        if not -MAX_EXPONENT <= places <= MAX_EXPONENT:
            raise ValueError(f"places must lie within ±{MAX_EXPONENT}, not {places}")
        exponent = Decimal((0, (1,), -places))
        return self._with_amount(self.amount.quantize(exponent, rounding=rounding, context=_UNBOUNDED))

    def allocate(self, ratios: Iterable[int | Decimal]) -> list[Money]:
        """Divide this amount in proportion to ``ratios`` without losing or inventing a minor unit.

        The parts are whole minor units, sum exactly to this amount, and each differs from its
        exact share by less than one minor unit (largest remainder method: the minor units left
        after rounding every share down go to the parts that lost most, the earlier part on a tie).
        A negative amount is allocated like its absolute value, then negated. A zero ratio gets zero.

        Raises ``PrecisionLossError`` when the amount holds a fraction of a minor unit (call
        ``quantized()`` first: allocating cannot keep what no part can hold), ``AllocationError``
        for no ratios, a negative or non-finite ratio or ratios summing to zero, and ``TypeError``
        for a float, bool or other non-number ratio.
        """
        weights = []
        for ratio in ratios:
            if isinstance(ratio, (float, bool)) or not isinstance(ratio, (int, Decimal)):
                raise TypeError(f"a ratio is an int or a Decimal, not {type(ratio).__name__}")
            try:
                weight = Fraction(_finite_decimal(ratio, "ratio"))
            except InvalidAmountError as exc:
                raise AllocationError(str(exc)) from exc
            if weight < 0:
                raise AllocationError(f"ratios cannot be negative, got {ratio}")
            weights.append(weight)
        if not weights:
            raise AllocationError("allocate() needs at least one ratio")
        total_weight = sum(weights)
        if total_weight == 0:
            raise AllocationError("the ratios must not all be zero")

        units = self.minor_units()
        remaining = abs(units)
        shares = [remaining * weight / total_weight for weight in weights]
        parts = [math.floor(share) for share in shares]
        leftover = remaining - sum(parts)
        by_largest_remainder = sorted(range(len(parts)), key=lambda i: (parts[i] - shares[i], i))
        for index in by_largest_remainder[:leftover]:
            parts[index] += 1

        sign = -1 if units < 0 else 1
        exponent = currency_exponent(self.currency)
        return [self._with_amount(_UNBOUNDED.scaleb(Decimal(sign * part), -exponent)) for part in parts]

    def split(self, count: int) -> list[Money]:
        """Divide this amount into ``count`` parts as equal as minor units allow: ``allocate([1] * count)``.

        10.00 USD split in 3 is [3.34, 3.33, 3.33]. Raises ``AllocationError`` when ``count`` < 1
        and ``PrecisionLossError`` as ``allocate`` does.
        """
        if isinstance(count, bool) or not isinstance(count, int):
            raise TypeError(f"split() takes an int count, not {type(count).__name__}")
        if count < 1:
            raise AllocationError(f"cannot split into {count} parts")
        return self.allocate([1] * count)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "add")
        return self._with_amount(_UNBOUNDED.add(self.amount, other.amount))

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "subtract")
        return self._with_amount(_UNBOUNDED.subtract(self.amount, other.amount))

    def __mul__(self, factor: int | Decimal) -> Money:
        number = _operand(factor, "multiply", "factor")
        if number is None:
            return NotImplemented
        return self._with_amount(_UNBOUNDED.multiply(self.amount, number))

    __rmul__ = __mul__

    def __truediv__(self, divisor: int | Decimal) -> Money:
        """Divide by a number, keeping ``DIVISION_PRECISION`` significant digits (not quantized).

        Raises ``ZeroDivisionError`` for a zero divisor. Use ``split``/``allocate`` to share an
        amount in parts that add up exactly.
        """
        number = _operand(divisor, "divide", "divisor")
        if number is None:
            return NotImplemented
        if number.is_zero():
            raise ZeroDivisionError("cannot divide Money by zero")
        return self._with_amount(_DIVISION.divide(self.amount, number))

    def __neg__(self) -> Money:
        return self._with_amount(_UNBOUNDED.minus(self.amount))

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return self._with_amount(_UNBOUNDED.abs(self.amount))

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "compare")
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "compare")
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "compare")
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "compare")
        return self.amount >= other.amount

    def __str__(self) -> str:
        return f"{self.amount:f} {self.currency}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.amount)!r}, {self.currency!r})"
