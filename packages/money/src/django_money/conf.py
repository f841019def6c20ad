"""Every setting django-money reads, with its default."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_CUSTOM_CURRENCIES: dict[str, int] = {}


def custom_currencies() -> object:
    """The raw ``MONEY_CUSTOM_CURRENCIES`` setting: ``{code: exponent}`` of currencies outside ISO 4217.

    Read on every call, so ``override_settings`` works. Returns the default (no custom currency)
    when Django settings are not configured, so ``Money`` works in a plain Python script with
    ISO 4217 codes. The value is not validated here; see ``django_money.currencies``.
    """
    try:
        return getattr(settings, "MONEY_CUSTOM_CURRENCIES", DEFAULT_CUSTOM_CURRENCIES)
    except ImproperlyConfigured:
        return DEFAULT_CUSTOM_CURRENCIES
