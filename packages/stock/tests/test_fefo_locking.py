"""FEFO reads its candidates in FEFO order in SQL and locks only the lots it takes (and their balance rows)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_stock import ItemBlockedError
from django_stock.models import Lot, StockItem
from django_stock.selectors import balance
from django_stock.services import adjust, issue, movements, receive, transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(store, make_lot):
    """Forty lots of the item at the store, five units each, expiring one day apart."""
    lots = [make_lot(expires_in=30 + day) for day in range(40)]
    for each in lots:
        receive(location=store, lot=each, quantity=5)
    return lots


def statements_naming(captured: CaptureQueriesContext, lots: list[Lot]) -> list[str]:
    """The captured statements that name any of ``lots`` (a parameter, in the SQL Django logs)."""
    forms = {form for lot in lots for form in (lot.pk.hex, str(lot.pk))}
    return [query["sql"] for query in captured.captured_queries if any(form in query["sql"] for form in forms)]


def test_fefo_names_no_lot_it_does_not_take(store, shelf, item):
    with CaptureQueriesContext(connection) as captured:
        movements_made = issue(location=store, item=item, quantity=7)

    assert [(m.lot, m.quantity) for m in movements_made] == [(shelf[0], 5), (shelf[1], 2)]
    assert statements_naming(captured, shelf[2:]) == []
    assert statements_naming(captured, shelf[:2]) != []


@pytest.mark.parametrize("lots_on_the_shelf", [3, 40])
def test_fefo_runs_as_many_statements_whatever_the_lots_on_the_shelf(
    store, make_lot, item, lots_on_the_shelf, django_assert_num_queries
):
    for day in range(lots_on_the_shelf):
        receive(location=store, lot=make_lot(expires_in=30 + day), quantity=5)

    # A savepoint, the location with its item's organization, the candidates, the lots with their balance rows
    # (MariaDB/MySQL: the lots, then the balance rows), the movement, the release of the savepoint.
    with django_assert_num_queries(7 if connection.vendor == "mysql" else 6):
        issue(location=store, item=item, quantity=2)


def test_fefo_reads_on_when_the_first_candidates_do_not_cover_the_quantity(store, shelf, item):
    taken = issue(location=store, item=item, quantity=5 * (movements.FEFO_FIRST_READ + 3))

    assert [m.lot for m in taken] == shelf[: movements.FEFO_FIRST_READ + 3]
    assert balance(store, item) == 5 * (40 - movements.FEFO_FIRST_READ - 3)


def taken_meanwhile(monkeypatch, change) -> None:
    """Run ``change`` once between FEFO's unlocked read of the candidates and its locks, as a concurrent
    transaction committing there would (``test_concurrency`` races real transactions)."""
    lock = movements.lock_lots_and_balances
    changed = []

    def lock_after_the_change(db, location_key, keys):
        if not changed:
            changed.append(True)
            change()
        return lock(db, location_key, keys)

    monkeypatch.setattr(movements, "lock_lots_and_balances", lock_after_the_change)


def test_stock_taken_between_the_read_and_the_lock_is_made_up_from_the_next_lots(store, shelf, item, monkeypatch):
    taken_meanwhile(monkeypatch, lambda: adjust(location=store, lot=shelf[0], quantity=4, direction="out", reason="x"))

    taken = issue(location=store, item=item, quantity=3)

    assert [(m.lot, m.quantity) for m in taken] == [(shelf[0], 1), (shelf[1], 2)]
    assert (balance(store, shelf[0]), balance(store, shelf[1])) == (0, 3)


def test_a_lot_recalled_between_the_read_and_the_lock_is_not_issued(store, shelf, item, monkeypatch):
    taken_meanwhile(monkeypatch, lambda: Lot.objects.filter(pk=shelf[0].pk).update(status="recalled"))

    [movement] = issue(location=store, item=item, quantity=2)

    assert movement.lot == shelf[1]
    assert balance(store, shelf[0]) == 5


def test_an_item_blocked_between_the_read_and_the_lock_is_not_issued(store, shelf, item, monkeypatch):
    taken_meanwhile(monkeypatch, lambda: StockItem.objects.filter(pk=item.pk).update(status="blocked"))

    with pytest.raises(ItemBlockedError):
        issue(location=store, item=item, quantity=2)
    assert balance(store, item) == 5 * 40


def test_a_fefo_transfer_creates_destination_rows_only_for_the_lots_it_reads(store, pharmacy, shelf, item):
    from django_stock.models import StockBalance

    transfer(from_location=store, to_location=pharmacy, item=item, quantity=6)

    assert balance(pharmacy, item) == 6
    assert StockBalance.objects.filter(location=pharmacy).count() <= movements.FEFO_FIRST_READ


def test_the_statements_of_an_issue_are_compiled_once(store, pharmacy, shelf, item):
    from django_stock.services import locking

    issue(location=store, item=item, quantity=1)
    transfer(from_location=store, to_location=pharmacy, item=item, quantity=1)
    issue(location=store, lot=shelf[5], quantity=1)
    kept = {key[1] for key in locking._COMPILED}

    # Kept only when Django bound exactly the parameters the services pass on later calls.
    assert {"fefo_candidates", "share_lock_lots", "locked_balances", "locations_of_one_org"} <= kept
