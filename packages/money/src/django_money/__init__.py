"""An immutable Money value object with ISO 4217 currencies, exact allocation, a two-field storage helper,
and exchange rates for explicit conversion.

Everything here imports without configured Django settings; only currencies outside ISO 4217
(``MONEY_CUSTOM_CURRENCIES``) need them. The exchange-rate functions and the ``ExchangeRate`` model
are imported on first use (they need the app registry), so ``import django_money`` works in
``settings.py``.
"""

from typing import TYPE_CHECKING

from django_basemodels.exports import lazy_exports
from django_money.currencies import ISO_4217_EXPONENTS, currency_exponent
from django_money.exceptions import (
    AllocationError,
    CurrencyMismatchError,
    ExchangeRateConflictError,
    ExchangeRateError,
    ExchangeRateImmutableError,
    ExchangeRateMismatchError,
    ExchangeRateNotFoundError,
    FieldOverflowError,
    InvalidAmountError,
    InvalidExchangeRateError,
    MoneyError,
    PrecisionLossError,
    UnknownCurrencyError,
)
from django_money.money import Money
from django_money.rates import ROUNDING_MODES
from django_money.storage import MoneyAttribute

if TYPE_CHECKING:
    from django_money.conversion import convert, total_in
    from django_money.models import ExchangeRate
    from django_money.selectors import rate_for
    from django_money.services import record_exchange_rate

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "django_money.models": ["ExchangeRate"],
        "django_money.services": ["record_exchange_rate"],
        "django_money.selectors": ["rate_for"],
        "django_money.conversion": ["convert", "total_in"],
    },
)

__all__ = [
    "ISO_4217_EXPONENTS",
    "ROUNDING_MODES",
    "AllocationError",
    "CurrencyMismatchError",
    "ExchangeRate",
    "ExchangeRateConflictError",
    "ExchangeRateError",
    "ExchangeRateImmutableError",
    "ExchangeRateMismatchError",
    "ExchangeRateNotFoundError",
    "FieldOverflowError",
    "InvalidAmountError",
    "InvalidExchangeRateError",
    "Money",
    "MoneyAttribute",
    "MoneyError",
    "PrecisionLossError",
    "UnknownCurrencyError",
    "convert",
    "currency_exponent",
    "rate_for",
    "record_exchange_rate",
    "total_in",
]
