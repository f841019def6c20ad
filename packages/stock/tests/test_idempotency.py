import pytest

from django_decisioning import IdempotencyConflictError
from django_decisioning.models import Decision
from django_decisioning.testing import assert_idempotent
from django_stock import InsufficientStockError
from django_stock.models import Lot, StockMovement
from django_stock.selectors import balance
from django_stock.services import (
    adjust,
    block_item,
    block_lot,
    issue,
    recall_lot,
    receive,
    return_stock,
    reverse_movement,
    transfer,
    unblock_item,
    unblock_lot,
)

pytestmark = pytest.mark.django_db


def movement_count():
    return StockMovement.objects.count()


def test_a_repeated_receive_writes_once_and_returns_the_same_movement(store, lot):
    results = assert_idempotent(
        lambda: receive(location=store, lot=lot, quantity=5, idempotency_key="delivery-1"), count=movement_count
    )
    assert results[0].idempotency_key == "delivery-1"
    assert balance(store, lot) == 5


def test_a_repeated_fefo_issue_returns_the_same_movements(store, make_lot, item):
    first, second = make_lot(expires_in=10), make_lot(expires_in=20)
    receive(location=store, lot=first, quantity=2)
    receive(location=store, lot=second, quantity=2)
    movements = issue(location=store, item=item, quantity=3, idempotency_key="sale-1")
    again = issue(location=store, item=item, quantity=3, idempotency_key="sale-1")
    assert again == movements and len(movements) == 2
    assert balance(store, item) == 1


def test_a_repeated_transfer_moves_stock_once(store, pharmacy, lot):
    receive(location=store, lot=lot, quantity=5)
    call = lambda: transfer(from_location=store, to_location=pharmacy, lot=lot, quantity=2, idempotency_key="t-1")  # noqa: E731
    assert call() == call()
    assert (balance(store, lot), balance(pharmacy, lot)) == (3, 2)


def test_the_same_request_by_instance_or_by_key_is_one_request(store, lot):
    first = receive(location=store, lot=lot, quantity=5, idempotency_key="k")
    assert receive(location=str(store.pk), lot=lot.pk, quantity=5, idempotency_key="k") == first
    assert movement_count() == 1


def test_a_key_reused_for_another_request_is_a_conflict(store, lot):
    receive(location=store, lot=lot, quantity=5, idempotency_key="k")
    with pytest.raises(IdempotencyConflictError):
        receive(location=store, lot=lot, quantity=6, idempotency_key="k")
    assert balance(store, lot) == 5


def test_keys_are_scoped_per_service(store, lot):
    receive(location=store, lot=lot, quantity=5, idempotency_key="k")
    issue(location=store, lot=lot, quantity=1, idempotency_key="k")
    assert balance(store, lot) == 4


def test_a_failed_attempt_may_run_again_with_the_same_key(store, lot):
    with pytest.raises(InsufficientStockError):
        issue(location=store, lot=lot, quantity=2, idempotency_key="sale-9")
    receive(location=store, lot=lot, quantity=5)
    [movement] = issue(location=store, lot=lot, quantity=2, idempotency_key="sale-9")
    assert movement.quantity == 2


def test_adjust_and_return_are_idempotent(store, lot):
    assert_idempotent(
        lambda: adjust(location=store, lot=lot, quantity=3, direction="in", reason="count", idempotency_key="a"),
        count=movement_count,
    )
    assert_idempotent(
        lambda: return_stock(location=store, lot=lot, quantity=1, idempotency_key="r"), count=movement_count
    )


def test_a_repeated_reversal_returns_the_first_reversal(store, lot, manager):
    received = receive(location=store, lot=lot, quantity=5)
    assert_idempotent(
        lambda: reverse_movement(movement=received, reason="dup", by=manager, idempotency_key="rev"),
        count=movement_count,
    )
    assert Decision.objects.count() == 1


def test_a_repeated_recall_and_status_change_decide_once(lot, store, manager):
    receive(location=store, lot=lot, quantity=5)
    call = lambda: recall_lot(lot=lot, reason="x", by=manager, remove=True, idempotency_key="recall")  # noqa: E731
    assert_idempotent(call, count=movement_count)
    assert Decision.objects.count() == 1

    other = Lot.objects.create(item=lot.item, lot_number="OTHER")
    assert_idempotent(
        lambda: block_lot(lot=other, reason="qc", by=manager, idempotency_key="b"), count=Decision.objects.count
    )
    assert_idempotent(
        lambda: unblock_lot(lot=other, reason="ok", by=manager, idempotency_key="u"), count=Decision.objects.count
    )
    assert_idempotent(
        lambda: block_item(item=lot.item, reason="withdrawn", by=manager, idempotency_key="bi"),
        count=Decision.objects.count,
    )
    assert_idempotent(
        lambda: unblock_item(item=lot.item, reason="reinstated", by=manager, idempotency_key="ui"),
        count=Decision.objects.count,
    )
