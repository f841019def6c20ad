"""``RecordedAtField``: the server's time on insert, whatever a caller gave; an empty business time takes it."""

import datetime as dt

import pytest
from django.utils import timezone

from django_basemodels.fields import stamp_recorded_at
from tests.testapp.models import Reading

pytestmark = pytest.mark.django_db
LONG_AGO = dt.datetime(2001, 1, 1, tzinfo=dt.timezone.utc)


def test_an_insert_takes_the_servers_time_and_gives_it_to_an_empty_effective_at():
    before = timezone.now()
    reading = Reading.objects.create(recorded_at=LONG_AGO)
    assert reading.recorded_at >= before and reading.effective_at == reading.recorded_at


def test_a_backdated_effective_at_is_kept_and_bulk_inserts_are_stamped_too():
    [reading] = Reading.objects.bulk_create([Reading(recorded_at=LONG_AGO, effective_at=LONG_AGO)])
    stored = Reading.objects.get()
    assert stored.effective_at == LONG_AGO and stored.recorded_at > LONG_AGO == reading.effective_at


def test_an_update_is_not_stamped_again():
    reading = Reading.objects.create()
    recorded = reading.recorded_at
    reading.value, reading.recorded_at = 1, LONG_AGO
    reading.save()
    assert Reading.objects.get().recorded_at == LONG_AGO  # an update writes what it is given: guard it in the database
    assert recorded > LONG_AGO


def test_a_time_stamped_before_the_insert_is_the_one_stored():
    reading = Reading(value=3)
    stamped = stamp_recorded_at(reading)
    reading.effective_at = None  # emptied after the stamp: the insert gives it the same instant
    reading.save()
    stored = Reading.objects.get()
    assert stored.recorded_at == stamped == stored.effective_at


def test_the_field_keeps_its_fills_in_migrations():
    from django_basemodels.fields import RecordedAtField

    assert "fills" not in RecordedAtField().deconstruct()[3]
    assert RecordedAtField(fills=("effective_at", "edited_at")).deconstruct()[3]["fills"] == (
        "effective_at",
        "edited_at",
    )
