"""Every work session has effective_at (its start, backdatable) and recorded_at (the server's), and as_of reads them."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from django_basemodels.guarantees import guarantee_problems
from django_basemodels.testing import empty_guarded_tables
from django_decisioning import IdempotencyConflictError
from django_decisioning.testing import assert_backdate_coherent
from django_worklog import InvalidEffectiveAtError, start_session, stop_session
from django_worklog.models import STOPPED_MESSAGE, WorkSession

pytestmark = pytest.mark.django_db
TABLE = WorkSession._meta.db_table


def minutes(value: float) -> dt.timedelta:
    return dt.timedelta(minutes=value)


# --- the two times ----------------------------------------------------------------------------------


def test_a_session_started_now_is_effective_at_its_start_and_recorded_by_the_server(clock, user, task):
    session = start_session(user=user, context=task)

    session.refresh_from_db()
    assert session.effective_at == session.started_at == session.recorded_at == clock.now


def test_recorded_at_is_the_servers_time_whatever_the_caller_sets(clock, user, other_user, task):
    yesterday = clock.now - dt.timedelta(days=1)
    saved = WorkSession(user=user, context=task, recorded_at=yesterday)
    saved.save()
    [bulk] = WorkSession.objects.bulk_create([WorkSession(user=other_user, context=task, recorded_at=yesterday)])

    assert WorkSession.objects.get(pk=saved.pk).recorded_at == clock.now
    assert WorkSession.objects.get(pk=bulk.pk).recorded_at == clock.now


def test_a_session_created_without_effective_at_takes_its_start(clock, user, task, other_task, other_user):
    start = clock.now - minutes(5)
    saved = WorkSession(user=user, context=task, started_at=start)
    saved.save()
    [bulk] = WorkSession.objects.bulk_create([WorkSession(user=other_user, context=other_task, started_at=start)])

    assert WorkSession.objects.get(pk=saved.pk).effective_at == start
    assert WorkSession.objects.get(pk=bulk.pk).effective_at == start


def test_the_server_records_the_time_of_the_stop(clock, user, task):
    start_session(user, task)
    clock.advance(minutes=5)

    stopped = stop_session(user)

    assert WorkSession.objects.get().stop_recorded_at == stopped.stopped_at == clock.now


def test_a_stop_recorded_at_given_by_the_caller_is_replaced_by_the_servers(clock, user, task):
    session = start_session(user, task)
    clock.advance(minutes=5)
    session.stopped_at = clock.now
    session.stop_recorded_at = clock.now - dt.timedelta(days=1)

    session.save(update_fields=["stopped_at"])

    assert WorkSession.objects.get().stop_recorded_at == clock.now


@pytest.mark.parametrize("column", ["stop_recorded_at", "duration_seconds", "stopped_at"])
def test_a_session_is_created_without_any_column_of_its_stop(clock, user, task, column):
    from django_worklog import SessionImmutableError

    values = {"stop_recorded_at": clock.now, "duration_seconds": 0, "stopped_at": clock.now}
    with pytest.raises(SessionImmutableError, match="created running"):
        WorkSession(user=user, context=task, **{column: values[column]}).save()
    with pytest.raises(SessionImmutableError, match="created running"):
        WorkSession.objects.bulk_create([WorkSession(user=user, context=task, **{column: values[column]})])


def test_the_database_refuses_a_stop_without_its_recorded_time(clock, user, task):
    start_session(user, task)

    with (
        pytest.raises(IntegrityError, match="django_worklog_stop_recorded_when_stopped"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {TABLE} SET stopped_at = %s, duration_seconds = 0", [clock.now])


def test_an_effective_at_apart_from_the_start_is_refused_before_writing(clock, user, task):
    session = WorkSession(user=user, context=task, started_at=clock.now, effective_at=clock.now - minutes(5))

    with pytest.raises(InvalidEffectiveAtError, match=r"pass started_at=.* too, or leave effective_at out"):
        session.save()
    with pytest.raises(InvalidEffectiveAtError):
        WorkSession.objects.bulk_create([session])
    assert not WorkSession.objects.exists()


def test_the_database_refuses_an_effective_at_that_is_not_the_start(clock, user, task):
    session = start_session(user=user, context=task)
    columns = [field.column for field in WorkSession._meta.local_concrete_fields]
    row = WorkSession.objects.filter(pk=session.pk).values(*columns).get()
    row.update(id=WorkSession().pk, user_id=session.user_id, stopped_at=None, effective_at=clock.now - minutes(1))
    fields = WorkSession._meta.local_concrete_fields
    values = [field.get_db_prep_save(row[field.column], connection) for field in fields]
    stop_session(user)  # so the one running session per user does not refuse the row first

    with (
        pytest.raises(IntegrityError, match="django_worklog_effective_at_is_start"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"INSERT INTO {TABLE} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})", values
        )


# --- a backdated start ------------------------------------------------------------------------------


def test_a_backdated_start_is_effective_then_and_recorded_now(clock, user, task):
    began = clock.now - minutes(20)

    session = start_session(user, task, effective_at=began)

    session.refresh_from_db()
    assert (session.started_at, session.effective_at, session.recorded_at) == (began, began, clock.now)
    assert_backdate_coherent(session)
    clock.advance(minutes=10)
    assert stop_session(user).duration_seconds == 30 * 60  # counted from the backdated start


def test_a_backdated_switch_stops_the_running_session_at_the_backdated_start(clock, user, task, other_task):
    first = start_session(user, task)
    clock.advance(hours=1)

    second = start_session(user, other_task, effective_at=clock.now - minutes(20))

    first.refresh_from_db()
    assert first.stopped_at == second.started_at == second.effective_at == clock.now - minutes(20)
    assert first.duration_seconds == 40 * 60
    assert second.recorded_at == clock.now


def test_a_backdated_start_before_the_running_session_began_is_refused_and_writes_nothing(
    clock, user, task, other_task
):
    running = start_session(user, task)
    clock.advance(minutes=10)

    with pytest.raises(InvalidEffectiveAtError, match="pass effective_at at or after") as refused:
        start_session(user, other_task, effective_at=running.started_at - minutes(1))

    assert refused.value.earliest == running.started_at
    assert list(WorkSession.objects.values_list("pk", "stopped_at")) == [(running.pk, None)]


def test_a_backdated_start_that_overlaps_the_last_stopped_session_is_refused(clock, user, task, other_task):
    start_session(user, task)
    clock.advance(minutes=30)
    stopped = stop_session(user)
    clock.advance(minutes=30)

    with pytest.raises(InvalidEffectiveAtError, match="before the user's last session stopped") as refused:
        start_session(user, other_task, effective_at=stopped.stopped_at - dt.timedelta(microseconds=1))

    assert refused.value.earliest == stopped.stopped_at
    assert WorkSession.objects.count() == 1
    # Right at the end of the last session is no overlap.
    assert start_session(user, other_task, effective_at=stopped.stopped_at).started_at == stopped.stopped_at


def test_another_users_sessions_do_not_limit_a_backdated_start(clock, user, other_user, task):
    start_session(other_user, task)
    clock.advance(minutes=30)
    stop_session(other_user)

    assert start_session(user, task, effective_at=clock.now - minutes(45)).started_at == clock.now - minutes(45)


def test_a_backdated_start_on_the_running_context_returns_the_running_session_unchanged(clock, user, task):
    running = start_session(user, task)
    clock.advance(minutes=10)

    assert start_session(user, task, effective_at=clock.now - minutes(5)) == running
    assert WorkSession.objects.get().started_at == running.started_at


@pytest.mark.parametrize(
    ("effective_at", "message"),
    [
        (dt.datetime(2024, 5, 6, 8, 0), "must be a timezone-aware datetime"),
        ("2024-05-06T08:00:00Z", "must be a timezone-aware datetime"),
        (dt.datetime(2024, 5, 6, 10, 0, tzinfo=dt.timezone.utc), "cannot be in the future"),
    ],
)
def test_a_naive_or_future_effective_at_is_refused_and_says_what_to_pass(clock, user, task, effective_at, message):
    with pytest.raises(InvalidEffectiveAtError, match=message) as refused:
        start_session(user, task, effective_at=effective_at)

    assert "timezone.now() - timedelta(minutes=20)" in str(refused.value)
    assert "leave effective_at out to start now" in str(refused.value)
    assert refused.value.earliest is None
    assert isinstance(refused.value, ValueError)
    assert not WorkSession.objects.exists()


def test_the_idempotency_key_covers_the_backdated_start(clock, user, task):
    began = clock.now - minutes(20)
    first = start_session(user, task, effective_at=began, idempotency_key="k1")
    clock.advance(minutes=1)

    assert start_session(user, task, effective_at=began, idempotency_key="k1") == first
    with pytest.raises(IdempotencyConflictError):
        start_session(user, task, effective_at=began + minutes(1), idempotency_key="k1")
    with pytest.raises(IdempotencyConflictError):
        start_session(user, task, idempotency_key="k1")


# --- as of ------------------------------------------------------------------------------------------


def test_as_of_reads_the_business_start_and_known_at_the_record_time(clock, user, task, other_task):
    nine = clock.now
    first = start_session(user, task)
    clock.advance(hours=1)  # 10:00
    second = start_session(user, other_task, effective_at=nine + minutes(30))  # recorded at 10:00

    sessions = WorkSession.objects
    assert set(sessions.as_of(nine)) == {first}
    assert set(sessions.as_of(nine + minutes(30))) == {first, second}
    # What we believed at 9:45 about 9:45: the backdated session was recorded at 10:00 only.
    assert set(sessions.as_of(nine + minutes(45), known_at=nine + minutes(45))) == {first}
    assert set(sessions.known_at(nine + minutes(59))) == {first}


def test_running_at_names_what_the_user_was_working_on_at_a_moment(clock, user, task, other_task):
    nine = clock.now
    first = start_session(user, task)
    clock.advance(hours=1)
    second = start_session(user, other_task, effective_at=nine + minutes(30))

    assert list(WorkSession.objects.running_at(nine - minutes(1))) == []
    assert list(WorkSession.objects.running_at(nine + minutes(29))) == [first]
    assert list(WorkSession.objects.running_at(nine + minutes(30))) == [second]  # the stop instant is the next one's
    assert list(WorkSession.objects.running_at(clock.now)) == [second]
    assert list(WorkSession.objects.running_at(nine + minutes(45), known_at=nine + minutes(45))) == [first]
    with pytest.raises(ValueError, match="timezone-aware"):
        WorkSession.objects.running_at(dt.datetime(2024, 5, 6, 9, 0))


# --- existing rows ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_existing_sessions_get_both_times_from_their_start(user, task):
    before = [("django_worklog", "0002_guarantees")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        executor.loader.build_graph()
        OldSession = executor.loader.project_state(before).apps.get_model("django_worklog", "WorkSession")
        nine = dt.datetime(2024, 5, 6, 9, 0, tzinfo=dt.timezone.utc)
        context_type = ContentType.objects.get_for_model(task)
        common = {"user_id": user.pk, "context_type_id": context_type.pk, "context_id": task.pk.hex}
        stopped = OldSession.objects.create(
            started_at=nine, stopped_at=nine + minutes(30), duration_seconds=1800, **common
        )
        running = OldSession.objects.create(started_at=nine + minutes(30), **common)
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes("django_worklog"))

        times = dict(WorkSession.objects.values_list("pk", "effective_at"))
        recorded = dict(WorkSession.objects.values_list("pk", "recorded_at"))
        assert times == recorded == {stopped.pk: nine, running.pk: nine + minutes(30)}
        stops = dict(WorkSession.objects.values_list("pk", "stop_recorded_at"))
        assert stops == {stopped.pk: nine + minutes(30), running.pk: None}
        assert guarantee_problems() == []
        with pytest.raises(IntegrityError, match=STOPPED_MESSAGE), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET effective_at = started_at WHERE stopped_at IS NOT NULL")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes("django_worklog"))
        empty_guarded_tables(WorkSession)
