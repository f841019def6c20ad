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


class ExchangeRateError(MoneyError, ValueError):
    """Base class of the exchange-rate and conversion errors.

    Raised as such for an invalid argument of ``record_exchange_rate``, ``rate_for``, ``convert`` or
    ``total_in``: a naive datetime, an empty source, an unknown rounding mode, a rate from a currency
    to itself. The message says what to pass instead.
    """


class InvalidExchangeRateError(ExchangeRateError):
    """The rate is not a positive finite decimal, or has more digits than the rate column keeps."""


class ExchangeRateNotFoundError(ExchangeRateError, LookupError):
    """No rate of ``source`` from ``base`` to ``quote`` is effective at or before ``as_of``.

    An inverse rate (``quote`` to ``base``) is never used in its place.
    """

    def __init__(self, message: str, *, base: str, quote: str, source: str, as_of: object) -> None:
        super().__init__(message)
        self.base = base
        self.quote = quote
        self.source = source
        self.as_of = as_of


class ExchangeRateConflictError(ExchangeRateError):
    """A rate of the same source, currencies and ``effective_at`` is recorded already, with another value.

    ``existing`` is the recorded ``ExchangeRate``; ``rate`` the value that was refused. Rates are
    append-only: record a correction with another ``effective_at`` (or under another source).
    """

    def __init__(self, message: str, *, existing: object, rate: object) -> None:
        super().__init__(message)
        self.existing = existing
        self.rate = rate


class ExchangeRateMismatchError(ExchangeRateError):
    """The rate given to ``convert`` does not convert the amount's currency into the target currency.

    Also raised when ``source=`` names another source than the ``ExchangeRate`` given. An inverse
    rate is never implied: to convert back, record the rate in that direction.
    """


class ExchangeRateImmutableError(ExchangeRateError):
    """An ``ExchangeRate`` was saved again, updated or deleted through the ORM: rates are append-only."""
