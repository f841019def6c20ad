"""Exceptions raised by django-money: one base class, one subclass per way a money operation can fail.

Wrong types (a float amount, a bool factor, a Money multiplied by a Money) raise the built-in
``TypeError``, as Python does for programming errors; everything else is a ``MoneyError``.
"""


class MoneyError(Exception):
    """Base class of every error django-money raises on purpose."""


class UnknownCurrencyError(MoneyError, ValueError):
    """The currency code is neither an active ISO 4217 code nor registered in ``MONEY_CUSTOM_CURRENCIES``."""


class CurrencyMismatchError(MoneyError, ValueError):
    """Two amounts in different currencies were added, subtracted, ordered or summed together."""


class InvalidAmountError(MoneyError, ValueError):
    """The amount (or a factor or divisor) is not a finite decimal number: unparseable text, NaN or Infinity."""


class PrecisionLossError(MoneyError, ValueError):
    """The operation would have to round the amount, and django-money never rounds unless asked to.

    Raised when allocating or converting to minor units an amount finer than the currency's minor
    unit, and when storing an amount with more decimal places than the model field keeps.
    Round explicitly first, with ``Money.quantized()`` or ``Money.rounded(places)``.
    """


class FieldOverflowError(MoneyError, ValueError):
    """The Money does not fit the model fields it is written to.

    The amount has more integer digits than ``max_digits - decimal_places`` allows, or the currency
    code is longer than the currency field's ``max_length``.
    """


class AllocationError(MoneyError, ValueError):
    """The ratios of ``allocate`` (or the count of ``split``) cannot divide an amount."""
