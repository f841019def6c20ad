"""Currency codes and their exponents: ISO 4217 plus the currencies a project registers by setting.

The exponent of a currency is the number of decimal places of its minor unit (ISO 4217 calls it
the "minor unit"): 2 for USD (cents), 0 for JPY, 3 for BHD.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from django.core.exceptions import ImproperlyConfigured

from django_money import conf
from django_money.exceptions import UnknownCurrencyError

# ISO 4217 List One, Amendment 180 (in force since 2026-01-01), without the codes whose minor unit
# is "N.A." (precious metals, SDR, testing codes, XXX): they cannot be quantized, so a project that
# needs one registers it with an exponent of its choice in MONEY_CUSTOM_CURRENCIES, as it would a
# withdrawn code (BGN, HRK, ...) still found in old rows.
_CODES_BY_EXPONENT = {
    0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
    2: """
        AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
        CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
        GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK
        LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO
        NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS
        SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST
        XAD XCD XCG YER ZAR ZMW ZWG
    """,
    3: "BHD IQD JOD KWD LYD OMR TND",
    4: "CLF UYW",
}

ISO_4217_EXPONENTS: Mapping[str, int] = MappingProxyType(
    {code: exponent for exponent, codes in _CODES_BY_EXPONENT.items() for code in codes.split()}
)
"""Active ISO 4217 codes and their exponents (read-only)."""

CUSTOM_CODE_PATTERN = re.compile(r"[A-Z][A-Z0-9]{2,7}")
MAX_CUSTOM_EXPONENT = 18


def custom_currency_problems(value: object) -> list[str]:
    """Describe what is wrong with a ``MONEY_CUSTOM_CURRENCIES`` value; an empty list when it is valid.

    A valid value maps codes of 3 to 8 upper-case ASCII letters or digits (starting with a letter)
    that are not ISO 4217 codes to an int exponent from 0 to 18, e.g. ``{"BTC": 8}``.
    """
    if not isinstance(value, Mapping):
        return [f"MONEY_CUSTOM_CURRENCIES must be a dict of {{code: exponent}}, not {type(value).__name__}."]
    problems = []
    for code, exponent in value.items():
        if not isinstance(code, str) or not CUSTOM_CODE_PATTERN.fullmatch(code):
            problems.append(
                f"MONEY_CUSTOM_CURRENCIES key {code!r} is not a currency code: "
                "use 3 to 8 upper-case ASCII letters or digits, starting with a letter."
            )
        elif code in ISO_4217_EXPONENTS:
            problems.append(
                f"MONEY_CUSTOM_CURRENCIES redefines the ISO 4217 currency {code!r}, "
                f"whose exponent is {ISO_4217_EXPONENTS[code]}; ISO codes cannot be overridden."
            )
        if isinstance(exponent, bool) or not isinstance(exponent, int) or not 0 <= exponent <= MAX_CUSTOM_EXPONENT:
            problems.append(
                f"MONEY_CUSTOM_CURRENCIES[{code!r}] = {exponent!r} must be an int from 0 to {MAX_CUSTOM_EXPONENT}."
            )
    return problems


def custom_currency_exponents() -> Mapping[str, int]:
    """The currencies registered in ``MONEY_CUSTOM_CURRENCIES``, validated.

    Raises ``ImproperlyConfigured`` when the setting is malformed (the system check
    ``django_money.E001`` reports the same problems at startup).
    """
    value = conf.custom_currencies()
    problems = custom_currency_problems(value)
    if problems:
        raise ImproperlyConfigured(" ".join(problems))
    return value  # type: ignore[return-value]  # validated to be a Mapping[str, int] just above


def normalize_currency(code: str) -> str:
    """Return ``code`` in upper case after checking that it is a known currency.

    Raises ``TypeError`` when ``code`` is not a string and ``UnknownCurrencyError`` when it is
    neither an active ISO 4217 code nor registered in ``MONEY_CUSTOM_CURRENCIES``.
    """
    if not isinstance(code, str):
        raise TypeError(f"a currency is an ISO 4217 code such as 'USD', not {type(code).__name__}")
    normalized = code.upper()
    _exponent_of(normalized)
    return normalized


def currency_exponent(code: str) -> int:
    """Number of decimal places of the currency's minor unit: 2 for ``"USD"``, 0 for ``"JPY"``, 3 for ``"BHD"``.

    ``code`` is case-insensitive. ISO 4217 codes are answered without reading Django settings;
    other codes are looked up in ``MONEY_CUSTOM_CURRENCIES``. Raises ``UnknownCurrencyError``
    for a code found in neither and ``TypeError`` when ``code`` is not a string.
    """
    return _exponent_of(normalize_currency(code))


def _exponent_of(code: str) -> int:
    exponent = ISO_4217_EXPONENTS.get(code)
    if exponent is not None:
        return exponent
    exponent = custom_currency_exponents().get(code)
    if exponent is not None:
        return exponent
    raise UnknownCurrencyError(
        f"{code!r} is not an active ISO 4217 currency code nor one registered in MONEY_CUSTOM_CURRENCIES"
    )
