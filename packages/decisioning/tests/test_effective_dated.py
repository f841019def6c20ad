import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.testapp.models import Membership, Role

T0 = dt.datetime(2025, 1, 10, tzinfo=dt.timezone.utc)
DAY = dt.timedelta(days=1)


@pytest.mark.django_db
def test_as_of_includes_valid_from_and_excludes_valid_to():
    membership = Membership.objects.create(member="ann", valid_from=T0, valid_to=T0 + DAY)
    assert list(Membership.objects.as_of(T0)) == [membership]
    assert list(Membership.objects.as_of(T0 + DAY - dt.timedelta(microseconds=1))) == [membership]
    assert not Membership.objects.as_of(T0 + DAY).exists()
    assert not Membership.objects.as_of(T0 - dt.timedelta(microseconds=1)).exists()


@pytest.mark.django_db
def test_open_ended_record_is_valid_from_its_start_on():
    membership = Membership.objects.create(member="ann", valid_from=T0)
    assert list(Membership.objects.as_of(T0 + 1000 * DAY)) == [membership]


@pytest.mark.django_db
def test_current_selects_records_valid_now():
    now = timezone.now()
    current = Membership.objects.create(member="ann", valid_from=now - DAY)
    Membership.objects.create(member="bob", valid_from=now - 2 * DAY, valid_to=now - DAY)
    Membership.objects.create(member="cid", valid_from=now + DAY)
    assert list(Membership.objects.current()) == [current]


@pytest.mark.django_db
def test_valid_from_defaults_to_now_and_valid_to_to_open():
    before = timezone.now()
    membership = Membership.objects.create(member="ann")
    assert before <= membership.valid_from <= timezone.now()
    assert membership.valid_to is None


def test_clean_refuses_a_period_that_ends_before_it_starts():
    membership = Membership(member="ann", valid_from=T0, valid_to=T0)
    with pytest.raises(ValidationError) as caught:
        membership.clean()
    assert "valid_to" in caught.value.message_dict


def test_clean_accepts_a_period_that_ends_after_it_starts():
    Membership(member="ann", valid_from=T0, valid_to=T0 + DAY).clean()


@pytest.mark.django_db
def test_database_refuses_an_inverted_period():
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(member="ann", valid_from=T0, valid_to=T0 - DAY)


@pytest.mark.django_db
def test_subclass_with_its_own_meta_keeps_the_period_constraint():
    names = {constraint.name for constraint in Role._meta.constraints}
    assert names == {"testapp_role_valid_period"}
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(name="admin", valid_from=T0, valid_to=T0)


def test_is_valid_at_follows_the_half_open_rule():
    membership = Membership(member="ann", valid_from=T0, valid_to=T0 + DAY)
    assert membership.is_valid_at(T0)
    assert not membership.is_valid_at(T0 + DAY)
    assert Membership(member="bob", valid_from=T0).is_valid_at(T0 + 100 * DAY)
