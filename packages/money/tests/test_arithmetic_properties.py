from decimal import Decimal, localcontext

from hypothesis import given
from hypothesis import strategies as st

from django_money import Money, currency_exponent

CURRENCIES = ["USD", "JPY", "BHD", "CLF", "BTC"]

amounts = st.decimals(min_value=-(10**15), max_value=10**15, places=8, allow_nan=False, allow_infinity=False)
factors = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.decimals(min_value=-(10**6), max_value=10**6, places=6, allow_nan=False, allow_infinity=False),
)


@st.composite
def monies(draw, currency=None):
    return Money(draw(amounts), currency or draw(st.sampled_from(CURRENCIES)))


@st.composite
def same_currency_monies(draw, count):
    currency = draw(st.sampled_from(CURRENCIES))
    return [draw(monies(currency=currency)) for _ in range(count)]


@given(same_currency_monies(2))
def test_addition_is_commutative(pair):
    a, b = pair
    assert a + b == b + a


@given(same_currency_monies(3))
def test_addition_is_associative(triple):
    a, b, c = triple
    assert (a + b) + c == a + (b + c)


@given(same_currency_monies(2))
def test_subtracting_what_was_added_gives_back_the_original(pair):
    a, b = pair
    assert (a + b) - b == a


@given(monies())
def test_a_money_plus_its_negation_is_zero(money):
    assert (money + -money).is_zero()


@given(same_currency_monies(2))
def test_sum_amount_equals_the_exact_sum_of_the_amounts(pair):
    a, b = pair
    with localcontext(prec=100):
        assert (a + b).amount == a.amount + b.amount


@given(monies(), factors)
def test_multiplication_is_exact(money, factor):
    product = money * factor
    with localcontext(prec=100):
        assert product.amount == money.amount * factor
    assert product.currency == money.currency


@given(monies(), st.integers(min_value=0, max_value=20))
def test_multiplying_by_n_equals_adding_n_times(money, count):
    assert money * count == Money.sum([money] * count, currency=money.currency)


@given(monies(), factors.filter(lambda factor: factor != 0))
def test_division_is_within_division_precision_of_the_exact_quotient(money, divisor):
    quotient = money / divisor
    with localcontext(prec=100):
        error = abs(quotient.amount * divisor - money.amount)
        # 28 significant digits: the quotient is off by at most half a unit in its 28th digit
        assert error <= abs(divisor) * abs(quotient.amount).scaleb(-27) / 2


@given(same_currency_monies(2))
def test_exactly_one_ordering_holds(pair):
    a, b = pair
    assert [a < b, a == b, a > b].count(True) == 1
    assert (a <= b) == (a < b or a == b)
    assert (a >= b) == (a > b or a == b)


@given(monies())
def test_quantized_is_idempotent_and_within_half_a_minor_unit(money):
    quantized = money.quantized()
    assert quantized.quantized() == quantized
    half_unit = Decimal(1).scaleb(-currency_exponent(money.currency)) / 2
    assert abs(quantized.amount - money.amount) <= half_unit
    assert Money.from_minor_units(quantized.minor_units(), money.currency) == quantized


@given(monies(), st.integers(min_value=0, max_value=6))
def test_equal_values_written_with_more_places_hash_alike(money, extra_places):
    with localcontext(prec=100):
        wider_amount = money.amount.quantize(Decimal(1).scaleb(money.amount.as_tuple().exponent - extra_places))
    wider = Money(wider_amount, money.currency)
    assert wider == money
    assert hash(wider) == hash(money)


@given(monies())
def test_repr_round_trips(money):
    assert eval(repr(money)) == money
