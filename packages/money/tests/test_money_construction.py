import dataclasses
import pickle
import subprocess
import sys
from decimal import Decimal

import pytest

from django_money import InvalidAmountError, Money, MoneyError, UnknownCurrencyError


def test_amount_given_as_string_is_parsed_exactly():
    assert Money("0.1", "USD").amount == Decimal("0.1")


def test_amount_given_as_int_becomes_a_decimal():
    money = Money(5, "USD")
    assert money.amount == Decimal(5)
    assert isinstance(money.amount, Decimal)


def test_amount_keeps_every_digit_it_was_given():
    assert Money("1.23456789", "USD").amount == Decimal("1.23456789")


def test_surrounding_whitespace_of_a_string_amount_is_ignored():
    assert Money(" 12.50 ", "EUR").amount == Decimal("12.50")


def test_float_amount_raises_type_error_that_says_what_to_pass():
    with pytest.raises(TypeError, match=r"Decimal or a string, such as Decimal\('0.1'\) or '0.1'"):
        Money(0.1, "USD")


def test_bool_amount_raises_type_error():
    with pytest.raises(TypeError, match="bool"):
        Money(True, "USD")


def test_amount_of_another_type_raises_type_error():
    with pytest.raises(TypeError, match="NoneType"):
        Money(None, "USD")


@pytest.mark.parametrize("text", ["", "abc", "1,000.00", "1_000", "١٢٣", "1.2.3", "--1", "$5"])
def test_text_that_is_not_a_plain_decimal_number_raises(text):
    with pytest.raises(InvalidAmountError):
        Money(text, "USD")


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", Decimal("NaN"), Decimal("sNaN"), Decimal("Inf")])
def test_non_finite_amount_raises(amount):
    with pytest.raises(InvalidAmountError):
        Money(amount, "USD")


@pytest.mark.parametrize("amount", ["1e1001", "-1e1001", "1e-1001", Decimal("0E-1001")])
def test_amount_beyond_the_exponent_bound_raises(amount):
    with pytest.raises(InvalidAmountError):
        Money(amount, "USD")


def test_exponent_notation_within_the_bound_is_accepted():
    assert Money("1.5e3", "USD").amount == Decimal(1500)


def test_negative_zero_is_stored_as_zero():
    money = Money("-0.00", "USD")
    assert not money.amount.is_signed()
    assert str(money) == "0.00 USD"


def test_currency_is_upper_cased():
    assert Money("1", "usd").currency == "USD"


def test_unknown_currency_raises():
    with pytest.raises(UnknownCurrencyError, match="'ABC'"):
        Money("1", "ABC")


def test_currency_that_is_not_a_string_raises_type_error():
    with pytest.raises(TypeError, match="ISO 4217 code"):
        Money("1", 840)


def test_errors_on_purpose_share_the_base_class():
    with pytest.raises(MoneyError):
        Money("1", "ABC")
    with pytest.raises(MoneyError):
        Money("NaN", "USD")


def test_money_is_immutable():
    money = Money("1", "USD")
    with pytest.raises(dataclasses.FrozenInstanceError):
        money.amount = Decimal(2)


def test_equal_amounts_with_different_exponents_are_equal_and_hash_alike():
    assert Money("1.0", "USD") == Money("1.00", "USD")
    assert hash(Money("1.0", "USD")) == hash(Money("1.00", "USD"))
    assert len({Money("1.0", "USD"), Money("1.00", "USD"), Money("1", "EUR")}) == 2


def test_same_amount_in_another_currency_is_not_equal():
    assert Money("1", "USD") != Money("1", "EUR")


def test_money_is_not_equal_to_a_bare_number():
    assert Money("1", "USD") != Decimal(1)
    assert Money("1", "USD") != 1


def test_str_shows_amount_without_exponent_and_currency():
    assert str(Money("19.99", "USD")) == "19.99 USD"
    assert str(Money("1E+3", "JPY")) == "1000 JPY"


def test_repr_evaluates_back_to_an_identical_money():
    money = Money("19.990", "USD")
    assert repr(money) == "Money('19.990', 'USD')"
    copy = eval(repr(money))
    assert copy == money
    assert str(copy.amount) == "19.990"


def test_money_survives_pickling():
    money = Money("19.99", "USD")
    assert pickle.loads(pickle.dumps(money)) == money


def test_dataclasses_replace_validates_the_new_values():
    money = Money("1", "USD")
    assert dataclasses.replace(money, currency="eur") == Money("1", "EUR")
    with pytest.raises(TypeError):
        dataclasses.replace(money, amount=1.5)


def test_zero_money_is_still_truthy_so_if_tests_presence_not_value():
    assert Money.zero("USD")
    assert Money.zero("USD").is_zero()
    assert not Money("0.01", "USD").is_zero()


def test_money_imports_and_works_without_django_settings():
    code = (
        "from django_money import Money\n"
        "print(Money('19.99', 'usd') * 3, Money('1', 'JPY').quantized())\n"
        "try:\n"
        "    Money('1', 'BTC')\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__)\n"
    )
    env = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.split("\n")[:2] == ["59.97 USD 1 JPY", "UnknownCurrencyError"]
