import datetime as dt
import uuid

import pytest
from django.utils import timezone

from django_stock import (
    InvalidMovementError,
    LotBlockedError,
    LotExpiredError,
    LotRecalledError,
    MovementType,
    UnknownLocationError,
    UnknownLotError,
)
from django_stock.models import Location, Lot, StockBalance, StockMovement
from django_stock.selectors import balance
from django_stock.services import receive
from tests.testapp.models import DeliveryNote

pytestmark = pytest.mark.django_db


def nothing_written():
    return not StockMovement.objects.exists() and not StockBalance.objects.exists()


def test_receive_adds_a_movement_and_raises_the_balance(store, lot, user):
    note = DeliveryNote.objects.create(number="DN-1")
    movement = receive(location=store, lot=lot, quantity=12, reference=note, by=user, reason="PO 7")

    movement.refresh_from_db()
    assert (movement.movement_type, movement.direction, movement.quantity) == (MovementType.RECEIVE, 1, 12)
    assert movement.reference == note
    assert movement.created_by == user
    assert movement.reason == "PO 7"
    assert balance(store, lot) == 12


def test_receives_accumulate(store, lot):
    receive(location=store, lot=lot, quantity=3)
    receive(location=store, lot=lot, quantity=4)
    assert StockBalance.objects.get(location=store, lot=lot).quantity == 7


def test_location_and_lot_may_be_given_by_key(store, lot):
    receive(location=str(store.pk), lot=lot.pk, quantity=2)
    assert balance(store, lot) == 2


def test_effective_at_may_be_backdated(store, lot):
    yesterday = timezone.now() - dt.timedelta(days=1)
    movement = receive(location=store, lot=lot, quantity=2, effective_at=yesterday)
    assert movement.effective_at == yesterday
    assert movement.recorded_at > yesterday


@pytest.mark.parametrize(
    "when",
    [timezone.now() + dt.timedelta(hours=1), dt.datetime(2024, 1, 1), "2024-01-01"],
    ids=["future", "naive", "text"],
)
def test_effective_at_in_the_future_or_naive_is_refused(store, lot, when):
    with pytest.raises(InvalidMovementError):
        receive(location=store, lot=lot, quantity=2, effective_at=when)
    assert nothing_written()


@pytest.mark.parametrize(
    ("status", "error"), [("blocked", LotBlockedError), ("expired", LotExpiredError), ("recalled", LotRecalledError)]
)
def test_a_lot_that_is_not_active_cannot_be_received(store, make_lot, status, error):
    bad = make_lot(status=status)
    with pytest.raises(error) as raised:
        receive(location=store, lot=bad, quantity=1)
    assert raised.value.lot == bad
    assert raised.value.status == status
    assert nothing_written()


@pytest.mark.parametrize("expires_in", [0, -3])
def test_an_active_lot_at_or_past_its_expiry_date_counts_as_expired(store, make_lot, expires_in):
    with pytest.raises(LotExpiredError):
        receive(location=store, lot=make_lot(expires_in=expires_in), quantity=1)
    assert nothing_written()


def test_a_lot_without_expiry_date_never_expires(store, make_lot):
    receive(location=store, lot=make_lot(expires_in=None), quantity=1)
    assert StockMovement.objects.count() == 1


@pytest.mark.parametrize(
    "location",
    [lambda: uuid.uuid4(), lambda: Location(code="unsaved", name="x"), lambda: "not-a-key", lambda: 42],
    ids=["unknown-key", "unsaved", "garbage", "int"],
)
def test_unknown_location_is_refused(lot, location):
    with pytest.raises(UnknownLocationError):
        receive(location=location(), lot=lot, quantity=1)
    assert nothing_written()


def test_a_deleted_location_is_unknown(make_location, lot):
    gone = make_location()
    Location.objects.filter(pk=gone.pk).delete()
    with pytest.raises(UnknownLocationError) as raised:
        receive(location=gone, lot=lot, quantity=1)
    assert raised.value.value == gone.pk
    assert nothing_written()


def test_unknown_lot_is_refused(store, item):
    with pytest.raises(UnknownLotError):
        receive(location=store, lot=uuid.uuid4(), quantity=1)
    with pytest.raises(UnknownLotError):
        receive(location=store, lot=Lot(item=item, lot_number="unsaved"), quantity=1)
    assert nothing_written()


@pytest.mark.parametrize(
    "arguments",
    [
        {"reason": 5},
        {"reference": DeliveryNote(number="unsaved")},
        {"reference": "DN-1"},
        {"by": "clerk"},
        {"idempotency_key": ""},
        {"idempotency_key": "k" * 256},
    ],
    ids=["reason", "unsaved-reference", "text-reference", "by", "empty-key", "long-key"],
)
def test_invalid_arguments_are_refused_before_writing(store, lot, arguments):
    with pytest.raises(InvalidMovementError):
        receive(location=store, lot=lot, quantity=1, **arguments)
    assert nothing_written()
