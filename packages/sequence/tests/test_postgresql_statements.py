"""PostgreSQL (psycopg 3): the upsert prepared once per connection."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from django_sequence import last_value, next_value
from django_sequence.models import SequenceCounter

pytestmark = pytest.mark.django_db(transaction=True)


class Rollback(Exception):
    pass


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the other databases send the upsert itself")
    connection.close()  # a connection on which nothing is prepared yet
    yield
    connection.close()


def statements(call):
    """What ``call()`` returns, and the statements it sends besides reading the scope's definition."""
    with CaptureQueriesContext(connection) as queries:
        value = call()
    return value, [query["sql"] for query in queries if "sequencedefinition" not in query["sql"]]


def prepared_on_connection():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = 'django_sequence_next'")
        return cursor.fetchone()[0]


def test_the_first_call_on_a_connection_prepares_the_upsert_in_the_same_statement():
    value, [first] = statements(lambda: next_value("invoice"))
    assert value == 1
    assert first.startswith("PREPARE django_sequence_next AS INSERT INTO")
    assert first.endswith("; EXECUTE django_sequence_next('invoice', '', '', 1)")
    value, [second] = statements(lambda: next_value("invoice"))
    assert (value, second) == (2, "EXECUTE django_sequence_next('invoice', '', '', 1)")
    assert prepared_on_connection() == 1


def test_an_atomic_block_sends_the_prepared_statement_in_its_transaction():
    next_value("invoice")
    with transaction.atomic():
        value, [statement] = statements(lambda: next_value("invoice"))
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_xact_id_if_assigned() IS NOT NULL")
            assert cursor.fetchone()[0]  # the block's transaction wrote the counter
    assert (value, statement) == (2, "EXECUTE django_sequence_next('invoice', '', '', 1)")
    assert last_value("invoice") == 2


def test_a_rolled_back_atomic_block_gives_the_value_back():
    next_value("invoice")
    with pytest.raises(Rollback), transaction.atomic():
        assert next_value("invoice") == 2
        next_value("invoice", "acme")
        raise Rollback
    assert (last_value("invoice"), last_value("invoice", "acme")) == (1, None)
    assert next_value("invoice") == 2


def test_a_statement_deallocated_in_autocommit_is_prepared_again_at_once():
    next_value("invoice")
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    value, sent = statements(lambda: next_value("invoice"))
    assert value == 2
    assert sent[0] == "EXECUTE django_sequence_next('invoice', '', '', 1)"
    assert sent[1].startswith("PREPARE django_sequence_next AS ")
    assert prepared_on_connection() == 1


def test_a_statement_deallocated_inside_a_transaction_fails_that_call_only():
    next_value("invoice")
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    with pytest.raises(DatabaseError, match="django_sequence_next"), transaction.atomic():
        next_value("invoice")
    with transaction.atomic():
        _value, [statement] = statements(lambda: next_value("invoice"))
    assert statement.startswith("PREPARE django_sequence_next AS ")
    assert last_value("invoice") == 2


def test_a_first_call_that_failed_in_an_aborted_transaction_prepares_with_the_next_one():
    next_value("invoice")  # the scope's definition is cached: the calls below send nothing else
    connection.close()
    with pytest.raises(DatabaseError), transaction.atomic():
        with pytest.raises(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")
        next_value("invoice")  # the transaction is aborted: nothing ran, the PREPARE neither
    value, sent = statements(lambda: next_value("invoice"))
    assert value == 2
    assert sent[0].startswith("SELECT 1 FROM pg_prepared_statements")
    assert sent[1].startswith("PREPARE django_sequence_next AS ")
    assert statements(lambda: next_value("invoice"))[1] == ["EXECUTE django_sequence_next('invoice', '', '', 1)"]


def test_a_first_call_that_failed_after_its_prepare_uses_the_prepared_statement():
    SequenceCounter.objects.create(scope="full", last_value=2**63 - 1)
    with pytest.raises(DatabaseError, match="out of range"):
        next_value("full")  # the PREPARE ran, the EXECUTE overflowed
    value, sent = statements(lambda: next_value("invoice"))
    assert value == 1
    assert sent[0].startswith("SELECT 1 FROM pg_prepared_statements")
    assert sent[1] == "EXECUTE django_sequence_next('invoice', '', '', 1)"


def test_prepared_statements_can_be_switched_off(settings):
    settings.SEQUENCE_PREPARED_STATEMENTS = False
    next_value("invoice")
    with transaction.atomic():
        value, [statement] = statements(lambda: next_value("invoice"))
    assert value == 2
    assert statement.startswith("INSERT INTO")
    assert prepared_on_connection() == 0


def test_server_side_binding_sends_the_upsert_itself(settings):
    options = connection.settings_dict.setdefault("OPTIONS", {})
    options["server_side_binding"] = True
    try:
        _value, [statement] = statements(lambda: next_value("invoice"))
    finally:
        del options["server_side_binding"]
    assert statement.startswith("INSERT INTO")
