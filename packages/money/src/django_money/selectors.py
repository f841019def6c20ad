"""Reading exchange rates: ``rate_for``, the rate of a named source in force at a moment."""

from __future__ import annotations

import datetime as dt

from django_money.exceptions import ExchangeRateNotFoundError
from django_money.models import ExchangeRate
from django_money.rates import require_currency_pair, require_moment, require_source


def rate_for(
    base: str, quote: str, *, source: str, as_of: dt.datetime, known_at: dt.datetime | None = None
) -> ExchangeRate:
    """The rate of ``source`` from ``base`` to ``quote`` with the latest ``effective_at`` at or before ``as_of``.

    ``as_of`` is an aware datetime (``timezone.now()`` for the rate in force now); with ``known_at``
    (aware), only rates recorded at or before it count, to reproduce what was known then. The inverse
    rate (``quote`` to ``base``) is never used instead.

    Raises ``ExchangeRateNotFoundError`` when there is none, ``ExchangeRateError`` for a naive
    datetime, a blank source or ``base == quote``, and ``UnknownCurrencyError``.
    """
    base_code, quote_code = require_currency_pair(base, quote)
    source = require_source(source)
    as_of = require_moment(as_of, name="as_of")
    known_at = require_moment(known_at, name="known_at", allow_none=True)
    rates = ExchangeRate.objects.pair(base_code, quote_code, source=source).filter(effective_at__lte=as_of)
    if known_at is not None:
        rates = rates.filter(recorded_at__lte=known_at)
    found = rates.order_by("-effective_at").first()
    if found is None:
        known = f" recorded by {known_at.isoformat()}" if known_at is not None else ""
        raise ExchangeRateNotFoundError(
            f"no {source} rate from {base_code} to {quote_code} is effective at or before {as_of.isoformat()}"
            f"{known} (an inverse {quote_code} to {base_code} rate is not used in its place)",
            base=base_code,
            quote=quote_code,
            source=source,
            as_of=as_of,
        )
    return found
