import pytest
from django.contrib.auth.models import AnonymousUser

from django_worklog import NoActiveSessionError
from django_worklog.models import WorkSession
from django_worklog.services import start_session, stop_session

pytestmark = pytest.mark.django_db


def test_stop_sets_stopped_at_to_server_time_and_the_duration_in_seconds(clock, user, task):
    start_session(user=user, context=task)
    clock.advance(hours=1, minutes=2, seconds=3)

    stopped = stop_session(user)

    stored = WorkSession.objects.get()
    assert stored == stopped
    assert stored.stopped_at == stopped.stopped_at == clock.now
    assert stored.duration_seconds == stopped.duration_seconds == 3723
    assert not stored.is_running


def test_duration_counts_completed_seconds_only(clock, user, task):
    start_session(user=user, context=task)
    clock.advance(seconds=59, microseconds=999_999)

    assert stop_session(user).duration_seconds == 59


def test_duration_of_a_session_stopped_in_its_first_second_is_zero(clock, user, task):
    start_session(user=user, context=task)
    clock.advance(microseconds=1)

    assert stop_session(user).duration_seconds == 0


def test_stop_without_a_running_session_raises_no_active_session(user):
    with pytest.raises(NoActiveSessionError) as raised:
        stop_session(user)

    assert raised.value.user == user


def test_stop_after_a_stop_raises_no_active_session_and_leaves_the_first_stop(clock, user, task):
    start_session(user=user, context=task)
    clock.advance(minutes=10)
    first = stop_session(user)
    clock.advance(minutes=10)

    for _ in range(2):
        with pytest.raises(NoActiveSessionError):
            stop_session(user)

    stored = WorkSession.objects.get()
    assert (stored.stopped_at, stored.duration_seconds) == (first.stopped_at, 600)


def test_stop_leaves_other_users_sessions_running(clock, user, other_user, task):
    theirs = start_session(user=other_user, context=task)
    start_session(user=user, context=task)

    stop_session(user)

    theirs.refresh_from_db()
    assert theirs.is_running


def test_stop_for_an_anonymous_user_raises_no_active_session():
    with pytest.raises(NoActiveSessionError):
        stop_session(AnonymousUser())


def test_stop_after_a_clock_step_back_stops_at_the_start_with_zero_duration(clock, user, task):
    session = start_session(user=user, context=task)
    clock.advance(seconds=-30)

    stopped = stop_session(user)

    assert stopped.stopped_at == session.started_at
    assert stopped.duration_seconds == 0


def test_start_after_stop_opens_a_new_session(clock, user, task):
    first = start_session(user=user, context=task)
    stop_session(user)
    clock.advance(minutes=1)

    second = start_session(user=user, context=task)

    assert second != first
    assert second.is_running
    assert WorkSession.objects.count() == 2
