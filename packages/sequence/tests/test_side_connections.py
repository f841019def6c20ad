"""The allow_gaps side connection: opened on demand, recovered when broken, closed like Django's own."""

import pytest
from django.core.signals import request_finished
from django.db import DatabaseError, connection, transaction

from django_sequence import GapPolicy, close_connections, define_sequence, next_value
from django_sequence.connections import side_connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def take_in_transaction(scope):
    with transaction.atomic():
        return next_value(scope)


@pytest.fixture
def allow_gaps_scope():
    define_sequence(scope="order", gap_policy=GapPolicy.ALLOW_GAPS)
    return "order"


def test_side_connection_is_a_second_connection_of_this_thread(allow_gaps_scope):
    take_in_transaction(allow_gaps_scope)
    side = side_connection("default")
    assert side.connection is not None
    assert side.connection.info.backend_pid != connection.connection.info.backend_pid


def test_side_connection_is_reused_by_later_calls(allow_gaps_scope):
    take_in_transaction(allow_gaps_scope)
    pid = side_connection("default").connection.info.backend_pid
    take_in_transaction(allow_gaps_scope)
    assert side_connection("default").connection.info.backend_pid == pid


def test_dropped_side_connection_is_replaced_on_the_next_call(allow_gaps_scope):
    take_in_transaction(allow_gaps_scope)
    pid = side_connection("default").connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    with pytest.raises(DatabaseError):
        take_in_transaction(allow_gaps_scope)
    assert take_in_transaction(allow_gaps_scope) == 2


def test_side_connection_that_had_a_harmless_error_is_kept(allow_gaps_scope):
    take_in_transaction(allow_gaps_scope)
    side = side_connection("default")
    pid = side.connection.info.backend_pid
    side.errors_occurred = True
    assert take_in_transaction(allow_gaps_scope) == 2
    assert (side.connection.info.backend_pid, side.errors_occurred) == (pid, False)


def test_close_connections_closes_the_side_connection(allow_gaps_scope):
    take_in_transaction(allow_gaps_scope)
    side = side_connection("default")
    close_connections()
    assert side.connection is None
    assert take_in_transaction(allow_gaps_scope) == 2


def test_end_of_request_closes_an_obsolete_side_connection(allow_gaps_scope, settings):
    take_in_transaction(allow_gaps_scope)
    side = side_connection("default")
    side.close_at = 0  # as CONN_MAX_AGE = 0 makes every connection obsolete at the end of its request
    request_finished.send(sender=None)
    assert side.connection is None


def test_end_of_request_keeps_a_side_connection_within_its_max_age(allow_gaps_scope):
    take_in_transaction(allow_gaps_scope)
    side = side_connection("default")
    side.close_at = None  # CONN_MAX_AGE = None: persistent
    request_finished.send(sender=None)
    assert side.connection is not None
