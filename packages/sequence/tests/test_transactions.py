"""Gap policies and the caller's transaction, on both databases; the portable (UPDATE, then INSERT) path."""

import pytest
from django.db import DatabaseError, connection, transaction

from django_sequence import GapPolicy, define_sequence, last_value, next_value
from django_sequence import services as sequence_services
from django_sequence.services import upsert_returning_supported


class Rollback(Exception):
    pass


@pytest.fixture
def portable_path(monkeypatch):
    """Take numbers the way databases without INSERT ... ON CONFLICT ... RETURNING do."""
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
        pytest.skip("SQLite only: PostgreSQL takes allow_gaps numbers on a side connection")
    define_sequence(scope="order", gap_policy=GapPolicy.ALLOW_GAPS)
    with pytest.raises(Rollback), transaction.atomic():
        assert next_value("order") == 1
        raise Rollback
    assert next_value("order") == 1


@pytest.mark.django_db
def test_upsert_returning_is_used_on_this_database():
    assert upsert_returning_supported(connection)


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
