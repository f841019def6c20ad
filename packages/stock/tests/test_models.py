import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from django_stock.models import Location, Lot, StockBalance, StockItem, StockMovement
from django_stock.services import recall_lot, unblock_lot
from tests.conftest import days_from_today

pytestmark = pytest.mark.django_db


def test_a_lot_number_is_unique_per_item(item, make_lot):
    make_lot(number="L-1")
    other = StockItem.objects.create(sku="OTHER", name="Other")
    make_lot(number="L-1", of=other)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_lot(number="L-1")


def test_keys_that_differ_only_in_case_are_distinct(item, make_lot):
    """SKUs, lot numbers and location codes compare byte by byte on every database (MariaDB/MySQL
    compare text case-insensitively by default: a binary collation on these columns)."""
    other = StockItem.objects.create(sku=item.sku.lower(), name="Other")
    make_lot(number="lot-1")
    make_lot(number="LOT-1")
    Location.objects.create(code="ward-a", name="a")
    Location.objects.create(code="WARD-A", name="A")

    assert StockItem.objects.get(sku=item.sku.lower()) == other
    assert list(Lot.objects.filter(lot_number="LOT-1").values_list("lot_number", flat=True)) == ["LOT-1"]
    assert Location.objects.get(code="WARD-A").name == "A"
    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.create(code="WARD-A", name="again")


@pytest.mark.parametrize("status", ["ACTIVE", "Active"])
def test_a_lot_status_in_another_case_is_refused_by_the_database(item, status):
    with pytest.raises(IntegrityError), transaction.atomic():
        Lot.objects.create(item=item, lot_number="L", status=status)


def test_expiry_cannot_precede_manufacture(item):
    lot = Lot(item=item, lot_number="L", manufacture_date=days_from_today(0), expiry_date=days_from_today(-1))
    with pytest.raises(ValidationError) as raised:
        lot.full_clean()
    assert "expiry_date" in raised.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        lot.save()


def test_a_lot_status_outside_the_choices_is_refused_by_the_database(item):
    with pytest.raises(IntegrityError), transaction.atomic():
        Lot.objects.create(item=item, lot_number="L", status="lost")


def test_a_location_owner_is_both_fields_or_neither():
    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.create(code="HALF", name="Half", owner_id="5")


def test_usable_lots_are_active_and_before_their_expiry_date(make_lot, manager):
    usable, undated = make_lot(expires_in=1), make_lot(expires_in=None)
    make_lot(expires_in=0)
    make_lot(status="blocked")
    recall_lot(lot=make_lot(), reason="x", by=manager)
    assert set(Lot.objects.usable()) == {usable, undated}
    assert set(Lot.objects.usable(today=days_from_today(1))) == {undated}


def test_status_changes_of_an_unknown_lot_are_refused(manager):
    from django_stock import UnknownLotError

    with pytest.raises(UnknownLotError):
        unblock_lot(lot=uuid.uuid4(), reason="x", by=manager)


def test_string_forms_name_what_they_are(store, lot):
    from django_stock.services import receive

    movement = receive(location=store, lot=lot, quantity=3)
    balance_row = StockBalance.objects.get()
    assert str(lot.item) == "AMOX-500 Amoxicillin 500 mg"
    assert str(lot) == lot.lot_number
    assert str(store) == "STORE STORE"
    assert str(movement) == f"receive +3 of lot {lot.pk} at {store.pk}"
    assert str(balance_row) == f"3 of lot {lot.pk} at {store.pk}"
    assert isinstance(StockMovement.objects.get(), StockMovement)
