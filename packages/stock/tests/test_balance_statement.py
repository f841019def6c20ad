"""``balance`` runs one statement built once per vendor and shape, equal to the ORM's sums."""

import datetime as dt

import pytest
from django.utils import timezone

from django_basemodels.tenancy import ANY_ORG
from django_stock.models import StockBalance, StockMovement
from django_stock.selectors import balance
from django_stock.services import issue, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(store, make_lot, item):
    first, second = make_lot(expires_in=30), make_lot(expires_in=60)
    receive(location=store, lot=first, quantity=10, effective_at=timezone.now() - dt.timedelta(days=3))
    receive(location=store, lot=second, quantity=7, effective_at=timezone.now() - dt.timedelta(days=2))
    issue(location=store, item=item, quantity=12, effective_at=timezone.now() - dt.timedelta(days=1))
    return first, second


def orm_balance(location, lot=None, item=None, as_of=None, known_at=None) -> int:
    lots = {"lot": lot} if lot is not None else {"lot__item": item}
    if as_of is None:
        return StockBalance.objects.filter(location=location, **lots).total()
    return StockMovement.objects.as_of(as_of, known_at=known_at).filter(location=location, **lots).total()


@pytest.mark.parametrize("days_ago", [None, 0, 1.5, 2.5, 4])
def test_balance_equals_the_orm_sum_in_one_query(store, history, item, days_ago, django_assert_num_queries):
    as_of = None if days_ago is None else timezone.now() - dt.timedelta(days=days_ago)
    first, second = history
    for what, expected in (
        (first, orm_balance(store, lot=first, as_of=as_of)),
        (second, orm_balance(store, lot=second, as_of=as_of)),
        (item, orm_balance(store, item=item, as_of=as_of)),
    ):
        with django_assert_num_queries(1):
            assert balance(store, what, as_of=as_of) == expected
        assert balance(store.pk, what, as_of=as_of, org=ANY_ORG) == expected
        assert balance(store, what, as_of=as_of, org=None) == expected  # the ORM path: rows of no organization


def test_balance_known_at_leaves_out_what_was_recorded_later(store, history):
    first, _ = history
    now = timezone.now()
    recorded_before_any = StockMovement.objects.order_by("recorded_at").first().recorded_at - dt.timedelta(seconds=1)
    assert balance(store, first, as_of=now, known_at=now) == orm_balance(store, lot=first, as_of=now, known_at=now)
    assert balance(store, first, as_of=now, known_at=recorded_before_any) == 0


def test_balance_of_an_unknown_location_is_zero(make_location, history, item):
    assert balance(make_location("EMPTY"), item) == 0
    assert balance(make_location("EMPTY2"), item, as_of=timezone.now()) == 0


def test_balance_refuses_naive_datetimes_and_known_at_alone(store, history):
    first, _ = history
    with pytest.raises(ValueError):
        balance(store, first, as_of=dt.datetime(2024, 1, 1))
    with pytest.raises(ValueError):
        balance(store, first, as_of=timezone.now(), known_at=dt.datetime(2024, 1, 1))
    with pytest.raises(ValueError):
        balance(store, first, known_at=timezone.now())


@pytest.mark.parametrize("offset", [0, 5.5, -7])
def test_the_datetime_is_bound_as_django_binds_it(offset):
    from django.db import connection

    from django_stock.selectors import _moment

    when = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=offset)))
    assert _moment(when, connection) == connection.ops.adapt_datetimefield_value(when)
