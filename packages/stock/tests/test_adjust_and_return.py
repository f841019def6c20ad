import pytest

from django_stock import (
    InsufficientStockError,
    InvalidMovementError,
    LotExpiredError,
    LotRecalledError,
    ReturnExceedsIssuedError,
)
from django_stock.models import Lot, StockMovement
from django_stock.selectors import balance
from django_stock.services import adjust, issue, receive, return_stock, reverse_movement
from tests.testapp.models import DeliveryNote, Sale

pytestmark = pytest.mark.django_db


def test_adjust_in_and_out_change_the_balance_with_their_reason(store, lot, user):
    up = adjust(location=store, lot=lot, quantity=5, direction="in", reason="count found 5 more", by=user)
    down = adjust(location=store, lot=lot, quantity=2, direction="out", reason="broken vials")
    assert (up.movement_type, up.reason) == ("adjustment_in", "count found 5 more")
    assert down.movement_type == "adjustment_out"
    assert balance(store, lot) == 3


@pytest.mark.parametrize("reason", ["", "   "])
def test_adjust_requires_a_reason(store, lot, reason):
    with pytest.raises(InvalidMovementError):
        adjust(location=store, lot=lot, quantity=1, direction="in", reason=reason)
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize("direction", ["up", 1, None])
def test_adjust_direction_is_in_or_out(store, lot, direction):
    with pytest.raises(InvalidMovementError):
        adjust(location=store, lot=lot, quantity=1, direction=direction, reason="count")


def test_adjust_out_cannot_go_below_zero(store, lot):
    receive(location=store, lot=lot, quantity=2)
    with pytest.raises(InsufficientStockError) as raised:
        adjust(location=store, lot=lot, quantity=3, direction="out", reason="count")
    assert raised.value.available == 2
    assert balance(store, lot) == 2


@pytest.mark.parametrize("status", ["expired", "recalled", "blocked"])
def test_adjustments_write_off_stock_of_unusable_lots(store, lot, status):
    receive(location=store, lot=lot, quantity=4)
    Lot.objects.filter(pk=lot.pk).update(status=status)
    adjust(location=store, lot=lot, quantity=4, direction="out", reason="destroyed")
    assert balance(store, lot) == 0


def test_a_return_restores_stock(store, lot, user):
    sale = Sale.objects.create(number="S-1")
    receive(location=store, lot=lot, quantity=10)
    issue(location=store, lot=lot, quantity=4, reference=sale)
    movement = return_stock(location=store, lot=lot, quantity=3, reference=sale, by=user, reason="refund")
    assert (movement.movement_type, movement.direction) == ("return", 1)
    assert balance(store, lot) == 9


def test_returns_for_a_reference_cannot_exceed_what_was_issued_to_it(store, lot):
    sale = Sale.objects.create(number="S-1")
    receive(location=store, lot=lot, quantity=10)
    issue(location=store, lot=lot, quantity=4, reference=sale)
    return_stock(location=store, lot=lot, quantity=3, reference=sale)
    with pytest.raises(ReturnExceedsIssuedError) as raised:
        return_stock(location=store, lot=lot, quantity=2, reference=sale)
    assert (raised.value.requested, raised.value.returnable) == (2, 1)
    assert balance(store, lot) == 9
    return_stock(location=store, lot=lot, quantity=1, reference=sale)


def test_a_reversed_issue_cannot_be_returned_as_well(store, lot, manager):
    sale = Sale.objects.create(number="S-1")
    receive(location=store, lot=lot, quantity=10)
    [first] = issue(location=store, lot=lot, quantity=4, reference=sale)
    issue(location=store, lot=lot, quantity=1, reference=sale)
    reverse_movement(movement=first, reason="keyed twice", by=manager)
    with pytest.raises(ReturnExceedsIssuedError) as raised:
        return_stock(location=store, lot=lot, quantity=2, reference=sale)
    assert raised.value.returnable == 1


def test_a_return_for_a_reference_without_issues_is_not_capped(store, lot):
    slip = DeliveryNote.objects.create(number="RETURN-SLIP-1")
    return_stock(location=store, lot=lot, quantity=7, reference=slip)
    return_stock(location=store, lot=lot, quantity=7)
    assert balance(store, lot) == 14


@pytest.mark.parametrize(("status", "error"), [("recalled", LotRecalledError), ("expired", LotExpiredError)])
def test_returned_units_of_an_unusable_lot_are_not_put_back(store, lot, status, error):
    receive(location=store, lot=lot, quantity=2)
    issue(location=store, lot=lot, quantity=2)
    Lot.objects.filter(pk=lot.pk).update(status=status)
    with pytest.raises(error):
        return_stock(location=store, lot=lot, quantity=1)
    assert balance(store, lot) == 0
