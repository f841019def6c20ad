import uuid

import pytest

from django_stock import (
    InsufficientStockError,
    InvalidMovementError,
    LotBlockedError,
    LotExpiredError,
    LotRecalledError,
    UnknownItemError,
)
from django_stock.models import Lot, StockBalance, StockItem, StockMovement
from django_stock.selectors import balance
from django_stock.services import issue, receive
from tests.testapp.models import Sale

pytestmark = pytest.mark.django_db


def set_status(lot, status):
    Lot.objects.filter(pk=lot.pk).update(status=status)


def movements_and_balances():
    return (
        sorted(StockMovement.objects.values_list("pk", flat=True)),
        sorted(StockBalance.objects.values_list("location_id", "lot_id", "quantity")),
    )


def test_issue_from_an_explicit_lot_lowers_its_balance(store, lot, user):
    receive(location=store, lot=lot, quantity=10)
    sale = Sale.objects.create(number="S-1")
    [movement] = issue(location=store, lot=lot, quantity=4, reference=sale, by=user)

    assert (movement.movement_type, movement.direction, movement.quantity) == ("issue", -1, 4)
    assert movement.reference == sale
    assert balance(store, lot) == 6


def test_issuing_the_whole_balance_leaves_zero(store, lot):
    receive(location=store, lot=lot, quantity=3)
    issue(location=store, lot=lot, quantity=3)
    assert balance(store, lot) == 0


def test_issuing_more_than_the_lot_holds_is_refused_with_what_is_available(store, lot):
    receive(location=store, lot=lot, quantity=3)
    before = movements_and_balances()
    with pytest.raises(InsufficientStockError) as raised:
        issue(location=store, lot=lot, quantity=4)
    assert (raised.value.requested, raised.value.available) == (4, 3)
    assert (raised.value.location, raised.value.lot) == (store, lot)
    assert movements_and_balances() == before


def test_issuing_a_lot_never_received_at_the_location_is_insufficient_stock(store, pharmacy, lot):
    receive(location=pharmacy, lot=lot, quantity=3)
    with pytest.raises(InsufficientStockError) as raised:
        issue(location=store, lot=lot, quantity=1)
    assert raised.value.available == 0


@pytest.mark.parametrize(
    ("status", "error"), [("blocked", LotBlockedError), ("recalled", LotRecalledError), ("expired", LotExpiredError)]
)
def test_an_explicit_lot_that_is_not_usable_cannot_be_issued(store, lot, status, error):
    receive(location=store, lot=lot, quantity=3)
    set_status(lot, status)
    before = movements_and_balances()
    with pytest.raises(error):
        issue(location=store, lot=lot, quantity=1)
    assert movements_and_balances() == before


def test_fefo_takes_the_earliest_expiry_first(store, make_lot, item):
    late, early = make_lot(expires_in=300), make_lot(expires_in=30)
    receive(location=store, lot=late, quantity=5)
    receive(location=store, lot=early, quantity=5)

    [movement] = issue(location=store, item=item, quantity=3)
    assert movement.lot == early
    assert (balance(store, early), balance(store, late)) == (2, 5)


def test_fefo_spans_several_lots_with_one_movement_per_lot_in_expiry_order(store, make_lot, item):
    lots = [make_lot(expires_in=days) for days in (90, 30, 60)]
    for each in lots:
        receive(location=store, lot=each, quantity=4)

    movements = issue(location=store, item=item, quantity=10)
    assert [(m.lot, m.quantity) for m in movements] == [(lots[1], 4), (lots[2], 4), (lots[0], 2)]
    assert len({m.operation_id for m in movements}) == 1
    assert balance(store, item) == 2


def test_fefo_skips_expired_blocked_and_recalled_lots(store, make_lot, item):
    usable = make_lot(expires_in=200)
    past_date = make_lot(expires_in=1)
    blocked, recalled, expired = make_lot(expires_in=10), make_lot(expires_in=11), make_lot(expires_in=12)
    for each in (usable, past_date, blocked, recalled, expired):
        receive(location=store, lot=each, quantity=5)
    Lot.objects.filter(pk=past_date.pk).update(expiry_date=past_date.expiry_date.replace(year=2020))
    set_status(blocked, "blocked")
    set_status(recalled, "recalled")
    set_status(expired, "expired")

    [movement] = issue(location=store, item=item, quantity=5)
    assert movement.lot == usable


def test_fefo_insufficient_stock_reports_only_the_usable_quantity(store, make_lot, item):
    usable, blocked = make_lot(expires_in=100), make_lot(expires_in=50)
    receive(location=store, lot=usable, quantity=2)
    receive(location=store, lot=blocked, quantity=9)
    set_status(blocked, "blocked")
    before = movements_and_balances()

    with pytest.raises(InsufficientStockError) as raised:
        issue(location=store, item=item, quantity=3)
    assert (raised.value.requested, raised.value.available, raised.value.item) == (3, 2, item.pk)
    assert movements_and_balances() == before


def test_fefo_puts_lots_without_expiry_last_and_breaks_ties_by_lot_number(store, make_lot, item):
    never = make_lot(expires_in=None, number="A-NEVER")
    second = make_lot(expires_in=40, number="B")
    first = make_lot(expires_in=40, number="A")
    for each in (never, second, first):
        receive(location=store, lot=each, quantity=1)
    movements = issue(location=store, item=item, quantity=3)
    assert [m.lot for m in movements] == [first, second, never]


def test_fefo_ignores_other_items_and_other_locations(store, pharmacy, make_lot, item):
    other_item = StockItem.objects.create(sku="PARA", name="Paracetamol")
    mine, theirs, elsewhere = make_lot(expires_in=90), make_lot(expires_in=5, of=other_item), make_lot(expires_in=6)
    receive(location=store, lot=mine, quantity=3)
    receive(location=store, lot=theirs, quantity=3)
    receive(location=pharmacy, lot=elsewhere, quantity=3)
    [movement] = issue(location=store, item=item, quantity=2)
    assert movement.lot == mine


def test_fefo_of_an_item_without_stock_is_insufficient_stock(store, item):
    with pytest.raises(InsufficientStockError) as raised:
        issue(location=store, item=item, quantity=1)
    assert raised.value.available == 0


def test_fefo_of_an_unknown_item_is_refused(store):
    with pytest.raises(UnknownItemError):
        issue(location=store, item=uuid.uuid4(), quantity=1)


@pytest.mark.parametrize("both", [True, False])
def test_issue_needs_exactly_one_of_lot_and_item(store, lot, item, both):
    with pytest.raises(InvalidMovementError):
        issue(location=store, quantity=1, **({"lot": lot, "item": item} if both else {}))
