"""Recording exchange rates and finding the one in force: record_exchange_rate and rate_for."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from django_money import (
    ExchangeRate,
    ExchangeRateConflictError,
    ExchangeRateError,
    ExchangeRateNotFoundError,
    InvalidExchangeRateError,
    UnknownCurrencyError,
    rate_for,
    record_exchange_rate,
)
from tests.conftest import moment

pytestmark = pytest.mark.django_db


def record(**overrides):
    arguments = {"source": "ECB", "base": "EUR", "quote": "USD", "rate": "1.0823", "effective_at": moment(1)}
    return record_exchange_rate(**{**arguments, **overrides})


def test_a_recorded_rate_keeps_its_exact_value_currencies_and_times():
    rate = record(base="eur", quote="usd")
    stored = ExchangeRate.objects.get(pk=rate.pk)
    assert (stored.source, stored.base_currency, stored.quote_currency) == ("ECB", "EUR", "USD")
    assert stored.rate == Decimal("1.0823")
    assert stored.effective_at == moment(1)
    assert "1 EUR = " in str(stored) and "USD (ECB, 2026-12-01" in str(stored)


def test_an_unsaved_rate_without_effective_at_still_reads():
    assert str(ExchangeRate(source="ECB", base_currency="EUR", quote_currency="USD")) == (
        "1 EUR = None USD (ECB, no effective_at)"
    )


def test_recorded_at_is_the_servers_time_whatever_the_caller_says():
    before = timezone.now()
    rate = ExchangeRate.objects.create(
        source="ECB", base_currency="EUR", quote_currency="USD", rate=Decimal("1.08"), effective_at=moment(1),
        recorded_at=moment(1) - dt.timedelta(days=365),
    )  # fmt: skip
    assert before <= ExchangeRate.objects.get(pk=rate.pk).recorded_at <= timezone.now()


@pytest.mark.parametrize("rate", [Decimal("1.0823"), "1.0823", " 1.0823 ", "1.082300", 2])
def test_a_rate_is_a_decimal_an_int_or_a_decimal_string(rate):
    assert record(rate=rate).rate == Decimal(str(rate).strip())


def test_a_float_rate_is_refused_with_what_to_pass_instead():
    with pytest.raises(TypeError, match=r"pass a Decimal or a string, such as Decimal\('1.0823'\) or '1.0823'"):
        record(rate=1.0823)
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize(("rate", "error"), [(True, TypeError), (None, TypeError), (["1"], TypeError)])
def test_a_rate_of_another_type_is_refused(rate, error):
    with pytest.raises(error):
        record(rate=rate)


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("0", "positive finite"),
        ("-1.08", "positive decimal number"),
        (Decimal("-1.08"), "positive finite"),
        ("NaN", "positive decimal number"),
        (Decimal("Infinity"), "positive finite"),
        ("1,08", "positive decimal number"),
        ("0.0000000000000000001", "at most 18 decimal places"),
        ("1" + "0" * 20, "at most 20 digits before the decimal point"),
    ],
)
def test_a_rate_that_is_not_positive_or_does_not_fit_the_column_is_refused(rate, message):
    with pytest.raises(InvalidExchangeRateError, match=message):
        record(rate=rate)
    assert not ExchangeRate.objects.exists()


def test_the_widest_rates_the_column_keeps_are_accepted():
    assert record(rate="0.000000000000000001").rate == Decimal("1E-18")
    assert record(rate="9" * 14 + ".5", effective_at=moment(2)).rate == Decimal("9" * 14 + ".5")


def test_more_significant_digits_than_sqlite_keeps_are_refused_there_and_kept_elsewhere():
    rate = "1.0823456789012345"  # 17 significant digits
    if connection.vendor == "sqlite":
        with pytest.raises(InvalidExchangeRateError, match="SQLite keeps 15 significant digits"):
            record(rate=rate)
    else:
        record(rate=rate)
        assert ExchangeRate.objects.get().rate == Decimal(rate)


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"base": "EUR", "quote": "eur"}, ExchangeRateError, "not from EUR to itself"),
        ({"base": "ABC"}, UnknownCurrencyError, "'ABC'"),
        ({"source": ""}, ExchangeRateError, "source must name where the rate comes from"),
        ({"source": " ECB"}, ExchangeRateError, "without surrounding spaces"),
        ({"source": "x" * 65}, ExchangeRateError, "1 to 64 characters"),
        ({"source": None}, ExchangeRateError, "such as source='ECB'"),
        ({"effective_at": dt.datetime(2026, 12, 1)}, ExchangeRateError, r"timezone-aware datetime \(django.utils"),
        ({"effective_at": dt.date(2026, 12, 1)}, ExchangeRateError, "timezone-aware datetime"),
    ],
)
def test_invalid_arguments_are_refused_before_anything_is_written(overrides, error, message):
    with pytest.raises(error, match=message):
        record(**overrides)
    assert not ExchangeRate.objects.exists()


def test_recording_the_same_rate_again_returns_the_recorded_one():
    first = record(rate="1.0823")
    assert record(rate=Decimal("1.082300")) == first
    assert ExchangeRate.objects.count() == 1


def test_another_value_for_the_same_source_pair_and_moment_is_a_conflict():
    first = record(rate="1.0823")
    with pytest.raises(ExchangeRateConflictError, match=r"already has 1 EUR = 1\.0823 USD") as caught:
        record(rate="1.0900")
    assert caught.value.existing == first
    assert caught.value.rate == Decimal("1.0900")
    assert ExchangeRate.objects.get().rate == Decimal("1.0823")


def test_sources_and_moments_and_directions_are_distinct_rates():
    record()
    record(source="ecb")  # case-sensitive: another source
    record(effective_at=moment(1, hour=1))
    record(base="USD", quote="EUR", rate="0.92")
    assert ExchangeRate.objects.count() == 4


def test_rate_for_picks_the_latest_rate_effective_at_or_before_as_of(ecb_rates):
    day_1, day_2, day_4 = ecb_rates
    assert rate_for("EUR", "USD", source="ECB", as_of=moment(1)) == day_1  # effective exactly then
    assert rate_for("EUR", "USD", source="ECB", as_of=moment(1, hour=23)) == day_1
    assert rate_for("EUR", "USD", source="ECB", as_of=moment(3)) == day_2  # no rate on the 3rd: the 2nd's holds
    assert rate_for("eur", "usd", source="ECB", as_of=moment(30)) == day_4


def test_rate_for_accepts_an_aware_moment_in_any_time_zone(ecb_rates):
    tokyo = dt.timezone(dt.timedelta(hours=9))
    # 08:59 in Tokyo on the 2nd is 23:59 UTC on the 1st.
    assert rate_for("EUR", "USD", source="ECB", as_of=dt.datetime(2026, 12, 2, 8, 59, tzinfo=tokyo)) == ecb_rates[0]


def test_rate_for_before_the_first_rate_raises_not_found(ecb_rates):
    with pytest.raises(ExchangeRateNotFoundError, match="no ECB rate from EUR to USD is effective at or before") as e:
        rate_for("EUR", "USD", source="ECB", as_of=moment(1) - dt.timedelta(microseconds=1))
    assert (e.value.base, e.value.quote, e.value.source) == ("EUR", "USD", "ECB")
    assert isinstance(e.value, LookupError)


def test_rate_for_never_uses_another_source(ecb_rates):
    with pytest.raises(ExchangeRateNotFoundError):
        rate_for("EUR", "USD", source="Fed", as_of=moment(30))


def test_rate_for_never_implies_the_inverse_rate(ecb_rates):
    with pytest.raises(ExchangeRateNotFoundError, match="an inverse EUR to USD rate is not used"):
        rate_for("USD", "EUR", source="ECB", as_of=moment(30))


def test_rate_for_known_at_leaves_out_rates_recorded_later(ecb_rates):
    recorded = ecb_rates[-1].recorded_at
    late = record(rate="1.0950", effective_at=moment(5))  # recorded after the fixture's rates
    assert rate_for("EUR", "USD", source="ECB", as_of=moment(30)) == late
    assert rate_for("EUR", "USD", source="ECB", as_of=moment(30), known_at=recorded) == ecb_rates[-1]
    with pytest.raises(ExchangeRateNotFoundError, match="recorded by"):
        rate_for("EUR", "USD", source="ECB", as_of=moment(30), known_at=ecb_rates[0].recorded_at - dt.timedelta(1))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"as_of": dt.datetime(2026, 12, 1)}, r"as_of must be a timezone-aware datetime \(django.utils.timezone.now"),
        ({"as_of": None}, "as_of must be a timezone-aware datetime"),
        ({"as_of": moment(1), "known_at": dt.datetime(2026, 12, 1)}, "known_at must be a timezone-aware datetime"),
        ({"as_of": moment(1), "source": ""}, "source must name"),
    ],
)
def test_rate_for_refuses_a_naive_moment_or_a_blank_source_saying_what_to_pass(arguments, message):
    with pytest.raises(ExchangeRateError, match=message):
        rate_for("EUR", "USD", **{"source": "ECB", **arguments})


def test_rate_for_refuses_a_rate_from_a_currency_to_itself():
    with pytest.raises(ExchangeRateError, match="to itself"):
        rate_for("EUR", "EUR", source="ECB", as_of=moment(1))


def test_a_replayed_rate_is_found_even_when_a_concurrent_insert_won(monkeypatch):
    """The insert's IntegrityError path: another call recorded the same rate between the read and the insert."""
    winner = record()
    original_filter = ExchangeRate.objects.filter
    calls = []

    def filter_missing_once(*args, **kwargs):
        queryset = original_filter(*args, **kwargs)
        calls.append(1)
        return queryset.none() if len(calls) == 1 else queryset

    monkeypatch.setattr(ExchangeRate.objects, "filter", filter_missing_once, raising=False)
    monkeypatch.setattr(ExchangeRate.objects, "using", lambda alias: ExchangeRate.objects, raising=False)
    assert record() == winner
    with pytest.raises(ExchangeRateConflictError):
        calls.clear()
        record(rate="2")
