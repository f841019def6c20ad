"""Converting amounts between currencies, only ever with a named rate and a named rounding.

``Money`` still refuses to add two currencies: ``convert`` and ``total_in`` are the explicit way
across, and neither guesses a rate, inverts one or picks a rounding mode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django_money.currencies import normalize_currency
from django_money.exceptions import ExchangeRateError, ExchangeRateMismatchError
from django_money.models import ExchangeRate
from django_money.money import Money
from django_money.rates import exchange_rate_value, require_moment, require_rounding, require_source
from django_money.selectors import rate_for


def convert(
    money: Money,
    *,
    to: str,
    rate: ExchangeRate | Decimal | int | str,
    rounding: str,
    source: str | None = None,
) -> Money:
    """``money`` in the currency ``to``: its amount times ``rate``, rounded to ``to``'s minor unit with ``rounding``.

    ``rate`` is an ``ExchangeRate`` from ``money.currency`` to ``to`` (``rate_for`` finds one), or a
    bare ``Decimal`` (an ``int`` or a decimal string) together with ``source=``, naming where that
    number comes from. ``rounding`` is a ``decimal.ROUND_*`` mode, always given: there is no default.
    The product is exact; the one rounding is the last step.

    Raises ``TypeError`` when ``money`` is not a Money or ``rate`` is a float (pass a Decimal or a
    string); ``ExchangeRateMismatchError`` when the ``ExchangeRate`` converts other currencies (an
    inverse rate is never implied) or ``source`` differs from its source; ``ExchangeRateError`` for a
    bare rate without ``source``, an unknown rounding mode, or ``to == money.currency``;
    ``InvalidExchangeRateError`` for a rate that is not positive; ``UnknownCurrencyError``.
    """
    if not isinstance(money, Money):
        raise TypeError(f"convert() takes a Money, not {type(money).__name__}")
    target = normalize_currency(to)
    rounding = require_rounding(rounding)
    if target == money.currency:
        raise ExchangeRateError(f"{money!r} is already in {target}: there is nothing to convert")
    if isinstance(rate, ExchangeRate):
        if (rate.base_currency, rate.quote_currency) != (money.currency, target):
            raise ExchangeRateMismatchError(
                f"the {rate.source} rate converts {rate.base_currency} to {rate.quote_currency}, not "
                f"{money.currency} to {target}; an inverse rate is never implied: look up (or record) the "
                f"{money.currency} to {target} rate"
            )
        if source is not None and require_source(source) != rate.source:
            raise ExchangeRateMismatchError(f"the rate given is a {rate.source} rate, not a {source} rate")
        value = exchange_rate_value(rate.rate)
    else:
        value = exchange_rate_value(rate)
        if source is None:
            raise ExchangeRateError(
                f"a bare rate needs source= naming where it comes from (such as source='contract 2026-17'), "
                f"or pass the ExchangeRate that rate_for({money.currency!r}, {target!r}, ...) returns"
            )
        require_source(source)
    return Money((money * value).amount, target).quantized(rounding)


def total_in(
    amounts: Iterable[Money],
    currency: str,
    *,
    source: str,
    as_of: dt.datetime,
    rounding: str,
    known_at: dt.datetime | None = None,
) -> Money:
    """The sum of ``amounts`` in ``currency``, each other currency converted at ``source``'s rate as of ``as_of``.

    Amounts already in ``currency`` count as they are; the others are summed per currency and
    multiplied by ``rate_for(their_currency, currency, source=source, as_of=as_of, known_at=known_at)``.
    Everything is exact until the end, where the total is rounded once to ``currency``'s minor unit
    with ``rounding``: the result can differ by a minor unit from adding ``convert()`` of each amount.
    An empty ``amounts`` gives zero in ``currency``.

    Raises ``ExchangeRateNotFoundError`` when a currency has no rate to ``currency`` (its inverse is
    never used), ``TypeError`` for an item that is not a Money, ``ExchangeRateError`` for a naive
    datetime, a blank source or an unknown rounding mode, and ``UnknownCurrencyError``. Every argument
    is checked before the first rate is read.
    """
    target = normalize_currency(currency)
    source = require_source(source)
    as_of = require_moment(as_of, name="as_of")
    known_at = require_moment(known_at, name="known_at", allow_none=True)
    rounding = require_rounding(rounding)
    by_currency: dict[str, Money] = {}
    for money in amounts:
        if not isinstance(money, Money):
            raise TypeError(f"total_in() sums Money, not {type(money).__name__}")
        by_currency[money.currency] = by_currency.get(money.currency, Money.zero(money.currency)) + money
    total = by_currency.pop(target, Money.zero(target))
    for code in sorted(by_currency):
        rate = rate_for(code, target, source=source, as_of=as_of, known_at=known_at)
        total += Money((by_currency[code] * exchange_rate_value(rate.rate)).amount, target)
    return total.quantized(rounding)
