"""Blocking a whole item (a medicine withdrawn): no lot of it moves, beside each lot's own status."""

import uuid

import pytest
from django.db import IntegrityError, transaction

from django_decisioning.models import Decision
from django_stock import (
    InvalidMovementError,
    InvalidStatusChangeError,
    ItemBlockedError,
    LotBlockedError,
    LotRecalledError,
    LotUnavailableError,
    UnknownItemError,
)
from django_stock.models import Lot, StockBalance, StockItem, StockMovement
from django_stock.selectors import balance, stock_report
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
)

pytestmark = pytest.mark.django_db


def status_of(item):
    return StockItem.objects.get(pk=item.pk).status


def written():
    """Everything a movement service writes: the movements and the balance rows."""
    return (StockMovement.objects.count(), list(StockBalance.objects.order_by("pk").values_list("pk", "quantity")))


@pytest.fixture
def stocked(store, make_lot):
    """Two lots of the item in the store: 5 units of the early one (6 received, 1 sold), 5 of the late one."""
    early, late = make_lot(expires_in=30), make_lot(expires_in=300)
    receive(location=store, lot=early, quantity=6)
    sold = issue(location=store, lot=early, quantity=1)
    receive(location=store, lot=late, quantity=5)
    return {"early": early, "late": late, "sold": sold}


@pytest.fixture
def group(db):
    from django.contrib.auth.models import Group

    return Group.objects.create(name="Ministry of Health")


MOVES = {
    "receive": lambda s, store, pharmacy: receive(location=store, lot=s["late"], quantity=1),
    "issue one lot": lambda s, store, pharmacy: issue(location=store, lot=s["early"], quantity=1),
    "issue FEFO": lambda s, store, pharmacy: issue(location=store, item=s["early"].item, quantity=1),
    "transfer one lot": lambda s, store, pharmacy: transfer(
        from_location=store, to_location=pharmacy, lot=s["late"], quantity=1
    ),
    "transfer FEFO": lambda s, store, pharmacy: transfer(
        from_location=store, to_location=pharmacy, item=s["late"].item, quantity=1
    ),
    "return": lambda s, store, pharmacy: return_stock(location=store, lot=s["early"], quantity=1),
}


@pytest.mark.parametrize("move", MOVES)
def test_every_movement_of_a_blocked_items_lots_is_refused_before_writing(
    stocked, store, pharmacy, item, quality_officer, move
):
    block_item(item=item, reason="marketing authorization withdrawn", by=quality_officer)
    before = written()

    with pytest.raises(ItemBlockedError) as refused:
        MOVES[move](stocked, store, pharmacy)

    assert written() == before
    assert refused.value.item == item and isinstance(refused.value, LotUnavailableError)
    assert refused.value.lot in (None, stocked["early"], stocked["late"])


def test_a_fefo_issue_of_a_blocked_item_held_nowhere_says_blocked_not_short(store, item, quality_officer):
    block_item(item=item, reason="withdrawn", by=quality_officer)
    with pytest.raises(ItemBlockedError) as refused:
        issue(location=store, item=item, quantity=1)
    assert (refused.value.item, refused.value.lot) == (item, None)


def test_the_error_names_the_lot_asked_for_and_keeps_its_own_status(stocked, store, item, quality_officer):
    block_item(item=item, reason="withdrawn", by=quality_officer)
    with pytest.raises(ItemBlockedError) as refused:
        issue(location=store, lot=stocked["early"], quantity=1)
    assert (refused.value.lot, refused.value.status) == (stocked["early"], "active")
    assert "blocked" in str(refused.value) and item.sku in str(refused.value)


def test_a_recalled_lot_of_a_blocked_item_still_says_recalled(stocked, store, item, quality_officer, manager):
    recall_lot(lot=stocked["early"], reason="contamination", by=manager)
    block_item(item=item, reason="withdrawn", by=quality_officer)
    with pytest.raises(LotRecalledError):
        issue(location=store, lot=stocked["early"], quantity=1)


def test_unblocking_the_item_restores_each_lots_own_status(stocked, store, item, quality_officer):
    block_lot(lot=stocked["early"], reason="quarantine", by=quality_officer)
    block_item(item=item, reason="withdrawn", by=quality_officer)
    unblock_item(item=item, reason="authorization restored", by=quality_officer)

    assert status_of(item) == "active"
    assert Lot.objects.get(pk=stocked["early"].pk).status == "blocked"  # the lot's own block stays
    with pytest.raises(LotBlockedError):
        issue(location=store, lot=stocked["early"], quantity=1)
    [movement] = issue(location=store, item=item, quantity=1)  # FEFO skips the blocked lot
    assert movement.lot == stocked["late"]


def test_corrections_still_pass_for_a_blocked_item(stocked, store, item, quality_officer, manager):
    block_item(item=item, reason="withdrawn", by=quality_officer)
    write_off = adjust(location=store, lot=stocked["late"], quantity=5, direction="out", reason="destroyed")
    [reversal] = reverse_movement(stocked["sold"][0], reason="wrong patient", by=manager)
    removals = recall_lot(lot=stocked["early"], reason="withdrawn everywhere", by=manager, remove=True)

    assert (write_off.quantity, reversal.quantity, [m.quantity for m in removals]) == (5, 1, [6])
    assert balance(store, item) == 0


def test_blocking_and_unblocking_are_recorded_decisions(item, quality_officer, group):
    block_item(item=item, reason="withdrawn", by=quality_officer, on_behalf_of=group)
    unblock_item(item=item, reason="reinstated", by=None)

    decisions = list(Decision.objects.for_target(item).order_by("recorded_at"))
    assert [(d.action, d.outcome, d.actor) for d in decisions] == [
        ("django_stock.block_item", "blocked", quality_officer),
        ("django_stock.unblock_item", "active", None),
    ]
    assert decisions[0].evidence == {"reason": "withdrawn", "previous_status": "active"}
    assert decisions[0].on_behalf_of == group


def test_only_an_active_item_is_blocked_and_only_a_blocked_one_unblocked(item, quality_officer):
    with pytest.raises(InvalidStatusChangeError):
        unblock_item(item=item, reason="x", by=quality_officer)
    block_item(item=item.pk, reason="withdrawn", by=quality_officer)  # the key works as well as the instance
    with pytest.raises(InvalidStatusChangeError):
        block_item(item=str(item.pk), reason="again", by=quality_officer)
    assert Decision.objects.count() == 1


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"reason": ""}, InvalidMovementError),
        ({"by": "clerk"}, InvalidMovementError),
        ({"idempotency_key": ""}, InvalidMovementError),
        ({"item": uuid.uuid4()}, UnknownItemError),
        ({"item": "AMOX-500"}, UnknownItemError),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_written(item, quality_officer, arguments, error):
    with pytest.raises(error):
        block_item(**{"item": item, "reason": "withdrawn", "by": quality_officer, **arguments})
    assert status_of(item) == "active" and not Decision.objects.exists()


def test_an_unsaved_on_behalf_of_is_refused(item, quality_officer):
    with pytest.raises(InvalidMovementError):
        block_item(item=item, reason="withdrawn", by=quality_officer, on_behalf_of=StockItem(sku="X", name="x"))
    assert status_of(item) == "active"


def test_another_items_lots_keep_moving(store, item, make_lot, quality_officer):
    other = StockItem.objects.create(sku="PARA-500", name="Paracetamol")
    lot = make_lot(of=other)
    receive(location=store, lot=lot, quantity=2)
    block_item(item=item, reason="withdrawn", by=quality_officer)
    assert issue(location=store, item=other, quantity=1)[0].lot == lot


def test_reports_and_usable_lots_leave_a_blocked_items_lots_out(stocked, store, item, quality_officer):
    block_item(item=item, reason="withdrawn", by=quality_officer)
    assert [line.usable for line in stock_report(store)] == [False, False]
    assert not Lot.objects.usable().exists()
    unblock_item(item=item, reason="back", by=quality_officer)
    assert [line.usable for line in stock_report(store)] == [True, True]
    assert Lot.objects.usable().count() == 2


def test_the_database_refuses_a_status_it_does_not_know(item):
    with pytest.raises(IntegrityError), transaction.atomic():
        StockItem.objects.filter(pk=item.pk).update(status="withdrawn")
