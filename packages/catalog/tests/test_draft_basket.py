"""get_or_create_draft_basket, cancel_basket and the one-draft-per-encounter constraint."""

import pytest
from django.db import IntegrityError, transaction

from django_catalog.exceptions import BasketNotDraftError, InvalidEncounterError, InvalidUserError
from django_catalog.models import Basket
from django_catalog.querysets import BasketQuerySet
from django_catalog.services import CANCEL_ACTION, add_item, cancel_basket, commit_basket, get_or_create_draft_basket
from django_decisioning.models import Decision
from tests.testapp.models import Encounter

pytestmark = pytest.mark.django_db


def test_first_call_creates_a_draft_basket_for_the_encounter(encounter, user):
    basket = get_or_create_draft_basket(encounter, user)

    assert (basket.encounter, basket.status, basket.created_by) == (encounter, Basket.Status.DRAFT, user)


def test_later_calls_return_the_same_draft(encounter, user, other_user):
    first = get_or_create_draft_basket(encounter, user)

    assert get_or_create_draft_basket(encounter, other_user) == first
    assert Basket.objects.count() == 1


def test_each_encounter_has_its_own_draft(encounter, user):
    other = Encounter.objects.create(patient="Grace")

    assert get_or_create_draft_basket(encounter, user) != get_or_create_draft_basket(other, user)


def test_a_committed_basket_is_followed_by_a_new_draft(encounter, user, blood_test):
    first = get_or_create_draft_basket(encounter, user)
    add_item(basket=first, catalog_item=blood_test, by=user)
    commit_basket(first, user)

    second = get_or_create_draft_basket(encounter, user)

    assert second != first and second.status == Basket.Status.DRAFT


def test_the_database_refuses_a_second_draft_for_an_encounter(encounter, user):
    Basket.objects.create(encounter=encounter, created_by=user)

    with pytest.raises(IntegrityError), transaction.atomic():
        Basket.objects.create(encounter=encounter, created_by=user)


def test_an_encounter_may_have_several_closed_baskets(encounter, user):
    Basket.objects.create(encounter=encounter, created_by=user, status=Basket.Status.CANCELLED)
    Basket.objects.create(encounter=encounter, created_by=user, status=Basket.Status.CANCELLED)

    assert Basket.objects.for_encounter(encounter).count() == 2


def test_the_database_refuses_a_committed_basket_without_its_committer(encounter, user):
    with pytest.raises(IntegrityError), transaction.atomic():
        Basket.objects.create(encounter=encounter, created_by=user, status=Basket.Status.COMMITTED)


@pytest.mark.parametrize("encounter_value", [None, "not an encounter", Encounter(patient="unsaved")])
def test_the_encounter_must_be_a_saved_encounter_model_instance(user, encounter_value):
    with pytest.raises(InvalidEncounterError):
        get_or_create_draft_basket(encounter_value, user)


def test_a_user_of_another_model_is_refused(encounter):
    with pytest.raises(InvalidUserError):
        get_or_create_draft_basket(encounter, encounter)


def test_the_encounter_reaches_its_baskets_through_catalog_baskets(encounter, user):
    basket = get_or_create_draft_basket(encounter, user)

    assert list(encounter.catalog_baskets.all()) == [basket]


def test_cancelling_a_draft_frees_the_encounter_for_a_new_draft(encounter, user, basket):
    cancelled = cancel_basket(basket, by=user)

    assert cancelled.status == Basket.Status.CANCELLED == basket.status
    assert (cancelled.cancelled_by, cancelled.cancelled_at is not None) == (user, True)
    assert get_or_create_draft_basket(encounter, user) != basket


def test_cancelling_records_a_decision_once_even_when_repeated(basket, user):
    cancel_basket(basket, by=user)
    cancel_basket(basket, by=user)

    assert list(Decision.objects.for_target(basket).values_list("action", flat=True)) == [CANCEL_ACTION]


def test_a_committed_basket_cannot_be_cancelled(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    commit_basket(basket, user)

    with pytest.raises(BasketNotDraftError):
        cancel_basket(basket, by=user)


def test_basket_queries_filter_by_status(encounter, user, blood_test):
    committed = get_or_create_draft_basket(encounter, user)
    add_item(basket=committed, catalog_item=blood_test, by=user)
    commit_basket(committed, user)
    draft = get_or_create_draft_basket(encounter, user)

    assert list(Basket.objects.for_encounter(encounter).drafts()) == [draft]
    assert list(Basket.objects.for_encounter(encounter).committed()) == [committed]
    assert str(draft) == f"Basket {draft.pk} (draft)"


def test_a_draft_created_by_a_concurrent_request_between_read_and_insert_is_returned(
    encounter, user, other_user, monkeypatch
):
    competitor = Basket.objects.create(encounter=encounter, created_by=other_user)
    real_first = BasketQuerySet.first
    reads = []

    def first_read_misses_the_competitor(queryset):
        reads.append(queryset)
        return None if len(reads) == 1 else real_first(queryset)

    monkeypatch.setattr(BasketQuerySet, "first", first_read_misses_the_competitor)

    assert get_or_create_draft_basket(encounter, user) == competitor
    assert len(reads) == 2
    assert Basket.objects.count() == 1
