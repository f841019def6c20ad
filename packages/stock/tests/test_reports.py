import datetime as dt

import pytest
from django.utils import timezone

from django_stock.models import Lot, StockItem
from django_stock.selectors import (
    expiring_within,
    lot_history,
    lot_locations,
    movements_for_reference,
    stock_report,
)
from django_stock.services import issue, receive, transfer
from tests.conftest import days_from_today
from tests.testapp.models import Sale

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_items(make_lot, item):
    other = StockItem.objects.create(sku="PARA-1", name="Paracetamol")
    return {
        "amox_late": make_lot(expires_in=300, number="A2"),
        "amox_early": make_lot(expires_in=30, number="A1"),
        "amox_never": make_lot(expires_in=None, number="A0"),
        "para": make_lot(expires_in=10, of=other, number="P1"),
    }


def test_stock_report_lists_lots_with_stock_by_item_then_expiry(store, two_items):
    for quantity, lot in enumerate(two_items.values(), start=1):
        receive(location=store, lot=lot, quantity=quantity)
    Lot.objects.filter(pk=two_items["amox_late"].pk).update(status="blocked")
    receive(location=store, lot=Lot.objects.create(item=two_items["para"].item, lot_number="P-EMPTY"), quantity=1)
    issue(location=store, lot=Lot.objects.get(lot_number="P-EMPTY"), quantity=1)

    lines = stock_report(store)
    assert [(line.item.sku, line.lot.lot_number, line.quantity, line.usable) for line in lines] == [
        ("AMOX-500", "A1", 2, True),
        ("AMOX-500", "A2", 1, False),
        ("AMOX-500", "A0", 3, True),
        ("PARA-1", "P1", 4, True),
    ]
    assert lines[0].expiry_date == two_items["amox_early"].expiry_date


@pytest.mark.parametrize("lots", [1, 4])
def test_stock_report_is_one_query_whatever_the_number_of_lots(store, make_lot, lots, django_assert_num_queries):
    for _ in range(lots):
        receive(location=store, lot=make_lot(), quantity=2)
    with django_assert_num_queries(1):
        report = stock_report(store)
        assert [line.item.sku for line in report] == ["AMOX-500"] * lots


def test_stock_report_as_of_a_past_moment(store, lot, make_lot, django_assert_num_queries):
    week_ago = timezone.now() - dt.timedelta(days=7)
    receive(location=store, lot=lot, quantity=5, effective_at=week_ago)
    receive(location=store, lot=make_lot(), quantity=5)
    issue(location=store, lot=lot, quantity=5)
    with django_assert_num_queries(2):
        lines = stock_report(store, as_of=week_ago + dt.timedelta(days=1))
        assert [(line.lot, line.quantity) for line in lines] == [(lot, 5)]


def test_stock_report_as_of_before_any_movement_is_empty(store, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert stock_report(store, as_of=timezone.now()) == []


def test_expiring_within_lists_lots_with_stock_expiring_soon(store, pharmacy, make_lot):
    soon, later, gone, recalled, empty = (make_lot(expires_in=d) for d in (5, 40, 0, 3, 2))
    for lot in (soon, later, gone, recalled):
        Lot.objects.filter(pk=lot.pk).update(expiry_date=days_from_today(100))
        receive(location=store, lot=lot, quantity=2)
        Lot.objects.filter(pk=lot.pk).update(expiry_date=lot.expiry_date)
    receive(location=pharmacy, lot=soon, quantity=3)
    Lot.objects.filter(pk=recalled.pk).update(status="recalled")

    everywhere = list(expiring_within(30))
    assert [(lot, lot.on_hand) for lot in everywhere] == [(soon, 5)]
    assert [(lot, lot.on_hand) for lot in expiring_within(40, location=pharmacy)] == [(soon, 3)]
    assert [lot.lot_number for lot in expiring_within(40, location=store)] == [soon.lot_number, later.lot_number]
    assert list(expiring_within(0)) == []
    assert empty not in list(expiring_within(30))


@pytest.mark.parametrize("days", [-1, 1.5, "7", True])
def test_expiring_within_wants_a_whole_number_of_days(days):
    with pytest.raises(ValueError):
        expiring_within(days)


def test_lot_history_traces_where_a_lot_went(store, pharmacy, make_location, lot, user, django_assert_num_queries):
    clinic = make_location("CLINIC")
    now = timezone.now()
    receive(location=store, lot=lot, quantity=10, effective_at=now - dt.timedelta(hours=3), by=user)
    transfer(from_location=store, to_location=pharmacy, lot=lot, quantity=6, effective_at=now - dt.timedelta(hours=2))
    transfer(from_location=pharmacy, to_location=clinic, lot=lot, quantity=2, effective_at=now - dt.timedelta(hours=1))
    issue(location=clinic, lot=lot, quantity=1)

    with django_assert_num_queries(1):
        trail = [(m.movement_type, m.location.code, m.signed_quantity) for m in lot_history(lot)]
    assert trail == [
        ("receive", "STORE", 10),
        ("transfer_out", "STORE", -6),
        ("transfer_in", "PHARMACY", 6),
        ("transfer_out", "PHARMACY", -2),
        ("transfer_in", "CLINIC", 2),
        ("issue", "CLINIC", -1),
    ]
    assert [(row.location.code, row.quantity) for row in lot_locations(lot)] == [
        ("CLINIC", 1),
        ("PHARMACY", 4),
        ("STORE", 4),
    ]


def test_movements_for_a_reference(store, lot):
    sale, other = Sale.objects.create(number="S-1"), Sale.objects.create(number="S-2")
    receive(location=store, lot=lot, quantity=10)
    first = issue(location=store, lot=lot, quantity=1, reference=sale)
    issue(location=store, lot=lot, quantity=1, reference=other)
    second = issue(location=store, lot=lot, quantity=2, reference=sale)
    assert list(movements_for_reference(sale)) == first + second
