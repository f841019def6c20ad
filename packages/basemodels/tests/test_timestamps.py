import datetime as dt

import pytest
from django.utils import timezone

from tests.testapp.models import Event

pytestmark = pytest.mark.django_db


def test_created_at_and_updated_at_are_set_and_aware_on_create():
    event = Event.objects.create(name="launch")
    assert timezone.is_aware(event.created_at)
    assert timezone.is_aware(event.updated_at)
    assert event.updated_at >= event.created_at


def test_save_moves_updated_at_and_keeps_created_at():
    event = Event.objects.create(name="launch")
    created_at, updated_at = event.created_at, event.updated_at
    event.name = "relaunch"
    event.save()
    event.refresh_from_db()
    assert event.created_at == created_at
    assert event.updated_at > updated_at


def test_created_at_can_be_given_explicitly_for_imports():
    long_ago = timezone.now() - dt.timedelta(days=365)
    event = Event.objects.create(name="imported", created_at=long_ago)
    event.refresh_from_db()
    assert event.created_at == long_ago


def test_timestamps_are_not_editable_in_forms():
    assert not Event._meta.get_field("created_at").editable
    assert not Event._meta.get_field("updated_at").editable
