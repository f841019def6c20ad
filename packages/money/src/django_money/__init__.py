"""An immutable Money value object with ISO 4217 currencies, exact allocation and a two-field storage helper.

Everything here imports without configured Django settings; only currencies outside ISO 4217
(``MONEY_CUSTOM_CURRENCIES``) need them.
"""

from django_money.currencies import ISO_4217_EXPONENTS, currency_exponent
from django_money.exceptions import (
    AllocationError,
    CurrencyMismatchError,
    FieldOverflowError,
    InvalidAmountError,
    MoneyError,
    PrecisionLossError,
    UnknownCurrencyError,
)
from django_money.money import Money
from django_money.storage import MoneyAttribute

__all__ = [
    "ISO_4217_EXPONENTS",
    "AllocationError",
    "CurrencyMismatchError",
    "FieldOverflowError",
    "InvalidAmountError",
    "Money",
    "MoneyAttribute",
    "MoneyError",
    "PrecisionLossError",
    "UnknownCurrencyError",
    "currency_exponent",
]
