"""Recorded time never changes: model guards (typed errors), then database triggers and constraints."""

import datetime as dt

import pytest
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import ProtectedError

from django_worklog import SessionImmutableError
from django_worklog.models import WorkSession
from django_worklog.services import start_session, stop_session
from tests.testapp.models import Ticket

TABLE = WorkSession._meta.db_table


@pytest.fixture
def running(clock, user, task) -> WorkSession:
    return start_session(user=user, context=task)


@pytest.fixture
def stopped(clock, user, task) -> WorkSession:
    start_session(user=user, context=task)
    clock.advance(minutes=5)
    return stop_session(user)


def raw_sql(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- the model ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_saving_a_stopped_session_raises_even_without_changes(stopped):
    with pytest.raises(SessionImmutableError, match="stopped"):
        stopped.save()


@pytest.mark.django_db
def test_stopped_session_keeps_its_times_when_an_edit_is_refused(stopped):
    stopped.duration_seconds = 1
    with pytest.raises(SessionImmutableError):
        stopped.save()

    stored = WorkSession.objects.get()
    assert stored.duration_seconds == 300


@pytest.mark.django_db
def test_saving_a_copy_loaded_while_running_after_the_stop_raises(clock, user, running):
    stale = WorkSession.objects.get(pk=running.pk)
    clock.advance(minutes=1)
    stop_session(user)

    stale.stopped_at = clock.now + dt.timedelta(hours=8)
    with pytest.raises(SessionImmutableError, match="stopped"):
        stale.save()

    assert WorkSession.objects.get().duration_seconds == 60


@pytest.mark.django_db
def test_changing_the_start_of_a_running_session_raises(running):
    running.started_at -= dt.timedelta(hours=1)

    with pytest.raises(SessionImmutableError, match="started_at"):
        running.save()


@pytest.mark.django_db
def test_changing_the_context_of_a_running_session_raises(running, ticket):
    running.context = ticket

    with pytest.raises(SessionImmutableError, match="context_type_id, context_id"):
        running.save()


@pytest.mark.django_db
def test_changing_the_user_of_a_running_session_raises(running, other_user):
    running.user = other_user

    with pytest.raises(SessionImmutableError, match="user_id"):
        running.save()


@pytest.mark.django_db
def test_saving_a_running_session_unchanged_is_allowed(running):
    running.save()

    assert WorkSession.objects.get().is_running


@pytest.mark.django_db
def test_model_save_computes_the_duration_and_ignores_a_given_one(clock, running):
    running.stopped_at = clock.now + dt.timedelta(seconds=90.5)
    running.duration_seconds = 99_999

    running.save(update_fields=["stopped_at"])

    assert WorkSession.objects.get().duration_seconds == 90


@pytest.mark.django_db
def test_creating_a_stopped_session_raises(clock, user, task):
    session = WorkSession(user=user, context=task, started_at=clock.now, stopped_at=clock.now)

    with pytest.raises(SessionImmutableError, match="created running"):
        session.save()

    assert not WorkSession.objects.exists()


@pytest.mark.django_db
def test_bulk_creating_a_stopped_session_raises_before_any_write(clock, user, other_user, task):
    sessions = [
        WorkSession(user=other_user, context=task),
        WorkSession(user=user, context=task, stopped_at=clock.now, duration_seconds=0),
    ]

    with pytest.raises(SessionImmutableError):
        WorkSession.objects.bulk_create(sessions)

    assert not WorkSession.objects.exists()


@pytest.mark.django_db
def test_bulk_creating_running_sessions_is_allowed(user, other_user, task):
    WorkSession.objects.bulk_create([WorkSession(user=user, context=task), WorkSession(user=other_user, context=task)])

    assert WorkSession.objects.running().count() == 2


@pytest.mark.django_db
def test_deleting_a_session_raises(stopped):
    with pytest.raises(SessionImmutableError):
        stopped.delete()

    assert WorkSession.objects.exists()


@pytest.mark.django_db
def test_deleting_sessions_in_bulk_raises(stopped):
    with pytest.raises(SessionImmutableError):
        WorkSession.objects.all().delete()

    assert WorkSession.objects.exists()


@pytest.mark.django_db
def test_updating_sessions_in_bulk_raises(clock, running):
    with pytest.raises(SessionImmutableError):
        WorkSession.objects.running().update(stopped_at=clock.now, duration_seconds=0)

    assert WorkSession.objects.get().is_running


@pytest.mark.django_db
def test_bulk_update_raises(clock, running):
    running.stopped_at = clock.now

    with pytest.raises(SessionImmutableError):
        WorkSession.objects.bulk_update([running], ["stopped_at"])


@pytest.mark.django_db
def test_deleting_a_user_with_sessions_is_refused(stopped, user):
    with pytest.raises(ProtectedError):
        user.delete()


@pytest.mark.django_db
def test_hard_deleting_a_context_whose_relation_would_cascade_to_sessions_is_refused(clock, user, ticket):
    start_session(user=user, context=ticket)
    stop_session(user)

    with pytest.raises(IntegrityError), transaction.atomic():
        ticket.delete()

    assert Ticket.objects.filter(pk=ticket.pk).exists()


@pytest.mark.django_db
def test_soft_deleting_a_context_keeps_its_sessions(stopped, task):
    task.delete()

    assert WorkSession.objects.get().context == task


# --- the database: guarantees (Meta.guarantees), in raw SQL ---------------------------------------------


@pytest.mark.django_db
def test_raw_update_of_a_stopped_session_is_refused(stopped):
    with pytest.raises(IntegrityError):
        raw_sql(f"UPDATE {TABLE} SET duration_seconds = %s", [1])

    assert WorkSession.objects.get().duration_seconds == 300


@pytest.mark.django_db
def test_raw_update_of_a_stopped_session_that_changes_nothing_is_refused(stopped):
    with pytest.raises(IntegrityError):
        raw_sql(f"UPDATE {TABLE} SET stopped_at = stopped_at", [])


@pytest.mark.django_db
def test_raw_update_of_the_start_of_a_running_session_is_refused(clock, running):
    with pytest.raises(IntegrityError):
        raw_sql(f"UPDATE {TABLE} SET started_at = %s", [clock.now - dt.timedelta(days=1)])

    assert WorkSession.objects.get().started_at == clock.now


@pytest.mark.django_db
def test_raw_update_of_the_context_of_a_running_session_is_refused(running):
    with pytest.raises(IntegrityError):
        raw_sql(f"UPDATE {TABLE} SET context_id = %s", ["42"])


@pytest.mark.django_db
def test_raw_update_of_the_user_of_a_running_session_is_refused(running, other_user):
    with pytest.raises(IntegrityError):
        raw_sql(f"UPDATE {TABLE} SET user_id = %s", [other_user.pk])


@pytest.mark.django_db
def test_raw_stop_of_a_running_session_is_the_one_update_allowed(clock, running):
    stop = clock.now + dt.timedelta(seconds=3)
    raw_sql(f"UPDATE {TABLE} SET stopped_at = %s, duration_seconds = %s, stop_recorded_at = %s", [stop, 3, stop])

    assert WorkSession.objects.get().duration_seconds == 3


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["running", "stopped"])
def test_raw_delete_is_refused(state, request):
    request.getfixturevalue(state)

    with pytest.raises(IntegrityError):
        raw_sql(f"DELETE FROM {TABLE}", [])

    assert WorkSession.objects.exists()


# --- the database: constraints ---------------------------------------------------------------


@pytest.mark.django_db
def test_database_refuses_a_second_running_session_for_a_user(running, user, other_task):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkSession.objects.create(user=user, context=other_task)


@pytest.mark.django_db
def test_database_accepts_many_stopped_sessions_per_user(clock, user, task, other_task):
    for context in (task, other_task, task):
        start_session(user=user, context=context)
        clock.advance(minutes=1)
    stop_session(user)

    assert WorkSession.objects.stopped().count() == 3


@pytest.mark.django_db
def test_database_refuses_a_stop_before_the_start(clock, running):
    with pytest.raises(IntegrityError):
        raw_sql(f"UPDATE {TABLE} SET stopped_at = %s, duration_seconds = 0", [clock.now - dt.timedelta(seconds=1)])


@pytest.mark.django_db
def test_database_refuses_a_stop_without_a_duration(clock, running):
    with pytest.raises(IntegrityError):
        raw_sql(f"UPDATE {TABLE} SET stopped_at = %s", [clock.now])


@pytest.mark.django_db
def test_database_refuses_a_duration_on_a_running_session(running):
    with pytest.raises(IntegrityError):
        raw_sql(f"UPDATE {TABLE} SET duration_seconds = 5", [])


@pytest.mark.django_db
def test_database_refuses_a_negative_duration(clock, running):
    # MariaDB/MySQL keep the column UNSIGNED: -1 is out of its range before any CHECK runs.
    refusal = DataError if connection.vendor == "mysql" else IntegrityError
    with pytest.raises(refusal):
        raw_sql(f"UPDATE {TABLE} SET stopped_at = %s, duration_seconds = -1", [clock.now])


@pytest.mark.django_db
def test_model_save_of_a_running_session_drops_a_given_duration(running):
    running.duration_seconds = 60

    running.save()

    assert WorkSession.objects.get().duration_seconds is None
