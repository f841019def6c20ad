"""Writing exchange rates: ``record_exchange_rate``, the one way rates enter the table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, connections, router, transaction

from django_money.exceptions import ExchangeRateConflictError, InvalidExchangeRateError
from django_money.models import ExchangeRate
from django_money.rates import (
    SQLITE_RATE_DIGITS,
    exchange_rate_value,
    require_currency_pair,
    require_moment,
    require_source,
    significant_digits,
)

__all__ = ["record_exchange_rate"]


def record_exchange_rate(
    *, source: str, base: str, quote: str, rate: Decimal | int | str, effective_at: dt.datetime
) -> ExchangeRate:
    """Record that one unit of ``base`` is worth ``rate`` units of ``quote`` from ``effective_at`` on.

    ``source`` names who publishes the rate (``"ECB"``); ``effective_at`` is an aware datetime, past or
    future; ``recorded_at`` is set by the server. ``rate`` is a ``Decimal``, an ``int`` or a decimal
    string, never a float. Recording the same rate again (same source, currencies, ``effective_at``
    and value) returns the recorded one and writes nothing, so a feed can be replayed.

    Raises, before anything is written: ``TypeError`` for a float rate; ``InvalidExchangeRateError``
    for a rate that is not positive, has more than 18 decimal places or 20 integer digits (or, on
    SQLite, more than 15 significant digits, which SQLite would round); ``UnknownCurrencyError``;
    ``ExchangeRateError`` for a naive ``effective_at``, a blank source or ``base == quote``; and
    ``ExchangeRateConflictError`` when another value is recorded for that source, pair and moment.
    """
    source = require_source(source)
    base_code, quote_code = require_currency_pair(base, quote)
    value = exchange_rate_value(rate)
    effective_at = require_moment(effective_at, name="effective_at")
    using = router.db_for_write(ExchangeRate)
    if connections[using].vendor == "sqlite" and significant_digits(value) > SQLITE_RATE_DIGITS:
        raise InvalidExchangeRateError(
            f"SQLite keeps {SQLITE_RATE_DIGITS} significant digits of a decimal and would round {value}: "
            f"round the rate to {SQLITE_RATE_DIGITS} digits, or use PostgreSQL or MariaDB/MySQL"
        )
    key = {"source": source, "base_currency": base_code, "quote_currency": quote_code, "effective_at": effective_at}
    with transaction.atomic(using=using):
        existing = ExchangeRate.objects.using(using).filter(**key).first()
        if existing is None:
            try:
                with transaction.atomic(using=using):
                    return ExchangeRate.objects.using(using).create(**key, rate=value)
            except IntegrityError:
                # Recorded meanwhile by a concurrent call with the same key: compare with that one.
                existing = ExchangeRate.objects.using(using).filter(**key).first()
                if existing is None:
                    raise
        if existing.rate != value:
            raise ExchangeRateConflictError(
                f"{source} already has 1 {base_code} = {existing.rate.normalize()} {quote_code} effective at "
                f"{effective_at.isoformat()}, not {value}: rates are append-only, record a correction with "
                "another effective_at",
                existing=existing,
                rate=value,
            )
        return existing
