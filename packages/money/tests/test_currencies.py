import pytest
from django.conf import LazySettings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from django_money import ISO_4217_EXPONENTS, Money, UnknownCurrencyError, conf, currency_exponent
from django_money.currencies import custom_currency_exponents


@pytest.mark.parametrize(
    ("code", "exponent"),
    [
        ("USD", 2),
        ("EUR", 2),
        ("JPY", 0),
        ("KRW", 0),
        ("ISK", 0),
        ("VND", 0),
        ("CLP", 0),
        ("XOF", 0),
        ("BHD", 3),
        ("KWD", 3),
        ("OMR", 3),
        ("JOD", 3),
        ("TND", 3),
        ("IQD", 3),
        ("LYD", 3),
        ("CLF", 4),
        ("UYW", 4),
        ("MGA", 2),
        ("MRU", 2),
    ],
)
def test_iso_currency_has_its_iso_4217_exponent(code, exponent):
    assert currency_exponent(code) == exponent


def test_currency_exponent_ignores_case():
    assert currency_exponent("jpy") == 0
    assert currency_exponent("btc") == 8


def test_currency_exponent_of_a_non_string_raises_type_error():
    with pytest.raises(TypeError):
        currency_exponent(392)


@pytest.mark.parametrize("code", ["XCG", "ZWG", "SLE", "VED", "XAD"])
def test_recently_introduced_iso_codes_are_known(code):
    assert code in ISO_4217_EXPONENTS


@pytest.mark.parametrize("code", ["HRK", "BGN", "ANG", "SLL", "ZWL", "CUC", "DEM"])
def test_withdrawn_iso_codes_are_unknown(code):
    with pytest.raises(UnknownCurrencyError):
        currency_exponent(code)


@pytest.mark.parametrize("code", ["XAU", "XDR", "XTS", "XXX"])
def test_codes_without_a_minor_unit_are_unknown(code):
    with pytest.raises(UnknownCurrencyError):
        Money("1", code)


def test_iso_table_is_read_only():
    with pytest.raises(TypeError):
        ISO_4217_EXPONENTS["USD"] = 4


def test_iso_table_holds_only_three_letter_upper_case_codes():
    assert all(len(code) == 3 and code.isascii() and code.isupper() for code in ISO_4217_EXPONENTS)
    assert set(ISO_4217_EXPONENTS.values()) == {0, 2, 3, 4}


def test_currency_registered_by_setting_is_known_with_its_exponent():
    assert currency_exponent("BTC") == 8
    assert Money("0.00000001", "btc").currency == "BTC"


@override_settings(MONEY_CUSTOM_CURRENCIES={})
def test_currency_not_registered_is_unknown():
    with pytest.raises(UnknownCurrencyError, match="MONEY_CUSTOM_CURRENCIES"):
        Money("1", "BTC")


@override_settings()
def test_missing_setting_means_no_custom_currency():
    from django.conf import settings

    del settings.MONEY_CUSTOM_CURRENCIES
    assert custom_currency_exponents() == {}
    assert Money("1", "USD").currency == "USD"


@override_settings(MONEY_CUSTOM_CURRENCIES={"btc": 8})
def test_malformed_setting_raises_improperly_configured_when_a_custom_code_is_looked_up():
    with pytest.raises(ImproperlyConfigured, match="'btc'"):
        Money("1", "BTC")


@override_settings(MONEY_CUSTOM_CURRENCIES=["BTC"])
def test_malformed_setting_does_not_affect_iso_codes():
    assert Money("1", "USD").quantized() == Money("1.00", "USD")


def test_unconfigured_django_settings_mean_no_custom_currency(monkeypatch):
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")
    monkeypatch.setattr(conf, "settings", LazySettings())
    assert conf.custom_currencies() == {}
    assert Money("1", "JPY").quantized() == Money("1", "JPY")
    with pytest.raises(UnknownCurrencyError):
        Money("1", "BTC")
