import pytest

from django_stock import InsufficientStockError, InvalidMovementError, LotBlockedError, UnknownLocationError
from django_stock.models import Lot, StockBalance, StockMovement
from django_stock.selectors import balance
from django_stock.services import receive, transfer, writing

pytestmark = pytest.mark.django_db


def test_transfer_moves_stock_with_an_out_and_an_in_movement(store, pharmacy, lot, user):
    receive(location=store, lot=lot, quantity=10)
    out, into = transfer(from_location=store, to_location=pharmacy, lot=lot, quantity=4, by=user)

    assert (out.movement_type, out.location, out.direction) == ("transfer_out", store, -1)
    assert (into.movement_type, into.location, into.direction) == ("transfer_in", pharmacy, 1)
    assert out.operation_id == into.operation_id
    assert (balance(store, lot), balance(pharmacy, lot)) == (6, 4)


def test_transfer_by_item_allocates_fefo_and_pairs_each_lot(store, pharmacy, make_lot, item):
    late, early = make_lot(expires_in=200), make_lot(expires_in=20)
    receive(location=store, lot=late, quantity=5)
    receive(location=store, lot=early, quantity=2)
    movements = transfer(from_location=store, to_location=pharmacy, item=item, quantity=4)

    assert [(m.movement_type, m.lot, m.quantity) for m in movements] == [
        ("transfer_out", early, 2),
        ("transfer_in", early, 2),
        ("transfer_out", late, 2),
        ("transfer_in", late, 2),
    ]
    assert (balance(pharmacy, early), balance(pharmacy, late), balance(store, item)) == (2, 2, 3)


def test_transfer_of_more_than_available_writes_nothing(store, pharmacy, lot):
    receive(location=store, lot=lot, quantity=2)
    with pytest.raises(InsufficientStockError) as raised:
        transfer(from_location=store, to_location=pharmacy, lot=lot, quantity=3)
    assert raised.value.available == 2
    assert StockMovement.objects.count() == 1
    assert balance(pharmacy, lot) == 0


def test_transfer_to_the_same_location_is_refused(store, lot):
    with pytest.raises(InvalidMovementError):
        transfer(from_location=store, to_location=store.pk, lot=lot, quantity=1)


def test_transfer_to_an_unknown_location_writes_nothing(store, lot, make_location):
    receive(location=store, lot=lot, quantity=2)
    gone = make_location()
    gone_pk = gone.pk
    gone.delete()
    with pytest.raises(UnknownLocationError):
        transfer(from_location=store, to_location=gone_pk, lot=lot, quantity=1)
    assert StockMovement.objects.count() == 1


def test_transfer_of_a_blocked_lot_is_refused(store, pharmacy, lot):
    receive(location=store, lot=lot, quantity=2)
    Lot.objects.filter(pk=lot.pk).update(status="blocked")
    with pytest.raises(LotBlockedError):
        transfer(from_location=store, to_location=pharmacy, lot=lot, quantity=1)


def test_a_transfer_failing_after_its_out_movement_leaves_neither_movement(store, pharmacy, lot, monkeypatch):
    receive(location=store, lot=lot, quantity=5)
    original_insert = writing.insert_movement
    seen_inside = []

    def failing_insert(db, movement):
        if movement.movement_type == "transfer_in":
            seen_inside.append(StockMovement.objects.filter(movement_type="transfer_out").count())
            raise RuntimeError("forced failure after the out movement")
        return original_insert(db, movement)

    monkeypatch.setattr(writing, "insert_movement", failing_insert)
    with pytest.raises(RuntimeError):
        transfer(from_location=store, to_location=pharmacy, lot=lot, quantity=3)

    assert seen_inside == [1]  # the out movement had been written when the failure struck
    assert list(StockMovement.objects.values_list("movement_type", flat=True)) == ["receive"]
    assert list(StockBalance.objects.values_list("location__code", "quantity")) == [("STORE", 5)]
    assert (balance(store, lot), balance(pharmacy, lot)) == (5, 0)
