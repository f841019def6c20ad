"""What a caller hands to ``post_transaction``: ``EntrySpec``, and the checks of its amount and side.

No app registry needed: this module imports no model.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django_ledger.choices import EntryType
from django_ledger.exceptions import CurrencyMismatchError, InvalidAmountError, InvalidEntryTypeError
from django_money import Money, MoneyError

DECIMAL_PLACES = 4
"""Decimal places of every stored amount (``DecimalField(max_digits=19, decimal_places=4)``)."""
MAX_DIGITS = 19
MAX_AMOUNT = Decimal(2**63 - 1).scaleb(-DECIMAL_PLACES)
"""The largest amount of an entry, 922337203685477.5807: its ten-thousandths fit a 64-bit ``posted_units``."""
_QUANTUM = Decimal(1).scaleb(-DECIMAL_PLACES)


@dataclass(frozen=True)
class EntrySpec:
    """One leg of a transaction to post: ``amount`` on the ``entry_type`` side of ``account``.

    ``amount`` is a positive ``Decimal``, ``int``, decimal string or ``Money`` (whose currency
    must be the account's); floats are refused. ``source`` is any saved model instance the entry
    comes from (an invoice, a payment), or ``None``. ``EntrySpec.debit(cash, Decimal("10"))``
    and ``EntrySpec.credit(...)`` spell the side.
    """

    account: Any
    amount: Decimal | int | str | Money
    entry_type: EntryType | str
    source: Any = None

    @classmethod
    def debit(cls, account: Any, amount: Decimal | int | str | Money, *, source: Any = None) -> EntrySpec:
        """A debit of ``amount`` to ``account``."""
        return cls(account=account, amount=amount, entry_type=EntryType.DEBIT, source=source)

    @classmethod
    def credit(cls, account: Any, amount: Decimal | int | str | Money, *, source: Any = None) -> EntrySpec:
        """A credit of ``amount`` to ``account``."""
        return cls(account=account, amount=amount, entry_type=EntryType.CREDIT, source=source)


def parse_entry_type(value: Any) -> EntryType:
    """``value`` as an ``EntryType``; raises ``InvalidEntryTypeError`` unless it is ``"debit"`` or ``"credit"``."""
    if isinstance(value, str):
        try:
            return EntryType(value)
        except ValueError:
            pass
    raise InvalidEntryTypeError(f"entry_type must be 'debit' or 'credit', not {value!r}.")


def parse_amount(value: Any, *, currency: str) -> Decimal:
    """The exact amount of an entry in ``currency``, quantized to 4 decimal places.

    Accepts a ``Decimal``, an ``int``, a decimal string or a ``Money``. Raises ``CurrencyMismatchError``
    for a ``Money`` in another currency and ``InvalidAmountError`` for a float or bool, text that is not
    a decimal number, NaN or infinity, zero or a negative amount, more than 4 decimal places (never
    rounded silently) or more than ``MAX_AMOUNT``.
    """
    if isinstance(value, Money):
        if value.currency != currency:
            raise CurrencyMismatchError(f"{value} cannot be posted to an account kept in {currency}.")
        amount = value.amount
    elif isinstance(value, (float, bool)):
        raise InvalidAmountError(
            f"an amount cannot be a {type(value).__name__} ({value!r}): pass a Decimal or a string so it stays exact."
        )
    else:
        try:
            amount = Money(value, currency).amount
        except (TypeError, MoneyError) as exc:
            raise InvalidAmountError(f"{value!r} is not an amount: {exc}") from exc
    if amount <= 0:
        raise InvalidAmountError(
            f"an entry amount must be positive, not {amount}: the side (debit/credit) gives the sign."
        )
    if amount > MAX_AMOUNT:
        raise InvalidAmountError(f"{amount} is more than the largest amount of an entry, {MAX_AMOUNT}.")
    quantized = amount.quantize(_QUANTUM)
    if quantized != amount:
        raise InvalidAmountError(f"{amount} has more than {DECIMAL_PLACES} decimal places; round it explicitly first.")
    return quantized
