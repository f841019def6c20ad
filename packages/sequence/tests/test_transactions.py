"""Gap policies and the caller's transaction, on every database; the statements each database takes a
number with, and the paths of databases without an upsert that returns the value."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from django_sequence import GapPolicy, define_sequence, last_value, next_value
from django_sequence import services as sequence_services
from django_sequence.services import upsert_returning_supported


class Rollback(Exception):
    pass


@pytest.fixture
def portable_path(monkeypatch):
    """Take numbers the way databases without an upsert ... RETURNING do: an UPDATE, then an INSERT (SQLite
    before 3.35); on MariaDB/MySQL, MySQL's way: the upsert, then a SELECT."""
    monkeypatch.setattr(sequence_services, "upsert_returning_supported", lambda connection: False)


@pytest.mark.django_db
def test_gapless_number_of_a_rolled_back_transaction_is_given_back():
    next_value("invoice")
    with pytest.raises(Rollback), transaction.atomic():
        assert next_value("invoice") == 2
        raise Rollback
    assert next_value("invoice") == 2


@pytest.mark.django_db
def test_allow_gaps_in_the_test_case_transaction_rolls_back_with_it():
    # A test's own transaction is not the caller's: a savepoint rollback gives the number back.
    define_sequence(scope="order", gap_policy=GapPolicy.ALLOW_GAPS)
    savepoint = connection.savepoint()
    assert next_value("order") == 1
    connection.savepoint_rollback(savepoint)
    assert next_value("order") == 1


@pytest.mark.django_db
def test_allow_gaps_on_sqlite_takes_the_number_in_the_callers_transaction():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL and MariaDB take allow_gaps numbers on a side connection")
    define_sequence(scope="order", gap_policy=GapPolicy.ALLOW_GAPS)
    with pytest.raises(Rollback), transaction.atomic():
        assert next_value("order") == 1
        raise Rollback
    assert next_value("order") == 1


# What each database takes a number with: one upsert that returns the value.
UPSERT_RETURNING = {
    "sqlite": "ON CONFLICT",  # SQLite 3.35 or later
    "postgresql": "ON CONFLICT",
    "mysql": "ON DUPLICATE KEY UPDATE",  # MariaDB 10.5 or later
}


@pytest.mark.django_db
def test_a_number_is_one_upsert_returning_the_value_on_this_database():
    next_value("invoice")
    with CaptureQueriesContext(connection) as queries:
        assert next_value("invoice") == 2

    [statement] = [query["sql"] for query in queries]
    if connection.vendor == "postgresql":  # the same upsert, prepared on the connection by the first call
        assert statement == "EXECUTE django_sequence_next('invoice', '', '', 1)"
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = 'django_sequence_next'")
            statement = cursor.fetchone()[0].split(" AS ", 1)[1].split("; EXECUTE")[0]
    assert statement.startswith("INSERT INTO")
    assert UPSERT_RETURNING[connection.vendor] in statement
    assert statement.endswith("RETURNING `last_value`" if connection.vendor == "mysql" else 'RETURNING "last_value"')
    assert upsert_returning_supported(connection)


@pytest.mark.django_db
def test_mysql_takes_a_number_with_the_upsert_then_a_read_of_its_row(monkeypatch):
    if connection.vendor != "mysql":
        pytest.skip("MariaDB/MySQL only")
    # MySQL is MariaDB's SQL without RETURNING: run on MariaDB as MySQL.
    monkeypatch.setattr(connection, "mysql_is_mariadb", False)
    assert not upsert_returning_supported(connection)
    next_value("invoice")
    with CaptureQueriesContext(connection) as queries:
        assert next_value("invoice") == 2

    upsert, read = (query["sql"] for query in queries)
    assert "ON DUPLICATE KEY UPDATE" in upsert
    assert "RETURNING" not in upsert
    assert read.startswith("SELECT `last_value`")


@pytest.mark.django_db
def test_mariadb_before_10_5_takes_the_upsert_then_a_read(monkeypatch):
    if connection.vendor != "mysql":
        pytest.skip("MariaDB/MySQL only")
    monkeypatch.setattr(connection, "mysql_version", (10, 4, 30))
    assert not upsert_returning_supported(connection)


@pytest.mark.django_db
def test_sqlite_before_3_35_takes_the_portable_path(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    monkeypatch.setattr(connection.Database, "sqlite_version_info", (3, 34, 1))
    assert not upsert_returning_supported(connection)


@pytest.mark.django_db
def test_portable_path_counts_from_the_start_value(portable_path):
    define_sequence(scope="invoice", start_value=10)
    assert [next_value("invoice"), next_value("invoice"), next_value("invoice", "acme")] == [10, 11, 10]


@pytest.mark.django_db
def test_portable_path_gives_a_gapless_number_back_on_rollback(portable_path):
    next_value("invoice")
    with pytest.raises(Rollback), transaction.atomic():
        assert next_value("invoice") == 2
        raise Rollback
    assert next_value("invoice") == 2


@pytest.mark.django_db(transaction=True)
def test_portable_path_outside_a_transaction_commits_and_restores_autocommit(portable_path):
    assert [next_value("invoice"), next_value("invoice")] == [1, 2]
    assert connection.get_autocommit()
    assert last_value("invoice") == 2


@pytest.mark.django_db(transaction=True)
def test_portable_path_rolls_its_steps_back_when_one_fails(portable_path, monkeypatch):
    next_value("invoice")
    no_such_column = "SELECT no_such_column FROM django_sequence_sequencecounter"
    broken = dict(sequence_services._sql(connection), select=no_such_column)
    monkeypatch.setattr(sequence_services, "_sql", lambda connection: broken)
    with pytest.raises(DatabaseError):
        next_value("invoice")
    assert connection.get_autocommit()
    monkeypatch.undo()
    assert last_value("invoice") == 1
