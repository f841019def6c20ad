import operator
from decimal import Decimal, localcontext

import pytest

from django_money import CurrencyMismatchError, InvalidAmountError, Money
from django_money.money import DIVISION_PRECISION


def usd(amount):
    return Money(amount, "USD")


def test_adding_amounts_of_one_currency_adds_exactly():
    assert usd("0.1") + usd("0.2") == usd("0.3")


def test_subtracting_amounts_of_one_currency_subtracts_exactly():
    assert usd("10.00") - usd("0.01") == usd("9.99")


@pytest.mark.parametrize(
    "operation",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
    ],
    ids=["add", "subtract", "lt", "le", "gt", "ge"],
)
def test_mixing_currencies_raises_currency_mismatch(operation):
    with pytest.raises(CurrencyMismatchError, match="USD and EUR"):
        operation(usd("1"), Money("1", "EUR"))


def test_adding_a_bare_number_raises_type_error():
    with pytest.raises(TypeError):
        usd("1") + 1
    with pytest.raises(TypeError):
        1 + usd("1")
    with pytest.raises(TypeError):
        usd("1") - Decimal(1)


def test_arithmetic_keeps_precision_finer_than_the_minor_unit():
    assert usd("19.99") * Decimal("0.0825") == usd("1.649175")


def test_arithmetic_ignores_a_low_precision_decimal_context():
    with localcontext() as context:
        context.prec = 3
        assert usd("1234.56") + usd("0.01") == usd("1234.57")
        assert usd("1234.56") * 3 == usd("3703.68")
        assert -usd("1234.56") == usd("-1234.56")


def test_addition_stays_exact_beyond_28_significant_digits():
    big = usd("1" + "0" * 40)
    assert (big + usd("0.01")).amount == Decimal("1" + "0" * 40 + ".01")


def test_multiplying_by_an_int_works_on_both_sides():
    assert usd("19.99") * 3 == usd("59.97")
    assert 3 * usd("19.99") == usd("59.97")


def test_multiplying_by_a_decimal_works_on_both_sides():
    assert Decimal("1.5") * usd("2") == usd("3")


def test_multiplying_by_a_float_raises_type_error():
    with pytest.raises(TypeError, match="float"):
        usd("1") * 1.5
    with pytest.raises(TypeError, match="float"):
        1.5 * usd("1")


def test_multiplying_by_a_bool_raises_type_error():
    with pytest.raises(TypeError, match="bool"):
        usd("1") * True


def test_multiplying_money_by_money_raises_type_error():
    with pytest.raises(TypeError):
        usd("1") * usd("2")


def test_multiplying_by_a_string_raises_type_error():
    with pytest.raises(TypeError):
        usd("1") * "2"


def test_multiplying_by_a_non_finite_decimal_raises():
    with pytest.raises(InvalidAmountError, match="factor"):
        usd("1") * Decimal("Infinity")


def test_multiplying_a_negative_amount_by_zero_gives_unsigned_zero():
    assert str(usd("-5.00") * 0) == "0.00 USD"


def test_dividing_by_a_number_returns_unquantized_money():
    assert usd("10") / 4 == usd("2.5")
    assert usd("1") / Decimal("8") == usd("0.125")


def test_division_that_does_not_terminate_keeps_division_precision_digits():
    third = usd("1") / 3
    assert third.amount == Decimal("0." + "3" * DIVISION_PRECISION)


def test_dividing_by_zero_raises_zero_division_error():
    with pytest.raises(ZeroDivisionError):
        usd("1") / 0
    with pytest.raises(ZeroDivisionError):
        usd("1") / Decimal("0.00")


def test_dividing_by_a_float_raises_type_error():
    with pytest.raises(TypeError, match="float"):
        usd("1") / 2.0


def test_dividing_by_money_raises_type_error():
    with pytest.raises(TypeError):
        usd("1") / usd("2")


def test_dividing_a_number_by_money_raises_type_error():
    with pytest.raises(TypeError):
        1 / usd("2")


def test_negation_flips_the_sign():
    assert -usd("5.25") == usd("-5.25")
    assert -usd("-5.25") == usd("5.25")


def test_negating_zero_gives_unsigned_zero():
    assert str(-usd("0.00")) == "0.00 USD"


def test_unary_plus_returns_an_equal_money():
    assert +usd("-1.5") == usd("-1.5")


def test_abs_drops_the_sign():
    assert abs(usd("-5.25")) == usd("5.25")
    assert abs(usd("5.25")) == usd("5.25")


def test_comparisons_follow_the_amounts():
    assert usd("1.00") < usd("1.01")
    assert usd("1.00") <= usd("1.0")
    assert usd("2") > usd("1.99")
    assert usd("2") >= usd("2.00")
    assert not usd("2") < usd("2")


@pytest.mark.parametrize("compare", [operator.lt, operator.le, operator.gt, operator.ge])
@pytest.mark.parametrize("number", [2, Decimal(2)])
def test_ordering_against_a_bare_number_raises_type_error(compare, number):
    with pytest.raises(TypeError):
        compare(usd("1"), number)


def test_sorting_and_max_work_within_one_currency():
    assert sorted([usd("3"), usd("1"), usd("2")]) == [usd("1"), usd("2"), usd("3")]
    assert max(usd("3"), usd("10")) == usd("10")


def test_builtin_sum_works_from_a_zero_start():
    assert sum([usd("1.10"), usd("2.20")], Money.zero("USD")) == usd("3.30")


def test_money_sum_adds_in_the_given_currency():
    assert Money.sum([usd("1.10"), usd("2.20")], currency="USD") == usd("3.30")


def test_money_sum_of_nothing_is_zero_in_the_given_currency():
    total = Money.sum([], currency="jpy")
    assert total == Money("0", "JPY")


def test_money_sum_rejects_another_currency():
    with pytest.raises(CurrencyMismatchError):
        Money.sum([usd("1"), Money("1", "EUR")], currency="USD")


def test_money_sum_rejects_a_bare_number():
    with pytest.raises(TypeError, match="Decimal"):
        Money.sum([usd("1"), Decimal(1)], currency="USD")


def test_results_keep_a_money_subclass():
    class Price(Money):
        pass

    price = Price("2", "USD")
    assert type(price + price) is Price
    assert type(price * 2) is Price
    assert repr(-price) == "Price('-2', 'USD')"
