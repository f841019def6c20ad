import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from django_basemodels import canonical_object_id
from django_worklog.models import WorkSession
from django_worklog.selectors import ContextTotal, DailyTotal, daily_totals, total_time_by_context
from django_worklog.services import start_session, stop_session

pytestmark = pytest.mark.django_db

UTC = dt.timezone.utc
NEW_YORK = ZoneInfo("America/New_York")


def work(clock, user, context, *, at: dt.datetime, minutes: float) -> WorkSession:
    """A stopped session of ``minutes`` starting ``at``, timed through the services."""
    clock.now = at
    start_session(user=user, context=context)
    clock.advance(minutes=minutes)
    return stop_session(user)


def key(context) -> tuple[int, str]:
    return ContentType.objects.get_for_model(context).pk, canonical_object_id(context.pk)


# --- total time by context ---------------------------------------------------------------------


def test_total_by_context_sums_the_stopped_sessions_of_each_context(clock, user, other_user, task, ticket):
    work(clock, user, task, at=dt.datetime(2024, 5, 6, 9, tzinfo=UTC), minutes=30)
    work(clock, other_user, task, at=dt.datetime(2024, 5, 6, 10, tzinfo=UTC), minutes=15)
    work(clock, user, ticket, at=dt.datetime(2024, 5, 7, 9, tzinfo=UTC), minutes=20)

    assert total_time_by_context() == [
        ContextTotal(*key(task), total_seconds=45 * 60, sessions=2),
        ContextTotal(*key(ticket), total_seconds=20 * 60, sessions=1),
    ]


def test_total_by_context_is_one_query(clock, user, other_user, task, other_task, ticket, django_assert_num_queries):
    for index, context in enumerate([task, other_task, ticket, task]):
        work(clock, user, context, at=dt.datetime(2024, 5, 6, 9 + index, tzinfo=UTC), minutes=10)
        work(clock, other_user, context, at=dt.datetime(2024, 5, 7, 9 + index, tzinfo=UTC), minutes=5)

    with django_assert_num_queries(1):
        totals = total_time_by_context()

    assert len(totals) == 3


def test_total_by_context_leaves_running_sessions_out(clock, user, task, other_task):
    work(clock, user, task, at=dt.datetime(2024, 5, 6, 9, tzinfo=UTC), minutes=10)
    start_session(user=user, context=other_task)
    clock.advance(hours=3)

    assert total_time_by_context() == [ContextTotal(*key(task), total_seconds=600, sessions=1)]


def test_total_by_context_for_one_user(clock, user, other_user, task, ticket):
    work(clock, user, task, at=dt.datetime(2024, 5, 6, 9, tzinfo=UTC), minutes=10)
    work(clock, other_user, ticket, at=dt.datetime(2024, 5, 6, 9, tzinfo=UTC), minutes=10)

    assert total_time_by_context(user=other_user) == [ContextTotal(*key(ticket), total_seconds=600, sessions=1)]


def test_total_by_context_puts_the_largest_total_first(clock, user, task, other_task, ticket):
    work(clock, user, task, at=dt.datetime(2024, 5, 6, 9, tzinfo=UTC), minutes=5)
    work(clock, user, ticket, at=dt.datetime(2024, 5, 6, 10, tzinfo=UTC), minutes=50)
    work(clock, user, other_task, at=dt.datetime(2024, 5, 6, 11, tzinfo=UTC), minutes=20)

    assert [total.total_seconds for total in total_time_by_context()] == [3000, 1200, 300]


def test_total_by_context_counts_sessions_that_started_in_the_half_open_range(clock, user, task, ticket):
    work(clock, user, task, at=dt.datetime(2024, 5, 6, 8, 59, tzinfo=UTC), minutes=10)  # before
    work(clock, user, task, at=dt.datetime(2024, 5, 6, 9, tzinfo=UTC), minutes=90)  # runs past end: counted whole
    work(clock, user, ticket, at=dt.datetime(2024, 5, 6, 10, tzinfo=UTC), minutes=10)  # at end: excluded

    totals = total_time_by_context(
        start=dt.datetime(2024, 5, 6, 9, tzinfo=UTC), end=dt.datetime(2024, 5, 6, 10, tzinfo=UTC)
    )

    assert totals == [ContextTotal(*key(task), total_seconds=90 * 60, sessions=1)]


def test_date_bounds_are_midnights_of_the_current_time_zone(clock, user, task):
    # 03:00 UTC on 7 May is 23:00 on 6 May in New York.
    work(clock, user, task, at=dt.datetime(2024, 5, 7, 3, tzinfo=UTC), minutes=10)

    with timezone.override(NEW_YORK):
        on_the_6th = total_time_by_context(start=dt.date(2024, 5, 6), end=dt.date(2024, 5, 7))
        on_the_7th = total_time_by_context(start=dt.date(2024, 5, 7), end=dt.date(2024, 5, 8))

    assert [total.sessions for total in on_the_6th] == [1]
    assert on_the_7th == []


def test_report_refuses_a_naive_bound():
    with pytest.raises(ValueError, match="timezone-aware"):
        total_time_by_context(start=dt.datetime(2024, 5, 6, 9))


def test_report_refuses_a_bound_that_is_not_a_date():
    with pytest.raises(TypeError, match="date or an aware datetime"):
        daily_totals(end="2024-05-06")


def test_totals_are_empty_without_stopped_sessions(clock, user, task):
    start_session(user=user, context=task)

    assert total_time_by_context() == []
    assert daily_totals() == []


# --- daily totals ------------------------------------------------------------------------------


def test_daily_totals_sum_per_user_and_day(clock, user, other_user, task, ticket):
    work(clock, user, task, at=dt.datetime(2024, 5, 6, 9, tzinfo=UTC), minutes=30)
    work(clock, user, ticket, at=dt.datetime(2024, 5, 6, 14, tzinfo=UTC), minutes=15)
    work(clock, other_user, task, at=dt.datetime(2024, 5, 6, 9, tzinfo=UTC), minutes=5)
    work(clock, user, task, at=dt.datetime(2024, 5, 7, 9, tzinfo=UTC), minutes=60)

    assert sorted(daily_totals(), key=lambda row: (row.day, row.user_id)) == [
        DailyTotal(user_id=user.pk, day=dt.date(2024, 5, 6), total_seconds=45 * 60, sessions=2),
        DailyTotal(user_id=other_user.pk, day=dt.date(2024, 5, 6), total_seconds=5 * 60, sessions=1),
        DailyTotal(user_id=user.pk, day=dt.date(2024, 5, 7), total_seconds=60 * 60, sessions=1),
    ]


def test_daily_totals_come_by_day_then_user(clock, user, other_user, task):
    work(clock, other_user, task, at=dt.datetime(2024, 5, 7, 9, tzinfo=UTC), minutes=1)
    work(clock, user, task, at=dt.datetime(2024, 5, 7, 10, tzinfo=UTC), minutes=1)
    work(clock, other_user, task, at=dt.datetime(2024, 5, 6, 9, tzinfo=UTC), minutes=1)

    rows = [(row.day, row.user_id) for row in daily_totals()]

    assert rows == sorted(rows)


def test_daily_totals_is_one_query(clock, user, other_user, task, ticket, django_assert_num_queries):
    for day in range(1, 6):
        work(clock, user, task, at=dt.datetime(2024, 5, day, 9, tzinfo=UTC), minutes=10)
        work(clock, other_user, ticket, at=dt.datetime(2024, 5, day, 9, tzinfo=UTC), minutes=10)

    with django_assert_num_queries(1):
        totals = daily_totals()

    assert len(totals) == 10


def test_daily_totals_for_one_user_in_a_date_range(clock, user, other_user, task):
    for day in (5, 6, 7, 8):
        work(clock, user, task, at=dt.datetime(2024, 5, day, 9, tzinfo=UTC), minutes=day)
        work(clock, other_user, task, at=dt.datetime(2024, 5, day, 9, tzinfo=UTC), minutes=1)

    totals = daily_totals(user=user, start=dt.date(2024, 5, 6), end=dt.date(2024, 5, 8))

    assert [(row.day, row.total_seconds) for row in totals] == [(dt.date(2024, 5, 6), 360), (dt.date(2024, 5, 7), 420)]


def test_daily_totals_group_by_the_day_in_the_current_time_zone(clock, user, task):
    # 03:00 UTC on 7 May is 23:00 on 6 May in New York.
    work(clock, user, task, at=dt.datetime(2024, 5, 7, 3, tzinfo=UTC), minutes=10)

    with timezone.override(NEW_YORK):
        in_new_york = daily_totals()
    in_utc = daily_totals()

    assert [row.day for row in in_new_york] == [dt.date(2024, 5, 6)]
    assert [row.day for row in in_utc] == [dt.date(2024, 5, 7)]


def test_session_running_past_midnight_counts_whole_on_the_day_it_started(clock, user, task):
    work(clock, user, task, at=dt.datetime(2024, 5, 6, 23, 30, tzinfo=UTC), minutes=90)

    assert daily_totals() == [DailyTotal(user_id=user.pk, day=dt.date(2024, 5, 6), total_seconds=5400, sessions=1)]


def test_daily_totals_leave_running_sessions_out(clock, user, task, other_task):
    work(clock, user, task, at=dt.datetime(2024, 5, 6, 9, tzinfo=UTC), minutes=10)
    start_session(user=user, context=other_task)

    assert [row.total_seconds for row in daily_totals()] == [600]


def test_report_totals_equal_the_sum_of_the_recorded_durations(clock, user, task, ticket):
    for index, seconds in enumerate([0.4, 59.9, 61.2, 3600.99]):
        work(
            clock,
            user,
            task if index % 2 else ticket,
            at=dt.datetime(2024, 5, 6, 9 + index, tzinfo=UTC),
            minutes=seconds / 60,
        )
    durations = sum(WorkSession.objects.values_list("duration_seconds", flat=True))

    assert durations == 0 + 59 + 61 + 3600
    assert sum(row.total_seconds for row in total_time_by_context()) == durations
    assert sum(row.total_seconds for row in daily_totals()) == durations


# --- the building blocks -------------------------------------------------------------------------


def test_queryset_aggregations_compose_with_other_filters(clock, user, task, ticket):
    work(clock, user, task, at=dt.datetime(2024, 5, 6, 9, tzinfo=UTC), minutes=10)
    work(clock, user, ticket, at=dt.datetime(2024, 5, 6, 10, tzinfo=UTC), minutes=20)
    tickets_only = WorkSession.objects.filter(context_type=ContentType.objects.get_for_model(ticket))

    assert [row["total_seconds"] for row in tickets_only.totals_by_context()] == [1200]
    assert [row["total_seconds"] for row in tickets_only.daily_totals()] == [1200]


def test_elapsed_seconds_of_a_running_session_runs_with_the_clock(clock, user, task):
    session = start_session(user=user, context=task)
    clock.advance(seconds=75.5)

    assert session.elapsed_seconds() == 75


def test_elapsed_seconds_of_a_stopped_session_is_its_duration(clock, user, task):
    session = work(clock, user, task, at=dt.datetime(2024, 5, 6, 9, tzinfo=UTC), minutes=2)
    clock.advance(hours=5)

    assert session.elapsed_seconds() == 120


def test_str_says_whether_the_session_runs(clock, user, task):
    session = start_session(user=user, context=task)
    assert str(session).endswith("(running)")
    clock.advance(seconds=42)
    assert str(stop_session(user)).endswith("(42 s)")
