import datetime as dt

import pytest
from django.utils import timezone

from django_decisioning.testing import assert_backdate_coherent
from django_stock.models import StockMovement
from django_stock.services import issue, receive

pytestmark = pytest.mark.django_db


def test_a_backdated_movement_is_seen_where_and_only_where_it_should_be(store, lot):
    movement = receive(location=store, lot=lot, quantity=5, effective_at=timezone.now() - dt.timedelta(days=2))
    assert_backdate_coherent(movement)


def test_recorded_at_is_set_by_the_server(store, lot):
    before = timezone.now()
    movement = receive(location=store, lot=lot, quantity=5)
    assert movement.recorded_at >= before
    assert movement.effective_at == movement.recorded_at


def test_movement_queries_compose_with_as_of(store, lot):
    now = timezone.now()
    receive(location=store, lot=lot, quantity=5, effective_at=now - dt.timedelta(days=2))
    issue(location=store, lot=lot, quantity=1)
    assert StockMovement.objects.as_of(now).at_location(store).for_lot(lot).total() == 5
    assert StockMovement.objects.for_item(lot.item).total() == 4
