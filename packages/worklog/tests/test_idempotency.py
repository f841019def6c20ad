"""start_session and stop_session with an idempotency key: a retry returns the first session, switches nothing."""

import pytest

from django_decisioning import IdempotencyConflictError
from django_decisioning.models import IdempotencyKey
from django_worklog import InvalidIdempotencyKeyError, NoActiveSessionError
from django_worklog.models import WorkSession
from django_worklog.services import get_active_session, start_session, stop_session

pytestmark = pytest.mark.django_db


def test_a_retried_start_returns_the_same_session_and_starts_nothing(clock, user, task):
    first = start_session(user, task, idempotency_key="start-1")
    clock.advance(minutes=5)

    retry = start_session(user, task, idempotency_key="start-1")

    assert retry == first and retry.started_at == first.started_at
    assert WorkSession.objects.count() == 1
    assert IdempotencyKey.objects.get().scope == "django_worklog.start_session"


def test_a_retried_start_after_a_switch_does_not_switch_back(clock, user, task, other_task):
    first = start_session(user, task, idempotency_key="start-1")
    clock.advance(minutes=5)
    second = start_session(user, other_task)
    clock.advance(minutes=5)

    retry = start_session(user, task, idempotency_key="start-1")

    assert retry == first and retry.stopped_at == second.started_at
    assert get_active_session(user) == second
    assert WorkSession.objects.count() == 2


def test_the_same_start_key_for_another_context_conflicts(user, task, other_task):
    start_session(user, task, idempotency_key="start-1")

    with pytest.raises(IdempotencyConflictError):
        start_session(user, other_task, idempotency_key="start-1")

    assert get_active_session(user).context == task


def test_a_start_without_a_key_keeps_no_key(user, task):
    start_session(user, task)

    assert not IdempotencyKey.objects.exists()


def test_a_retried_stop_returns_the_stopped_session_instead_of_refusing(clock, user, task):
    start_session(user, task)
    clock.advance(minutes=30)
    first = stop_session(user, idempotency_key="stop-1")
    clock.advance(minutes=5)

    retry = stop_session(user, idempotency_key="stop-1")

    assert retry == first and retry.duration_seconds == 30 * 60
    assert IdempotencyKey.objects.get().scope == "django_worklog.stop_session"
    with pytest.raises(NoActiveSessionError):
        stop_session(user)


def test_a_retried_stop_leaves_a_session_started_since_running(clock, user, task, other_task):
    start_session(user, task)
    first = stop_session(user, idempotency_key="stop-1")
    later = start_session(user, other_task)

    assert stop_session(user, idempotency_key="stop-1") == first
    assert get_active_session(user) == later


def test_a_refused_stop_keeps_no_key_and_the_key_works_once_there_is_a_session(user, task):
    with pytest.raises(NoActiveSessionError):
        stop_session(user, idempotency_key="stop-1")
    assert not IdempotencyKey.objects.filter(state=IdempotencyKey.State.SUCCEEDED).exists()

    session = start_session(user, task)
    assert stop_session(user, idempotency_key="stop-1") == session


def test_the_same_stop_key_for_another_user_conflicts(user, other_user, task, other_task):
    start_session(user, task)
    start_session(other_user, other_task)
    stop_session(user, idempotency_key="stop-1")

    with pytest.raises(IdempotencyConflictError):
        stop_session(other_user, idempotency_key="stop-1")

    assert get_active_session(other_user).context == other_task


@pytest.mark.parametrize("key", ["", "k" * 256, 7])
def test_a_malformed_key_is_refused_before_anything_is_written(user, task, key):
    with pytest.raises(InvalidIdempotencyKeyError, match="idempotency_key must be None or a string of 1 to 255"):
        start_session(user, task, idempotency_key=key)
    start_session(user, task)
    with pytest.raises(InvalidIdempotencyKeyError):
        stop_session(user, idempotency_key=key)

    assert get_active_session(user) is not None
    assert not IdempotencyKey.objects.exists()
