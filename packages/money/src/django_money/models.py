"""``ExchangeRate``: a rate between two currencies, published by a named source, effective from a moment."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import F, Q

from django_basemodels.fields import CaseSensitiveCharField
from django_basemodels.guarantees import AppendOnly
from django_money.exceptions import ExchangeRateImmutableError
from django_money.rates import RATE_DECIMAL_PLACES, RATE_MAX_DIGITS, SOURCE_MAX_LENGTH

CURRENCY_MAX_LENGTH = 8
"""Width of the currency columns: ISO 4217 codes and the custom codes of ``MONEY_CUSTOM_CURRENCIES``."""

_IMMUTABLE = "exchange rates are append-only: record a new rate (a later effective_at) instead of changing one"


class ExchangeRateQuerySet(models.QuerySet["ExchangeRate"]):
    """Rates, read only: ``update()`` and ``delete()`` raise ``ExchangeRateImmutableError``."""

    def update(self, **kwargs: Any) -> int:
        raise ExchangeRateImmutableError(_IMMUTABLE)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ExchangeRateImmutableError(_IMMUTABLE)

    def pair(self, base: str, quote: str, *, source: str) -> ExchangeRateQuerySet:
        """The rates of ``source`` from ``base`` to ``quote`` (codes as stored: upper case)."""
        return self.filter(source=source, base_currency=base, quote_currency=quote)


class ExchangeRate(models.Model):
    """One unit of ``base_currency`` is worth ``rate`` units of ``quote_currency``, from ``effective_at`` on.

    ``source`` names who publishes or agreed the rate ("ECB", "bank:acme", "contract 2026-17"); at
    most one rate per (source, base, quote, effective_at). ``effective_at`` is business time (may be
    backdated); ``recorded_at`` is set on insert from the server's clock, whatever the caller gives.
    A rate holds in one direction only: the EUR to USD rate says nothing about USD to EUR.

    Append-only: ``save()`` of a recorded rate, ``delete()`` and queryset ``update()``/``delete()``
    raise ``ExchangeRateImmutableError``, and the database refuses raw ``UPDATE`` and ``DELETE``
    (``Meta.guarantees``). Record rates with ``record_exchange_rate``, which validates them.
    """

    unique_per_database: ClassVar[dict[tuple[str, ...], str]] = {
        ("source", "base_currency", "quote_currency", "effective_at"): (
            "a published rate is one fact for every organization; a rate of one organization's own goes "
            "under a source of its own"
        )
    }

    source = CaseSensitiveCharField(max_length=SOURCE_MAX_LENGTH, help_text='Who publishes the rate, e.g. "ECB".')
    base_currency = models.CharField(max_length=CURRENCY_MAX_LENGTH, help_text="The currency converted from.")
    quote_currency = models.CharField(max_length=CURRENCY_MAX_LENGTH, help_text="The currency converted to.")
    rate = models.DecimalField(
        max_digits=RATE_MAX_DIGITS,
        decimal_places=RATE_DECIMAL_PLACES,
        help_text="Units of the quote currency one unit of the base currency is worth.",
    )
    effective_at = models.DateTimeField(help_text="When the rate starts to hold (business time).")
    recorded_at = models.DateTimeField(auto_now_add=True, help_text="When the rate was recorded (server time).")

    objects = ExchangeRateQuerySet.as_manager()

    class Meta:
        ordering = ["source", "base_currency", "quote_currency", "effective_at"]
        base_manager_name = "objects"  # related lookups and internals get the guarded queryset too
        get_latest_by = "effective_at"
        constraints = [
            # Also the index rate_for reads: the latest effective_at of one source and pair.
            models.UniqueConstraint(
                fields=["source", "base_currency", "quote_currency", "effective_at"],
                name="django_money_exchangerate_unique",
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="django_money_exchangerate_positive"),
            models.CheckConstraint(
                condition=~Q(base_currency=F("quote_currency")), name="django_money_exchangerate_two_currencies"
            ),
        ]
        guarantees = [
            AppendOnly(message="django_money_exchangerate is append-only: exchange rates are never updated or deleted")
        ]

    def __str__(self) -> str:
        when = f"{self.effective_at:%Y-%m-%d %H:%M %Z}" if self.effective_at is not None else "no effective_at"
        return f"1 {self.base_currency} = {self.rate} {self.quote_currency} ({self.source}, {when})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert the rate; saving a recorded one raises ``ExchangeRateImmutableError``."""
        if not self._state.adding:
            raise ExchangeRateImmutableError(_IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Always raises ``ExchangeRateImmutableError``."""
        raise ExchangeRateImmutableError(_IMMUTABLE)
