"""One running session per user under real concurrency: threads with their own connections to PostgreSQL or
MariaDB (InnoDB row locks).

Threads use the real clock: assertions are about order and consistency, never about how long
anything took. Waiting loops are bounded (``django_basemodels.testing.PATIENCE``) only to keep a
broken run from hanging.
"""

import datetime as dt
import itertools

import pytest

from django_basemodels.testing import (
    hold_in_transaction,
    join_threads,
    run_concurrently,
    start_concurrently,
    wait_for_lock_waiters,
)
from django_decisioning.models import IdempotencyKey
from django_worklog import NoActiveSessionError
from django_worklog.models import WorkSession, whole_seconds
from django_worklog.services import start_session, stop_session
from tests.testapp.models import Task

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

WORKERS = 8


def assert_one_consistent_timeline(user) -> list[WorkSession]:
    """At most one running session, durations consistent, and sessions that follow each other without overlap."""
    far_future = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    sessions = sorted(
        WorkSession.objects.filter(user=user),
        key=lambda session: (session.started_at, session.stopped_at or far_future),
    )
    assert sum(session.is_running for session in sessions) <= 1
    for session in sessions:
        if not session.is_running:
            assert session.stopped_at >= session.started_at
            assert session.duration_seconds == whole_seconds(session.stopped_at - session.started_at)
    for earlier, later in itertools.pairwise(sessions):
        assert earlier.stopped_at is not None and earlier.stopped_at <= later.started_at, (earlier, later)
    return sessions


@pytest.fixture
def tasks(db) -> list[Task]:
    return [Task.objects.create(title=f"task {index}") for index in range(WORKERS + 1)]


def test_eight_concurrent_starts_end_with_exactly_one_running_session(user, tasks):
    outcomes = run_concurrently([lambda task=task: start_session(user=user, context=task) for task in tasks[:WORKERS]])

    assert all(isinstance(outcome, WorkSession) for outcome in outcomes), outcomes
    assert len({outcome.pk for outcome in outcomes}) == WORKERS
    sessions = assert_one_consistent_timeline(user)
    assert len(sessions) == WORKERS
    assert WorkSession.objects.running().count() == 1


def test_starts_waiting_on_a_running_switch_each_switch_in_turn(user, tasks):
    held, release, holder = hold_in_transaction(lambda: start_session(user=user, context=tasks[-1]))
    outcomes, threads = start_concurrently(
        [lambda task=task: start_session(user=user, context=task) for task in tasks[:WORKERS]]
    )
    waiting = wait_for_lock_waiters(WORKERS)
    release.set()
    join_threads([holder, *threads])

    assert waiting >= WORKERS, f"only {waiting} starts were blocked behind the first one"
    assert all(isinstance(outcome, WorkSession) for outcome in outcomes), outcomes
    sessions = assert_one_consistent_timeline(user)
    assert len(sessions) == WORKERS + 1
    assert sessions[0] == held[0]
    for earlier, later in itertools.pairwise(sessions):
        assert earlier.stopped_at == later.started_at  # each start stopped the previous one, at its own start
    assert WorkSession.objects.running().get() == sessions[-1]


def test_concurrent_starts_on_one_context_make_one_session_returned_to_all(user, tasks):
    outcomes = run_concurrently(lambda: start_session(user=user, context=tasks[0]), workers=WORKERS)

    session = WorkSession.objects.get()
    assert outcomes == [session] * WORKERS
    assert session.is_running


def test_concurrent_stops_stop_once_and_the_others_find_no_active_session(user, tasks):
    start_session(user=user, context=tasks[0])

    outcomes = run_concurrently(lambda: stop_session(user), workers=WORKERS)

    stopped = [outcome for outcome in outcomes if isinstance(outcome, WorkSession)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, NoActiveSessionError)]
    assert len(stopped) == 1
    assert len(refused) == WORKERS - 1
    assert stopped[0].duration_seconds == WorkSession.objects.get().duration_seconds
    assert_one_consistent_timeline(user)


def test_concurrent_starts_and_stops_keep_one_consistent_timeline(user, tasks):
    half = WORKERS // 2
    starts = [lambda task=task: start_session(user=user, context=task) for task in tasks[:half]]
    stops = [lambda: stop_session(user)] * half

    outcomes = run_concurrently(starts + stops)

    assert all(isinstance(outcome, (WorkSession, NoActiveSessionError)) for outcome in outcomes), outcomes
    assert all(isinstance(outcome, WorkSession) for outcome in outcomes[:half])
    sessions = assert_one_consistent_timeline(user)
    assert len(sessions) == half


def test_start_switches_over_a_running_session_committed_by_a_writer_that_bypassed_the_lock(user, tasks):
    # A direct ORM insert takes no user lock. On PostgreSQL the start's own insert waits on the
    # unique index, fails once the other row commits, and the start retries and switches over that
    # row. On MariaDB the insert's foreign key check holds a shared lock on the user's row, so the
    # start already waits for its lock, then finds that row committed and switches over it.
    rogue, release, holder = hold_in_transaction(lambda: WorkSession.objects.create(user=user, context=tasks[0]))
    outcomes, threads = start_concurrently([lambda: start_session(user=user, context=tasks[1])])
    waiting = wait_for_lock_waiters(1)
    release.set()
    join_threads([holder, *threads])

    assert waiting >= 1, "the start was not blocked by the uncommitted running session"
    [started] = outcomes
    assert isinstance(started, WorkSession), started
    assert WorkSession.objects.running().get() == started
    assert not WorkSession.objects.get(pk=rogue[0].pk).is_running
    assert_one_consistent_timeline(user)


def test_eight_concurrent_starts_with_one_key_start_one_session_and_all_get_it(user, tasks):
    outcomes = run_concurrently(
        [lambda: start_session(user, tasks[0], idempotency_key="start-1") for _ in range(WORKERS)]
    )

    assert all(isinstance(outcome, WorkSession) for outcome in outcomes), outcomes
    assert len({outcome.pk for outcome in outcomes}) == 1
    assert WorkSession.objects.filter(user=user).count() == 1
    assert IdempotencyKey.objects.get().state == IdempotencyKey.State.SUCCEEDED


def test_eight_concurrent_stops_with_one_key_stop_once_and_all_get_that_session(user, tasks):
    running = start_session(user, tasks[0])

    outcomes = run_concurrently([lambda: stop_session(user, idempotency_key="stop-1") for _ in range(WORKERS)])

    assert all(isinstance(outcome, WorkSession) for outcome in outcomes), outcomes
    assert {outcome.pk for outcome in outcomes} == {running.pk}
    assert not WorkSession.objects.running().exists()
