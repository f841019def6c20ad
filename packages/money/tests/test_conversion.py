"""Converting with a named rate and a named rounding: convert and total_in; Money still refuses mixed sums."""

import datetime as dt
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
    localcontext,
)

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django_money import (
    ROUNDING_MODES,
    CurrencyMismatchError,
    ExchangeRate,
    ExchangeRateError,
    ExchangeRateMismatchError,
    ExchangeRateNotFoundError,
    InvalidExchangeRateError,
    Money,
    UnknownCurrencyError,
    convert,
    currency_exponent,
    rate_for,
    record_exchange_rate,
    total_in,
)
from tests.conftest import moment


def test_money_still_refuses_to_add_two_currencies():
    with pytest.raises(CurrencyMismatchError, match="cannot add EUR and USD"):
        Money("1", "EUR") + Money("1", "USD")
    with pytest.raises(CurrencyMismatchError):
        Money.sum([Money("1", "EUR"), Money("1", "USD")], currency="EUR")


@pytest.mark.django_db
def test_convert_with_a_recorded_rate(ecb_rates):
    rate = rate_for("EUR", "USD", source="ECB", as_of=moment(3))  # 1.0850
    assert convert(Money("100.00", "EUR"), to="USD", rate=rate, rounding=ROUND_HALF_EVEN) == Money("108.50", "USD")
    named = convert(Money("100.00", "EUR"), to="usd", rate=rate, rounding=ROUND_HALF_EVEN, source="ECB")
    assert named.currency == "USD"


@pytest.mark.django_db
def test_convert_both_ways_needs_a_rate_in_each_direction(ecb_rates):
    record_exchange_rate(source="ECB", base="USD", quote="EUR", rate="0.9200", effective_at=moment(2))
    to_usd = rate_for("EUR", "USD", source="ECB", as_of=moment(3))
    to_eur = rate_for("USD", "EUR", source="ECB", as_of=moment(3))
    assert convert(Money("100", "EUR"), to="USD", rate=to_usd, rounding=ROUND_HALF_EVEN) == Money("108.50", "USD")
    assert convert(Money("108.50", "USD"), to="EUR", rate=to_eur, rounding=ROUND_HALF_EVEN) == Money("99.82", "EUR")


@pytest.mark.django_db
def test_an_inverse_rate_is_never_implied(ecb_rates):
    eur_to_usd = ecb_rates[0]
    with pytest.raises(ExchangeRateMismatchError, match="converts EUR to USD, not USD to EUR; an inverse rate"):
        convert(Money("108", "USD"), to="EUR", rate=eur_to_usd, rounding=ROUND_HALF_EVEN)
    with pytest.raises(ExchangeRateMismatchError, match="not EUR to JPY"):
        convert(Money("1", "EUR"), to="JPY", rate=eur_to_usd, rounding=ROUND_HALF_EVEN)


@pytest.mark.django_db
def test_a_source_that_contradicts_the_rate_is_refused(ecb_rates):
    with pytest.raises(ExchangeRateMismatchError, match="is a ECB rate, not a Fed rate"):
        convert(Money("1", "EUR"), to="USD", rate=ecb_rates[0], rounding=ROUND_HALF_EVEN, source="Fed")


def test_convert_with_a_bare_decimal_rate_and_its_source():
    converted = convert(Money("10", "EUR"), to="JPY", rate=Decimal("162.37"), source="contract 17", rounding=ROUND_DOWN)
    assert converted == Money("1623", "JPY")
    assert str(converted.amount) == "1623"  # rounded to JPY's exponent, 0


def test_a_bare_rate_without_a_source_is_refused_saying_what_to_pass():
    with pytest.raises(ExchangeRateError, match=r"a bare rate needs source= .*or pass the ExchangeRate that rate_for"):
        convert(Money("10", "EUR"), to="USD", rate=Decimal("1.08"), rounding=ROUND_HALF_EVEN)


def test_a_float_rate_is_refused_saying_pass_a_decimal_or_a_string():
    with pytest.raises(TypeError, match=r"inexact: pass a Decimal or a string, such as Decimal\('1.08'\) or '1.08'"):
        convert(Money("10", "EUR"), to="USD", rate=1.08, source="manual", rounding=ROUND_HALF_EVEN)


def test_a_float_inside_an_unsaved_exchange_rate_is_refused_too():
    rate = ExchangeRate(source="manual", base_currency="EUR", quote_currency="USD", rate=1.08, effective_at=moment(1))
    with pytest.raises(TypeError, match="pass a Decimal or a string"):
        convert(Money("10", "EUR"), to="USD", rate=rate, rounding=ROUND_HALF_EVEN)


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [
        (ROUND_HALF_EVEN, ["0.12", "-0.12", "0.14"]),
        (ROUND_HALF_UP, ["0.13", "-0.13", "0.14"]),
        (ROUND_DOWN, ["0.12", "-0.12", "0.13"]),
        (ROUND_UP, ["0.13", "-0.13", "0.14"]),
        (ROUND_CEILING, ["0.13", "-0.12", "0.14"]),
        (ROUND_FLOOR, ["0.12", "-0.13", "0.13"]),
    ],
)
def test_the_rounding_mode_named_is_the_one_applied(rounding, expected):
    # 0.125 and -0.125 are exact halves; 0.1375 is not a half.
    amounts = [Money("0.25", "EUR"), Money("-0.25", "EUR"), Money("0.275", "EUR")]
    converted = [convert(m, to="USD", rate="0.5", source="test", rounding=rounding) for m in amounts]
    assert converted == [Money(value, "USD") for value in expected]


def test_the_result_has_the_target_currencys_exponent():
    to_bhd = convert(Money("1", "EUR"), to="BHD", rate="0.41", source="t", rounding=ROUND_HALF_EVEN)
    assert str(to_bhd.amount) == "0.410"
    assert str(convert(Money("1", "EUR"), to="BTC", rate="0.0000105", source="t", rounding=ROUND_UP).amount) == (
        "0.00001050"
    )


@pytest.mark.parametrize("rounding", [None, "half-even", 1, "ROUND_SIDEWAYS"])
def test_a_rounding_that_is_not_a_decimal_mode_is_refused(rounding):
    with pytest.raises(ExchangeRateError, match=r"rounding must be one of decimal\.ROUND_05UP"):
        convert(Money("1", "EUR"), to="USD", rate="1.08", source="t", rounding=rounding)


def test_rounding_is_required():
    with pytest.raises(TypeError, match="rounding"):
        convert(Money("1", "EUR"), to="USD", rate="1.08", source="t")


def test_every_decimal_rounding_mode_is_accepted():
    assert len(ROUNDING_MODES) == 8
    for mode in ROUNDING_MODES:
        assert convert(Money("1", "EUR"), to="USD", rate="1.08", source="t", rounding=mode) == Money("1.08", "USD")


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"money": Decimal("1")}, TypeError, "takes a Money"),
        ({"to": "EUR"}, ExchangeRateError, "already in EUR"),
        ({"to": "ABC"}, UnknownCurrencyError, "ABC"),
        ({"rate": "0"}, InvalidExchangeRateError, "positive"),
        ({"source": "  "}, ExchangeRateError, "source must name"),
    ],
)
def test_convert_refuses_invalid_arguments(arguments, error, message):
    full = {"money": Money("1", "EUR"), "to": "USD", "rate": "1.08", "source": "t", "rounding": ROUND_HALF_EVEN}
    full.update(arguments)
    money = full.pop("money")
    with pytest.raises(error, match=message):
        convert(money, **full)


@pytest.fixture
def rates(ecb_rates):
    record_exchange_rate(source="ECB", base="GBP", quote="USD", rate="1.2700", effective_at=moment(1))
    record_exchange_rate(source="ECB", base="JPY", quote="USD", rate="0.006667", effective_at=moment(1))
    return ecb_rates


@pytest.mark.django_db
def test_total_in_converts_each_currency_at_the_rate_as_of_and_rounds_once(rates):
    holdings = [
        Money("100.00", "EUR"),
        Money("50.005", "USD"),  # already in USD: counted as it is
        Money("10.00", "GBP"),
        Money("1000", "JPY"),
        Money("-20.00", "EUR"),  # a liability
    ]
    # 80 EUR * 1.0850 + 50.005 + 10 GBP * 1.27 + 1000 JPY * 0.006667 = 86.80 + 50.005 + 12.70 + 6.667 = 156.172
    total = total_in(holdings, "usd", source="ECB", as_of=moment(3), rounding=ROUND_HALF_EVEN)
    assert total == Money("156.17", "USD")
    assert str(total.amount) == "156.17"
    assert total_in(holdings, "USD", source="ECB", as_of=moment(1), rounding=ROUND_UP) == Money("155.78", "USD")


@pytest.mark.django_db
def test_total_in_rounds_the_exact_total_once_not_each_conversion(rates):
    thirds = [Money("0.005", "USD"), Money("0.005", "USD"), Money("0.005", "USD")]  # 0.015 USD: 0.02 rounded once
    assert total_in(thirds, "USD", source="ECB", as_of=moment(3), rounding=ROUND_HALF_UP) == Money("0.02", "USD")


@pytest.mark.django_db
def test_total_in_of_one_currency_needs_no_rate():
    assert total_in([Money("1.005", "USD")], "USD", source="ECB", as_of=moment(1), rounding=ROUND_DOWN) == Money(
        "1.00", "USD"
    )


@pytest.mark.django_db
def test_total_in_of_nothing_is_zero_in_the_currency():
    assert total_in([], "JPY", source="ECB", as_of=moment(1), rounding=ROUND_HALF_EVEN) == Money("0", "JPY")


@pytest.mark.django_db
def test_total_in_refuses_a_currency_without_a_rate_and_never_inverts(rates):
    with pytest.raises(ExchangeRateNotFoundError, match="from USD to EUR") as caught:
        total_in([Money("1", "EUR"), Money("1", "USD")], "EUR", source="ECB", as_of=moment(3), rounding=ROUND_UP)
    assert (caught.value.base, caught.value.quote) == ("USD", "EUR")


@pytest.mark.django_db
def test_total_in_uses_only_rates_known_at(rates):
    late = record_exchange_rate(source="ECB", base="EUR", quote="USD", rate="2", effective_at=moment(2, hour=12))
    args = {"source": "ECB", "as_of": moment(3), "rounding": ROUND_HALF_EVEN}
    assert total_in([Money("1", "EUR")], "USD", **args) == Money("2.00", "USD")
    earlier = late.recorded_at - dt.timedelta(microseconds=1)
    assert total_in([Money("1", "EUR")], "USD", **args, known_at=earlier) == Money("1.08", "USD")  # 1.085, half-even


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"as_of": dt.datetime(2026, 12, 3)}, ExchangeRateError, "as_of must be a timezone-aware datetime"),
        ({"rounding": "up"}, ExchangeRateError, "rounding must be one of"),
        ({"source": ""}, ExchangeRateError, "source must name"),
        ({"known_at": dt.datetime(2026, 12, 3)}, ExchangeRateError, "known_at must be a timezone-aware"),
        ({"currency": "ABC"}, UnknownCurrencyError, "ABC"),
        ({"amounts": [Money("1", "USD"), Decimal("1")]}, TypeError, "sums Money"),
    ],
)
@pytest.mark.django_db
def test_total_in_checks_every_argument_before_reading_a_rate(arguments, error, message, django_assert_num_queries):
    full = {"amounts": [Money("1", "EUR")], "currency": "USD", "source": "ECB", "as_of": moment(3)}
    full["rounding"] = ROUND_HALF_EVEN
    full.update(arguments)
    amounts, currency = full.pop("amounts"), full.pop("currency")
    with django_assert_num_queries(0), pytest.raises(error, match=message):
        total_in(amounts, currency, **full)


CURRENCIES = ["USD", "JPY", "BHD", "CLF", "BTC"]  # exponents 2, 0, 3, 4 and 8


@given(
    amount=st.decimals(min_value=-(10**12), max_value=10**12, places=8, allow_nan=False, allow_infinity=False),
    rate=st.decimals(min_value=Decimal("1e-10"), max_value=10**6, places=10, allow_nan=False, allow_infinity=False),
    pair=st.permutations(CURRENCIES).map(lambda codes: codes[:2]),
    rounding=st.sampled_from(sorted(ROUNDING_MODES)),
)
def test_convert_is_the_exact_product_rounded_once_to_the_target_minor_unit(amount, rate, pair, rounding):
    source_currency, target = pair
    converted = convert(Money(amount, source_currency), to=target, rate=rate, source="t", rounding=rounding)
    with localcontext(prec=100):
        exact = amount * rate  # exact at 100 digits (the factors have at most 20 and 16)
    unit = Decimal(1).scaleb(-currency_exponent(target))
    assert converted.currency == target
    assert converted.amount == converted.amount.quantize(unit)
    assert abs(converted.amount - exact) < unit
    if rounding == ROUND_HALF_EVEN:
        assert abs(converted.amount - exact) <= unit / 2
    if rounding == ROUND_DOWN:
        assert abs(converted.amount) <= abs(exact)
