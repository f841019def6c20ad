"""Periods in the template restart the counter (year, month, day), in the current time zone."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from django_sequence import InvalidMomentError, Period, define_sequence, last_value, next_sequence, next_value
from django_sequence.models import SequenceCounter

pytestmark = pytest.mark.django_db

UTC = datetime.timezone.utc


def at(year, month=1, day=1, hour=12):
    return datetime.datetime(year, month, day, hour, tzinfo=UTC)


def test_year_template_restarts_at_one_each_year():
    define_sequence(scope="invoice", prefix="INV", template="{prefix}-{year}-{value:04d}")
    taken = [next_sequence("invoice", at=at(2025, 12, 31)) for _ in range(2)]
    taken += [next_sequence("invoice", at=at(2026, 1, 1)) for _ in range(2)]
    assert taken == ["INV-2025-0001", "INV-2025-0002", "INV-2026-0001", "INV-2026-0002"]


def test_earlier_year_continues_its_own_counter():
    define_sequence(scope="invoice", template="{year}/{value}")
    next_value("invoice", at=at(2025))
    next_value("invoice", at=at(2026))
    assert next_sequence("invoice", at=at(2025, 6)) == "2025/2"


def test_month_template_keys_counters_by_year_and_month():
    define_sequence(scope="invoice", template="{year}{month:02d}-{value}")
    assert next_sequence("invoice", at=at(2026, 11, 30)) == "202611-1"
    assert next_sequence("invoice", at=at(2026, 12, 1)) == "202612-1"
    assert sorted(SequenceCounter.objects.values_list("period_key", flat=True)) == ["2026-11", "2026-12"]


def test_day_template_keys_counters_by_date():
    define_sequence(scope="ticket", template="{year}{month:02d}{day:02d}-{value:03d}")
    next_sequence("ticket", at=at(2026, 11, 25))
    assert next_sequence("ticket", at=at(2026, 11, 25, hour=18)) == "20261125-002"
    assert SequenceCounter.objects.get().period_key == "2026-11-25"


def test_period_none_with_year_in_template_never_restarts():
    define_sequence(scope="invoice", template="{year}-{value}", period=Period.NONE)
    next_value("invoice", at=at(2025))
    assert next_sequence("invoice", at=at(2026)) == "2026-2"
    assert SequenceCounter.objects.get().period_key == ""


def test_explicit_year_period_with_month_in_template_restarts_yearly_only():
    define_sequence(scope="invoice", template="{year}-{month}-{value}", period=Period.YEAR)
    next_value("invoice", at=at(2026, 1))
    assert next_sequence("invoice", at=at(2026, 2)) == "2026-2-2"


def test_period_follows_the_current_time_zone():
    define_sequence(scope="invoice", template="{year}-{value}")
    new_year_in_paris = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    with timezone.override(zoneinfo.ZoneInfo("Europe/Paris")):
        assert next_sequence("invoice", at=new_year_in_paris) == "2026-1"
    assert next_sequence("invoice", at=new_year_in_paris) == "2025-1"


def test_without_at_the_period_is_the_current_one():
    define_sequence(scope="invoice", template="{year}-{month:02d}-{value}")
    now = timezone.localtime()
    assert next_sequence("invoice") == f"{now.year}-{now.month:02d}-1"


def test_date_is_accepted_as_at():
    define_sequence(scope="invoice", template="{year}-{value}")
    assert next_sequence("invoice", at=datetime.date(2024, 2, 29)) == "2024-1"


def test_naive_datetime_is_refused_when_use_tz_is_on():
    with pytest.raises(InvalidMomentError, match="naive"):
        next_value("invoice", at=datetime.datetime(2026, 1, 1))


def test_naive_datetime_is_used_as_is_when_use_tz_is_off(settings):
    settings.USE_TZ = False
    define_sequence(scope="invoice", template="{year}-{value}")
    assert next_sequence("invoice", at=datetime.datetime(2026, 1, 1)) == "2026-1"


def test_without_at_and_use_tz_off_the_period_is_the_naive_local_one(settings):
    settings.USE_TZ = False
    define_sequence(scope="invoice", template="{year}-{value}")
    assert next_sequence("invoice") == f"{datetime.datetime.now().year}-1"


def test_at_that_is_not_a_date_is_refused():
    with pytest.raises(InvalidMomentError, match="datetime or a date"):
        next_value("invoice", at="2026-01-01")


def test_last_value_without_at_reads_the_current_period():
    define_sequence(scope="invoice", template="{year}-{value}")
    next_value("invoice")
    next_value("invoice", at=at(2000))
    assert last_value("invoice") == 1


def test_last_value_reads_the_period_of_at():
    define_sequence(scope="invoice", template="{year}-{value}")
    next_value("invoice", at=at(2025))
    next_value("invoice", at=at(2025))
    assert (last_value("invoice", at=at(2025)), last_value("invoice", at=at(2026))) == (2, None)
