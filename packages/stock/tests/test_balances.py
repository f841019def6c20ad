import datetime as dt

import pytest
from django.utils import timezone

from django_stock.models import StockBalance, StockMovement
from django_stock.selectors import balance
from django_stock.services import issue, receive, transfer
from tests.testapp.models import Sale

pytestmark = pytest.mark.django_db


def many_movements(store, pharmacy, lot, count):
    receive(location=store, lot=lot, quantity=count * 3)
    for _ in range(count):
        issue(location=store, lot=lot, quantity=1)
        transfer(from_location=store, to_location=pharmacy, lot=lot, quantity=1)


def test_the_balance_row_equals_the_sum_of_the_movements(store, pharmacy, lot):
    many_movements(store, pharmacy, lot, 5)
    for location in (store, pharmacy):
        assert StockBalance.objects.get(location=location, lot=lot).quantity == (
            StockMovement.objects.filter(location=location, lot=lot).total()
        )
    assert (balance(store, lot), balance(pharmacy, lot)) == (5, 5)


def test_balance_of_an_item_sums_its_lots_at_the_location(store, pharmacy, make_lot, item):
    first, second = make_lot(), make_lot()
    receive(location=store, lot=first, quantity=2)
    receive(location=store, lot=second, quantity=3)
    receive(location=pharmacy, lot=second, quantity=100)
    assert balance(store, item) == 5
    assert balance(store.pk, item) == 5


def test_balance_of_an_unknown_pair_is_zero(store, lot, item):
    assert balance(store, lot) == balance(store, item) == 0


def test_balance_as_of_sums_the_movements_effective_by_then(store, lot, item):
    now = timezone.now()
    receive(location=store, lot=lot, quantity=10, effective_at=now - dt.timedelta(days=3))
    issue(location=store, lot=lot, quantity=4, effective_at=now - dt.timedelta(days=1))

    assert balance(store, lot, as_of=now - dt.timedelta(days=4)) == 0
    assert balance(store, lot, as_of=now - dt.timedelta(days=2)) == 10
    assert balance(store, lot, as_of=now) == 6
    assert balance(store, item, as_of=now - dt.timedelta(days=2)) == 10


def test_balance_as_of_with_known_at_leaves_out_what_was_recorded_later(store, lot):
    week_ago = timezone.now() - dt.timedelta(days=7)
    before_recording = timezone.now()
    receive(location=store, lot=lot, quantity=10, effective_at=week_ago)
    assert balance(store, lot, as_of=timezone.now()) == 10
    assert balance(store, lot, as_of=timezone.now(), known_at=before_recording) == 0


def test_balance_refuses_what_is_neither_a_lot_nor_an_item(store):
    with pytest.raises(TypeError):
        balance(store, Sale(number="x"))


def test_known_at_needs_as_of(store, lot):
    with pytest.raises(ValueError):
        balance(store, lot, known_at=timezone.now())


def test_balance_as_of_refuses_naive_datetimes(store, lot):
    with pytest.raises(ValueError):
        balance(store, lot, as_of=dt.datetime(2024, 1, 1))


@pytest.mark.parametrize("count", [1, 60])
@pytest.mark.parametrize("as_of", [False, True])
def test_a_balance_read_is_one_query_whatever_the_number_of_movements(
    store, pharmacy, lot, item, count, as_of, django_assert_num_queries
):
    many_movements(store, pharmacy, lot, count)
    when = {"as_of": timezone.now()} if as_of else {}
    with django_assert_num_queries(1):
        assert balance(store, lot, **when) == count
    with django_assert_num_queries(1):
        assert balance(store, item, **when) == count
