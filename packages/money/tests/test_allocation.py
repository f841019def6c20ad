from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django_money import AllocationError, Money, PrecisionLossError, currency_exponent

CURRENCIES = ["USD", "JPY", "BHD", "CLF", "BTC"]  # exponents 2, 0, 3, 4 and 8 (custom, tests/settings.py)

currencies = st.sampled_from(CURRENCIES)
minor_unit_counts = st.integers(min_value=-(10**15), max_value=10**15)
ratio_values = st.one_of(
    st.integers(min_value=0, max_value=10**6),
    st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False),
)
ratio_lists = st.lists(ratio_values, min_size=1, max_size=20).filter(lambda ratios: sum(ratios) > 0)


def test_split_gives_the_extra_minor_unit_to_the_first_parts():
    assert Money("10.00", "USD").split(3) == [Money("3.34", "USD"), Money("3.33", "USD"), Money("3.33", "USD")]


def test_allocate_by_percentages_gives_exact_shares():
    parts = Money("100.00", "EUR").allocate([70, 20, 10])
    assert parts == [Money("70", "EUR"), Money("20", "EUR"), Money("10", "EUR")]


def test_allocate_gives_the_leftover_to_the_largest_remainder_not_the_first_part():
    assert Money("100", "JPY").allocate([1, 2]) == [Money("33", "JPY"), Money("67", "JPY")]


def test_allocate_breaks_ties_in_favour_of_the_earlier_part():
    assert Money("0.10", "USD").allocate([1, 3]) == [Money("0.03", "USD"), Money("0.07", "USD")]


def test_allocate_accepts_decimal_ratios():
    parts = Money("1.000", "BHD").allocate([Decimal("0.5"), Decimal("0.25"), Decimal("0.25")])
    assert parts == [Money("0.500", "BHD"), Money("0.250", "BHD"), Money("0.250", "BHD")]


def test_allocate_accepts_any_iterable_of_ratios():
    assert Money("1", "JPY").allocate(ratio for ratio in (1, 1)) == [Money("1", "JPY"), Money("0", "JPY")]


def test_parts_are_written_at_the_currency_exponent():
    assert [str(part.amount) for part in Money("10", "USD").split(3)] == ["3.34", "3.33", "3.33"]


def test_zero_ratio_gets_zero():
    assert Money("0.05", "USD").allocate([0, 1, 0]) == [Money.zero("USD"), Money("0.05", "USD"), Money.zero("USD")]


def test_negative_amount_is_allocated_like_its_absolute_value_then_negated():
    assert Money("-0.05", "USD").split(3) == [Money("-0.02", "USD"), Money("-0.02", "USD"), Money("-0.01", "USD")]


def test_allocate_refuses_an_amount_finer_than_the_minor_unit():
    with pytest.raises(PrecisionLossError, match="quantized"):
        Money("10.005", "USD").allocate([1, 1])


def test_allocate_accepts_trailing_zeros_beyond_the_minor_unit():
    assert Money("10.0000", "USD").split(2) == [Money("5", "USD"), Money("5", "USD")]


@pytest.mark.parametrize(
    ("ratios", "message"),
    [
        ([], "at least one ratio"),
        ([1, -1], "negative"),
        ([0, 0], "not all be zero"),
        ([Decimal("NaN")], "finite"),
        ([Decimal("1e2000")], "10\\*\\*"),
    ],
)
def test_allocate_rejects_ratios_that_cannot_divide_an_amount(ratios, message):
    with pytest.raises(AllocationError, match=message):
        Money("1", "USD").allocate(ratios)


@pytest.mark.parametrize("ratio", [0.5, True, "1", None])
def test_allocate_rejects_a_ratio_that_is_not_an_int_or_decimal(ratio):
    with pytest.raises(TypeError, match="ratio"):
        Money("1", "USD").allocate([1, ratio])


@pytest.mark.parametrize("count", [0, -2])
def test_split_rejects_a_count_below_one(count):
    with pytest.raises(AllocationError):
        Money("1", "USD").split(count)


@pytest.mark.parametrize("count", [1.5, True, "2"])
def test_split_rejects_a_count_that_is_not_an_int(count):
    with pytest.raises(TypeError):
        Money("1", "USD").split(count)


@given(currency=currencies, units=minor_unit_counts, ratios=ratio_lists)
def test_allocated_parts_sum_exactly_to_the_original(currency, units, ratios):
    money = Money.from_minor_units(units, currency)
    parts = money.allocate(ratios)
    assert len(parts) == len(ratios)
    assert Money.sum(parts, currency=currency) == money


@given(currency=currencies, units=minor_unit_counts, ratios=ratio_lists)
def test_each_part_is_within_one_minor_unit_of_its_exact_share(currency, units, ratios):
    money = Money.from_minor_units(units, currency)
    total = sum(Fraction(ratio) for ratio in ratios)
    for part, ratio in zip(money.allocate(ratios), ratios, strict=True):
        exact_share = units * Fraction(ratio) / total
        assert abs(part.minor_units() - exact_share) < 1
        assert part.currency == currency


@given(currency=currencies, units=minor_unit_counts, ratios=ratio_lists)
def test_parts_never_have_the_opposite_sign_of_the_original(currency, units, ratios):
    parts = Money.from_minor_units(units, currency).allocate(ratios)
    assert all(part.minor_units() * units >= 0 for part in parts)


@given(currency=currencies, units=minor_unit_counts, count=st.integers(min_value=1, max_value=50))
def test_split_parts_sum_to_the_original_and_differ_by_at_most_one_minor_unit(currency, units, count):
    money = Money.from_minor_units(units, currency)
    parts = money.split(count)
    assert Money.sum(parts, currency=currency) == money
    sizes = [abs(part.minor_units()) for part in parts]
    assert max(sizes) - min(sizes) <= 1
    assert sizes == sorted(sizes, reverse=True)


@given(currency=currencies, units=minor_unit_counts, ratios=ratio_lists)
def test_parts_are_whole_minor_units_at_the_currency_exponent(currency, units, ratios):
    exponent = currency_exponent(currency)
    for part in Money.from_minor_units(units, currency).allocate(ratios):
        assert part.amount.as_tuple().exponent == -exponent
