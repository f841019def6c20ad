from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal

import pytest
from django.test import override_settings

from django_money import Money, PrecisionLossError


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("19.995", "USD", "20.00"),
        ("19.985", "USD", "19.98"),
        ("0.125", "EUR", "0.12"),
        ("0.135", "EUR", "0.14"),
        ("2.5", "JPY", "2"),
        ("3.5", "JPY", "4"),
        ("1500.5", "KRW", "1500"),
        ("1.0005", "BHD", "1.000"),
        ("1.0015", "KWD", "1.002"),
        ("1.23455", "CLF", "1.2346"),
        ("1.23445", "UYW", "1.2344"),
        ("0.000000015", "BTC", "0.00000002"),
        ("-19.995", "USD", "-20.00"),
    ],
)
def test_quantized_rounds_half_even_to_the_currency_minor_unit(amount, currency, expected):
    quantized = Money(amount, currency).quantized()
    assert quantized == Money(expected, currency)
    assert f"{quantized.amount:f}" == expected


def test_quantized_pads_to_the_minor_unit():
    assert str(Money("5", "USD").quantized()) == "5.00 USD"


def test_quantized_accepts_another_rounding_mode():
    assert Money("19.985", "USD").quantized(ROUND_HALF_UP) == Money("19.99", "USD")
    assert Money("19.981", "USD").quantized(rounding=ROUND_CEILING) == Money("19.99", "USD")


def test_quantized_rejects_an_unknown_rounding_mode():
    with pytest.raises(TypeError):
        Money("1", "USD").quantized("ROUND_SOMETIMES")


def test_rounded_rounds_to_the_given_decimal_places():
    assert Money("1.649175", "USD").rounded(4) == Money("1.6492", "USD")
    assert Money("1.649175", "USD").rounded(4, ROUND_DOWN) == Money("1.6491", "USD")


def test_rounded_with_negative_places_rounds_to_tens():
    assert Money("1250", "JPY").rounded(-2) == Money("1200", "JPY")


def test_rounded_rejects_places_that_are_not_an_int():
    with pytest.raises(TypeError):
        Money("1", "USD").rounded(Decimal(2))
    with pytest.raises(TypeError):
        Money("1", "USD").rounded(True)


def test_rounded_rejects_places_beyond_the_exponent_bound():
    with pytest.raises(ValueError, match="places"):
        Money("1", "USD").rounded(10**9)


def test_quantizing_never_happens_during_arithmetic():
    total = Money("0.005", "USD") + Money("0.005", "USD")
    assert total.amount == Decimal("0.010")
    assert (Money("0.005", "USD") * 3).amount == Decimal("0.015")


def test_minor_units_counts_cents_of_usd():
    assert Money("19.99", "USD").minor_units() == 1999
    assert Money("-0.05", "USD").minor_units() == -5


def test_minor_units_of_a_zero_exponent_currency_is_the_amount():
    assert Money("1999", "JPY").minor_units() == 1999


def test_minor_units_of_a_three_exponent_currency_counts_fils():
    assert Money("1.5", "BHD").minor_units() == 1500


def test_minor_units_refuses_a_fraction_of_a_minor_unit():
    with pytest.raises(PrecisionLossError, match="quantized"):
        Money("19.995", "USD").minor_units()


def test_from_minor_units_builds_the_amount_at_the_currency_exponent():
    money = Money.from_minor_units(1999, "usd")
    assert money == Money("19.99", "USD")
    assert str(money.amount) == "19.99"
    assert Money.from_minor_units(5, "KWD") == Money("0.005", "KWD")
    assert Money.from_minor_units(7, "JPY") == Money("7", "JPY")


def test_from_minor_units_rejects_anything_but_an_int():
    with pytest.raises(TypeError):
        Money.from_minor_units(Decimal("19.99"), "USD")
    with pytest.raises(TypeError):
        Money.from_minor_units(True, "USD")


@override_settings(MONEY_CUSTOM_CURRENCIES={"ETH": 18})
def test_custom_currency_from_setting_quantizes_to_its_exponent():
    assert Money("1.0000000000000000005", "ETH").quantized() == Money("1.000000000000000000", "ETH")
    assert Money.from_minor_units(1, "eth").amount == Decimal("1e-18")
