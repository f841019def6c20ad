"""commit_basket(on_behalf_of=): the principal a user commits for is kept on the commit Decision."""

import pytest

from django_catalog.models import Basket, WorkItem
from django_catalog.services import COMMIT_ACTION, add_item, commit_basket
from django_decisioning import InvalidDecisionError
from django_decisioning.models import Decision
from django_decisioning.testing import assert_delegation_captured
from tests.testapp.models import Encounter

pytestmark = pytest.mark.django_db


@pytest.fixture
def principal(db):
    # Any saved model instance can be the principal; the test app's encounter model will do.
    return Encounter.objects.create(patient="Clinic North (principal)")


def commit_decision(basket):
    return Decision.objects.for_action(COMMIT_ACTION).for_target(basket).get()


def test_commit_on_behalf_of_records_actor_and_principal_apart(basket, user, blood_test, principal):
    add_item(basket=basket, catalog_item=blood_test, by=user)

    commit_basket(basket, user, on_behalf_of=principal)

    assert_delegation_captured(commit_decision(basket), actor=user, on_behalf_of=principal)


def test_commit_on_behalf_of_another_user(basket, user, other_user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)

    commit_basket(basket, user, on_behalf_of=other_user)

    assert_delegation_captured(commit_decision(basket), actor=user, on_behalf_of=other_user)


def test_commit_without_principal_is_not_delegated(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)

    commit_basket(basket, user)

    decision = commit_decision(basket)
    assert decision.on_behalf_of is None
    assert not decision.is_delegated


def test_a_repeated_commit_keeps_the_first_principal(basket, user, other_user, blood_test, principal):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    work_items = commit_basket(basket, user, on_behalf_of=principal)

    again = commit_basket(Basket.objects.get(pk=basket.pk), other_user, on_behalf_of=other_user)

    assert again == work_items
    decision = commit_decision(basket)
    assert (decision.actor, decision.on_behalf_of) == (user, principal)


@pytest.mark.parametrize("principal", [object(), Encounter(patient="unsaved")], ids=["not-a-model", "unsaved"])
def test_an_invalid_principal_is_refused_before_anything_is_written(basket, user, blood_test, principal):
    add_item(basket=basket, catalog_item=blood_test, by=user)

    with pytest.raises(InvalidDecisionError):
        commit_basket(basket, user, on_behalf_of=principal)

    assert Basket.objects.get(pk=basket.pk).status == Basket.Status.DRAFT
    assert not WorkItem.objects.exists()
    assert not Decision.objects.exists()


def test_on_behalf_of_is_keyword_only(basket, user, other_user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)

    with pytest.raises(TypeError):
        commit_basket(basket, user, other_user)
