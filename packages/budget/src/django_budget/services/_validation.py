"""The checks the budget services share: amounts, texts, choices, dates (the generic guards are basemodels')."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from django_basemodels.limits import text_within_limit
from django_budget.exceptions import (
    CurrencyMismatchError,
    FloatAmountError,
    InvalidAmountError,
    InvalidTransactionError,
)
from django_budget.models import Budget
from django_money import Money

PLACES = Decimal("0.0001")  # the 4 decimal places of every amount column
LIMIT = Decimal(10) ** 15  # amounts have at most 15 integer digits (19 digits, 4 of them decimal)


def amount(value: Any, *, budget: Budget, what: str, allow_zero: bool = False) -> Decimal:
    """``value`` as a Decimal with 4 places, after refusing floats, other currencies and out-of-range amounts."""
    if isinstance(value, float):
        raise FloatAmountError(
            f"{what} is a float ({value!r}), which is inexact: pass a Decimal or a Money, "
            f"such as Decimal({str(value)!r})."
        )
    if isinstance(value, Money):
        if value.currency != budget.currency:
            raise CurrencyMismatchError(
                f"{what} is in {value.currency} but budget {budget.name!r} holds {budget.currency}.",
                expected=budget.currency,
                got=value.currency,
            )
        number = value.amount
    elif isinstance(value, Decimal) or (isinstance(value, int) and not isinstance(value, bool)):
        number = Decimal(value)
    else:
        raise InvalidAmountError(f"{what} is a Money or a Decimal, not {type(value).__name__}.")
    if not number.is_finite():
        raise InvalidAmountError(f"{what} must be a finite number, not {number}.")
    if number < 0 or (number == 0 and not allow_zero):
        raise InvalidAmountError(f"{what} must be {'zero or more' if allow_zero else 'more than zero'}, not {number}.")
    if number >= LIMIT:
        raise InvalidAmountError(f"{what} {number} has more than 15 integer digits.")
    stored = number.quantize(PLACES)
    if stored != number:
        raise InvalidAmountError(f"{what} {number} has more than 4 decimal places: round it first.")
    return stored


def text(
    value: Any, what: str, max_length: int, *, required: bool = False, error: type[Exception] = InvalidTransactionError
) -> str:
    """``value`` stripped, refused when not a string, empty (if ``required``) or longer than ``max_length``."""
    if not isinstance(value, str):
        raise error(f"{what} must be a string, not {type(value).__name__}.")
    value = value.strip()
    if required and not value:
        raise error(f"{what} must not be empty.")
    return text_within_limit(value, name=what, limit=max_length, error=error)


def column_length(model: type[models.Model], field_name: str) -> int:
    """The ``max_length`` of a column: a longer value fails the insert on PostgreSQL and MariaDB, and is kept
    whole on SQLite."""
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.CharField) and field.max_length is not None
    return field.max_length


def choice(value: Any, choices: type[models.TextChoices], what: str, error: type[Exception]) -> str:
    """``value`` when it is one of ``choices``."""
    if value not in choices.values:
        raise error(f"{what} must be one of {', '.join(choices.values)}, not {value!r}.")
    return str(value)


def date(value: Any) -> dt.date:
    """``value`` when it is a ``date`` (a ``datetime`` is refused: its day depends on a time zone)."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidTransactionError(f"date must be a date, not {type(value).__name__}.")
    return value


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the current time zone: the ``effective_at`` of a fact of that day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
