"""The services insert movements by one statement built once: the rows are the ones ``save()`` would insert."""

import datetime as dt

import pytest
from django.db.models.signals import post_save
from django.utils import timezone

from django_stock.models import StockMovement
from django_stock.services import issue, receive

pytestmark = pytest.mark.django_db


def test_a_movement_reads_back_as_the_service_returned_it(store, lot, user):
    when = timezone.now() - dt.timedelta(hours=3)
    receive(location=store, lot=lot, quantity=5)

    [returned] = issue(
        location=store, lot=lot, quantity=2, by=user, effective_at=when, reason="ward", idempotency_key="k-1"
    )

    stored = StockMovement.objects.get(pk=returned.pk)
    fields = [field.attname for field in StockMovement._meta.concrete_fields]
    assert [getattr(stored, name) for name in fields] == [getattr(returned, name) for name in fields]
    assert (stored.effective_at, stored.idempotency_scope, stored.idempotency_line) == (when, "django_stock.issue", 0)
    assert not returned._state.adding and returned.lot == lot


def test_a_movement_not_backdated_is_effective_when_recorded(store, lot):
    before = timezone.now()

    movement = receive(location=store, lot=lot, quantity=5)

    stored = StockMovement.objects.get(pk=movement.pk)
    assert stored.effective_at == stored.recorded_at == movement.recorded_at >= before


def test_receivers_of_movement_saves_see_every_movement(store, lot):
    saved = []

    def record(sender, instance, created, **kwargs):
        saved.append((instance.movement_type, created))

    post_save.connect(record, sender=StockMovement, weak=False, dispatch_uid="test-movement-saves")
    try:
        receive(location=store, lot=lot, quantity=5)
        issue(location=store, lot=lot, quantity=2)
    finally:
        post_save.disconnect(sender=StockMovement, dispatch_uid="test-movement-saves")

    assert saved == [("receive", True), ("issue", True)]
    assert StockMovement.objects.count() == 2
