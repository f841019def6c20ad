"""The database guarantees declared on WorkSession: every raw write path, on SQLite, PostgreSQL and MariaDB."""

import datetime as dt
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction

from django_basemodels.guarantees import guarantee_problems, guarantees_of
from django_basemodels.testing import (
    assert_migration_replaces_former_triggers,
    assert_migration_reversal_drops_guarantees,
    assert_write_paths_refused,
)
from django_worklog.models import DELETE_MESSAGE, IDENTITY_MESSAGE, STOPPED_MESSAGE, WorkSession
from django_worklog.services import start_session, stop_session

TABLE = WorkSession._meta.db_table
COLUMNS = [field.column for field in WorkSession._meta.local_concrete_fields]
replace_vendors = pytest.mark.skipif("connection.vendor == 'postgresql'", reason="PostgreSQL has no REPLACE")


def key(value: uuid.UUID):
    """A UUID as the database stores it (SQLite, MariaDB: 32 hex digits)."""
    return value if connection.features.has_native_uuid_field else value.hex


def row_values(row: dict) -> list:
    """The values of a row for a raw insert, in ``COLUMNS`` order, as the database stores them."""
    return [field.get_db_prep_save(row[field.column], connection) for field in WorkSession._meta.local_concrete_fields]


def refusals(column: str, *messages: str) -> str:
    """The messages a write changing ``column`` may be refused with (``match=`` of ``assert_write_paths_refused``).

    PostgreSQL checks an ``INSERT ... ON CONFLICT DO UPDATE``'s proposed row against the CHECK constraints
    before it finds the conflict: a row whose start moves without its effective_at (or the reverse) is refused
    there by ``effective_at = started_at``, before the update triggers run.
    """
    if column in ("started_at", "effective_at"):
        messages = (*messages, "django_worklog_effective_at_is_start")
    return "|".join((*messages, DELETE_MESSAGE))


def raw(statement: str, params: list | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def running(clock, user, task) -> WorkSession:
    return start_session(user=user, context=task)


@pytest.fixture
def stopped(clock, user, task) -> WorkSession:
    start_session(user=user, context=task)
    clock.advance(minutes=5)
    return stop_session(user)


def stored(session: WorkSession) -> dict:
    return WorkSession.objects.filter(pk=session.pk).values(*COLUMNS).get()


# --- declared and installed -------------------------------------------------------------------------


def test_the_declared_guarantees():
    assert [g.name for g in guarantees_of(WorkSession)] == ["stopped_is_final", "identity_frozen", "undeletable"]


@pytest.mark.django_db
def test_every_declared_trigger_is_installed_by_the_migrations():
    assert guarantee_problems() == []


@pytest.mark.django_db(transaction=True)
def test_migrating_back_drops_the_triggers_and_forward_installs_them_again():
    assert_migration_reversal_drops_guarantees("django_worklog", before="0001", tables=[TABLE])


@pytest.mark.django_db(transaction=True)
def test_the_migration_drops_the_triggers_of_the_former_migration():
    assert_migration_replaces_former_triggers(
        "django_worklog",
        before="0001",
        table=TABLE,
        triggers=[
            "django_worklog_worksession_no_delete",
            "django_worklog_worksession_stopped_no_update",
            "django_worklog_worksession_identity_no_update",
            "django_worklog_worksession_guard",
        ],
        functions=["django_worklog_guard_work_session"],
    )


# --- every write path -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "column", ["user_id", "context_type_id", "context_id", "started_at", "effective_at", "recorded_at"]
)
def test_every_raw_write_path_that_changes_the_identity_of_a_running_session_is_refused(
    running, other_user, ticket, clock, column
):
    new_value = {
        "user_id": other_user.pk,
        "context_type_id": ContentType.objects.get_for_model(ticket).pk,
        "context_id": str(ticket.pk),
        "started_at": clock.now - dt.timedelta(hours=1),
        "effective_at": clock.now - dt.timedelta(hours=1),
        "recorded_at": clock.now + dt.timedelta(hours=1),
    }[column]

    assert_write_paths_refused(running, changes={column: new_value}, match=refusals(column, IDENTITY_MESSAGE))

    assert WorkSession.objects.get().is_running


@pytest.mark.django_db
def test_a_raw_update_of_the_id_of_a_running_session_is_refused(running):
    with pytest.raises(IntegrityError, match=IDENTITY_MESSAGE):
        raw(f"UPDATE {TABLE} SET id = %s", [key(uuid.uuid4())])

    assert WorkSession.objects.get().pk == running.pk


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["duration_seconds", "stopped_at", "started_at"])
def test_every_raw_write_path_to_a_stopped_session_is_refused(stopped, clock, column):
    new_value = {
        "duration_seconds": 1,
        "stopped_at": clock.now + dt.timedelta(hours=8),
        "started_at": clock.now - dt.timedelta(hours=8),
    }[column]
    before = stored(stopped)

    refused = assert_write_paths_refused(
        stopped, changes={column: new_value}, match=refusals(column, STOPPED_MESSAGE, IDENTITY_MESSAGE)
    )

    expected = {
        "sqlite": {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE", "INSERT OR REPLACE", "REPLACE"},
        "postgresql": {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE"},
        "mysql": {"UPDATE", "DELETE", "INSERT ... ON DUPLICATE KEY UPDATE", "REPLACE"},
    }[connection.vendor]
    assert {write.path for write in refused} == expected
    assert stored(stopped) == before


@pytest.mark.django_db
def test_an_update_of_a_stopped_session_says_it_is_stopped(stopped):
    with pytest.raises(IntegrityError, match=STOPPED_MESSAGE):
        raw(f"UPDATE {TABLE} SET duration_seconds = 1")


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["running", "stopped"])
def test_a_delete_says_sessions_are_never_deleted(state, request):
    request.getfixturevalue(state)

    with pytest.raises(IntegrityError, match=DELETE_MESSAGE):
        raw(f"DELETE FROM {TABLE}")

    assert WorkSession.objects.exists()


# --- what stays allowed -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_stopping_a_running_session_is_the_update_allowed(clock, user, running):
    clock.advance(seconds=42)

    stop_session(user)

    assert stored(running)["duration_seconds"] == 42


@pytest.mark.django_db
def test_a_new_running_session_after_a_stop_is_inserted(clock, user, task, stopped):
    session = start_session(user=user, context=task)

    assert session.is_running
    assert WorkSession.objects.count() == 2


# --- REPLACE through the one-running-session-per-user index (SQLite, MariaDB/MySQL) -------------------


@pytest.mark.django_db
@replace_vendors
@pytest.mark.parametrize("verb", ["REPLACE", "INSERT OR REPLACE"])
def test_a_replace_of_a_second_running_session_for_the_user_is_refused(running, clock, verb):
    # SQLite would delete the running session (a conflict on the unique index of running sessions)
    # without firing its DELETE trigger: its guard refuses the insert. MariaDB deletes it through its
    # DELETE trigger (InnoDB would rewrite the row in place, firing none, but for the table's
    # <table>_no_replace delete trigger), which refuses.
    if verb == "INSERT OR REPLACE" and connection.vendor != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's")
    before = stored(running)
    later = clock.now + dt.timedelta(minutes=1)
    row = {**before, "id": uuid.uuid4(), "started_at": later, "effective_at": later}  # a valid row but for the key

    with pytest.raises(IntegrityError, match="never replaced" if connection.vendor == "sqlite" else "never deleted"):
        raw(
            f"{verb} INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})",
            row_values(row),
        )

    assert list(WorkSession.objects.values(*COLUMNS)) == [before]


@pytest.mark.django_db
@replace_vendors
def test_a_replace_of_a_running_session_for_another_user_still_inserts(running, other_user, clock):
    row = {**stored(running), "id": uuid.uuid4(), "user_id": other_user.pk}

    raw(f"REPLACE INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})", row_values(row))

    assert WorkSession.objects.running().count() == 2
