"""The allow_gaps side connection: opened on demand, recovered when broken, closed like Django's own."""

import pytest
from django.core.signals import request_finished
from django.db import DatabaseError, connection, transaction

from django_sequence import GapPolicy, close_connections, define_sequence, next_value
from django_sequence.connections import side_connection
from tests.threads import backend_id, terminate

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


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
    assert backend_id(side) != backend_id(connection)


def test_side_connection_is_reused_by_later_calls(allow_gaps_scope):
    take_in_transaction(allow_gaps_scope)
    backend = backend_id(side_connection("default"))
    take_in_transaction(allow_gaps_scope)
    assert backend_id(side_connection("default")) == backend


def test_dropped_side_connection_is_replaced_on_the_next_call(allow_gaps_scope):
    take_in_transaction(allow_gaps_scope)
    terminate(backend_id(side_connection("default")))
    with pytest.raises(DatabaseError):
        take_in_transaction(allow_gaps_scope)
    assert take_in_transaction(allow_gaps_scope) == 2


def test_side_connection_that_had_a_harmless_error_is_kept(allow_gaps_scope):
    take_in_transaction(allow_gaps_scope)
    side = side_connection("default")
    backend = backend_id(side)
    side.errors_occurred = True
    assert take_in_transaction(allow_gaps_scope) == 2
    assert (backend_id(side), side.errors_occurred) == (backend, False)


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
