"""The idempotency key is stored on the movements it wrote: a retry after the key row is purged replays them."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_decisioning.models import Decision, IdempotencyKey
from django_stock import adjust, issue, recall_lot, receive, return_stock, reverse_movement, transfer
from django_stock.models import StockMovement
from django_stock.selectors import balance

pytestmark = pytest.mark.django_db


def expire_and_purge_keys() -> None:
    assert IdempotencyKey.objects.exists()
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    call_command("purge_idempotency_keys", verbosity=0)
    assert not IdempotencyKey.objects.exists()


def stored_keys(movements) -> list[tuple[str, str, int]]:
    return [(m.idempotency_scope, m.idempotency_key, m.idempotency_line) for m in movements]


def test_a_fefo_issue_retried_after_its_key_expired_returns_the_original_movements(store, make_lot, item):
    first_lot, second_lot = make_lot(expires_in=10), make_lot(expires_in=20)
    receive(location=store, lot=first_lot, quantity=2)
    receive(location=store, lot=second_lot, quantity=5)

    def call():
        return issue(location=store, item=item, quantity=3, idempotency_key="sale-1")

    first = call()
    expire_and_purge_keys()
    second = call()
    assert second == first and len(first) == 2
    assert StockMovement.objects.filter(movement_type="issue").count() == 2
    assert balance(store, item) == 4
    assert stored_keys(first) == [("django_stock.issue", "sale-1", 0), ("django_stock.issue", "sale-1", 1)]
    assert isinstance(second, list)


def test_a_transfer_retried_after_its_key_expired_returns_both_legs(store, pharmacy, lot):
    receive(location=store, lot=lot, quantity=5)

    def call():
        return transfer(from_location=store, to_location=pharmacy, lot=lot, quantity=2, idempotency_key="t-1")

    first = call()
    expire_and_purge_keys()
    second = call()
    assert second == first
    assert [m.movement_type for m in second] == ["transfer_out", "transfer_in"]
    assert (balance(store, lot), balance(pharmacy, lot)) == (3, 2)
    assert StockMovement.objects.filter(idempotency_key="t-1").count() == 2


def test_a_return_retried_after_its_key_expired_returns_the_original_movement(store, lot):
    receive(location=store, lot=lot, quantity=5)

    def call():
        return return_stock(location=store, lot=lot, quantity=1, idempotency_key="refund-1")

    first = call()
    expire_and_purge_keys()
    second = call()
    assert isinstance(second, StockMovement) and second == first
    assert StockMovement.objects.filter(movement_type="return").count() == 1
    assert balance(store, lot) == 6


def test_receive_and_adjust_retried_after_their_keys_expired_write_once(store, lot):
    received = receive(location=store, lot=lot, quantity=5, idempotency_key="delivery-1")
    adjusted = adjust(location=store, lot=lot, quantity=2, direction="out", reason="count", idempotency_key="count-1")
    expire_and_purge_keys()
    assert receive(location=store, lot=lot, quantity=5, idempotency_key="delivery-1") == received
    again = adjust(location=store, lot=lot, quantity=2, direction="out", reason="count", idempotency_key="count-1")
    assert again == adjusted
    assert StockMovement.objects.count() == 2
    assert balance(store, lot) == 3


def test_a_reversal_retried_after_its_key_expired_returns_the_original_reversals(store, pharmacy, lot, manager):
    receive(location=store, lot=lot, quantity=5)
    [out, _] = transfer(from_location=store, to_location=pharmacy, lot=lot, quantity=2)

    def call():
        return reverse_movement(out, reason="wrong shelf", by=manager, idempotency_key="undo-1")

    first = call()
    expire_and_purge_keys()
    second = call()
    assert second == first and len(first) == 2 and first[0].reverses == out
    assert StockMovement.objects.filter(movement_type="reversal").count() == 2
    assert Decision.objects.filter(action="django_stock.reverse_movement").count() == 1
    assert (balance(store, lot), balance(pharmacy, lot)) == (5, 0)


def test_a_recall_with_removal_retried_after_its_key_expired_removes_once(store, pharmacy, lot, manager):
    receive(location=store, lot=lot, quantity=5)
    receive(location=pharmacy, lot=lot, quantity=2)

    def call():
        return recall_lot(lot=lot, reason="contamination", by=manager, remove=True, idempotency_key="recall-1")

    first = call()
    expire_and_purge_keys()
    second = call()
    assert second == first and len(first) == 2
    assert StockMovement.objects.filter(movement_type="recall_removal").count() == 2
    assert Decision.objects.filter(action="django_stock.recall_lot").count() == 1


def test_one_key_given_to_two_services_is_two_keys(store, lot):
    receive(location=store, lot=lot, quantity=5, idempotency_key="same")
    issue(location=store, lot=lot, quantity=1, idempotency_key="same")
    expire_and_purge_keys()
    receive(location=store, lot=lot, quantity=5, idempotency_key="same")
    issue(location=store, lot=lot, quantity=1, idempotency_key="same")
    assert sorted(StockMovement.objects.values_list("idempotency_scope", flat=True)) == [
        "django_stock.issue",
        "django_stock.receive",
    ]


def test_keys_differing_only_in_case_are_two_keys(store, lot):
    receive(location=store, lot=lot, quantity=1, idempotency_key="k")
    receive(location=store, lot=lot, quantity=1, idempotency_key="K")
    assert StockMovement.objects.count() == 2


def test_a_movement_without_a_key_stores_no_scope(store, lot):
    receive(location=store, lot=lot, quantity=1)
    receive(location=store, lot=lot, quantity=1)
    stored = StockMovement.objects.values_list("idempotency_scope", "idempotency_key", "idempotency_line")
    assert list(stored) == [(None, "", None), (None, "", None)]


def around_the_service(movement: StockMovement, **fields) -> StockMovement:
    """A second movement like ``movement``, written straight to the table, not by a service."""
    values = {
        "location_id": movement.location_id,
        "lot_id": movement.lot_id,
        "movement_type": "receive",
        "quantity": 1,
        "operation_id": uuid.uuid4(),
        "idempotency_key": movement.idempotency_key,
        "idempotency_scope": movement.idempotency_scope,
        "idempotency_line": movement.idempotency_line,
    }
    return StockMovement.objects.create(**(values | fields))


def test_the_database_refuses_a_second_movement_with_the_same_scope_key_and_line(store, lot):
    received = receive(location=store, lot=lot, quantity=5, idempotency_key="delivery-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        around_the_service(received)
    assert StockMovement.objects.count() == 1
    # Another line, another scope, or no scope at all is not a duplicate.
    around_the_service(received, idempotency_line=1)
    around_the_service(received, idempotency_scope="django_stock.return_stock")
    around_the_service(received, idempotency_scope=None, idempotency_line=None)
    around_the_service(received, idempotency_scope=None, idempotency_line=None)
    assert balance(store, lot) == 9


def test_the_key_is_written_by_the_insert_of_each_movement(store, pharmacy, lot):
    receive(location=store, lot=lot, quantity=5)
    table = StockMovement._meta.db_table
    with CaptureQueriesContext(connection) as captured:
        transfer(from_location=store, to_location=pharmacy, lot=lot, quantity=2, idempotency_key="t-1")
    inserts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("INSERT") and table in q["sql"]]
    assert len(inserts) == 2 and all("idempotency_scope" in sql for sql in inserts)
    assert not [q for q in captured.captured_queries if q["sql"].startswith("UPDATE") and table in q["sql"]]
