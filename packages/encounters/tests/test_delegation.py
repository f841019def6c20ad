"""Delegation: the acting user and the principal they act for are both captured on the transition."""

import pytest

from django_encounters import InvalidInputError
from django_encounters.models import EncounterTransition
from django_encounters.services import create_encounter, transition
from tests.testapp.models import Clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def encounter(definition, asset):
    return create_encounter(definition, subject=asset, created_by=None)


@pytest.fixture
def clinic(db):
    return Clinic.objects.create(name="North")


def test_the_user_and_the_principal_are_recorded_apart_and_found_by_the_queries(encounter, user, clinic):
    record = transition(encounter, "active", by_user=user, on_behalf_of=clinic).transition
    fresh = EncounterTransition.objects.get(pk=record.pk)
    assert (fresh.by_user, fresh.on_behalf_of, fresh.is_delegated) == (user, clinic, True)
    found = EncounterTransition.objects.by_user(user).on_behalf_of(clinic).delegated()
    assert list(found) == [fresh]
    assert list(clinic.transitions_for.all()) == [fresh]


def test_a_move_for_oneself_is_not_delegated(encounter, user, clinic):
    transition(encounter, "active", by_user=user)
    fresh = EncounterTransition.objects.get()
    assert (fresh.on_behalf_of, fresh.is_delegated) == (None, False)
    assert not EncounterTransition.objects.delegated().exists()
    assert not EncounterTransition.objects.on_behalf_of(clinic).exists()


def test_a_system_move_on_behalf_of_a_principal_is_delegated(encounter, clinic):
    transition(encounter, "active", by_user=None, on_behalf_of=clinic)
    assert EncounterTransition.objects.delegated().get().by_user is None


def test_acting_on_behalf_of_oneself_is_refused(encounter, user):
    with pytest.raises(InvalidInputError, match="on_behalf_of is the acting user"):
        transition(encounter, "active", by_user=user, on_behalf_of=user)


def test_an_unsaved_principal_is_refused(encounter, user):
    with pytest.raises(InvalidInputError, match="on_behalf_of must be a saved model instance"):
        transition(encounter, "active", by_user=user, on_behalf_of=Clinic(name="unsaved"))
    assert not EncounterTransition.objects.exists()
