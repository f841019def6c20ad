"""create_encounter: starts an encounter of a definition about any subject, in the initial state."""

import datetime as dt

import pytest
from django.utils import timezone

from django_decisioning import IdempotencyConflictError
from django_decisioning.testing import assert_idempotent
from django_encounters import InvalidInputError, UnknownDefinitionError
from django_encounters.models import Encounter, EncounterDefinition
from django_encounters.services import create_encounter
from tests.testapp.models import Asset

pytestmark = pytest.mark.django_db


def test_the_seed_call_starts_an_encounter_in_the_initial_state(definition, asset, user):
    before = timezone.now()
    encounter = create_encounter("repair_job", subject=asset, created_by=user)
    fresh = Encounter.objects.get(pk=encounter.pk)
    assert (fresh.definition, fresh.subject, fresh.created_by) == (definition, asset, user)
    assert (fresh.state, fresh.initial_state, fresh.transition_count) == ("pending", "pending", 0)
    assert fresh.ended_at is None and fresh.is_open
    assert before <= fresh.started_at == fresh.state_since <= timezone.now()
    assert not fresh.transitions.exists()


def test_a_definition_instance_may_be_given_instead_of_its_key(definition, ticket):
    assert create_encounter(definition, subject=ticket, created_by=None).definition == definition


def test_an_unknown_key_raises_unknown_definition(db, asset):
    with pytest.raises(UnknownDefinitionError) as refused:
        create_encounter("no_such_flow", subject=asset, created_by=None)
    assert refused.value.key == "no_such_flow"
    assert not Encounter.objects.exists()


def test_an_unsaved_definition_is_refused(asset):
    with pytest.raises(InvalidInputError, match="definition must be a saved"):
        create_encounter(EncounterDefinition(key="x"), subject=asset, created_by=None)


def test_a_definition_of_another_type_is_refused(asset):
    with pytest.raises(InvalidInputError, match="must be a key or an EncounterDefinition"):
        create_encounter(42, subject=asset, created_by=None)


@pytest.mark.parametrize("subject", [Asset(name="unsaved"), "Boiler 7", None])
def test_a_subject_that_is_not_a_saved_instance_is_refused(definition, subject):
    with pytest.raises(InvalidInputError, match="subject must be a saved model instance"):
        create_encounter(definition, subject=subject, created_by=None)
    assert not Encounter.objects.exists()


def test_created_by_must_be_a_saved_user(definition, asset):
    with pytest.raises(InvalidInputError, match="created_by must be a saved"):
        create_encounter(definition, subject=asset, created_by=asset)


def test_a_backdated_start_is_kept(definition, asset):
    started = timezone.now() - dt.timedelta(days=2)
    encounter = create_encounter(definition, subject=asset, created_by=None, started_at=started)
    fresh = Encounter.objects.get(pk=encounter.pk)
    assert fresh.started_at == fresh.state_since == started
    assert fresh.created_at > started


@pytest.mark.parametrize(
    "started_at, message",
    [
        (dt.datetime(2024, 1, 1, 9, 0), "timezone-aware"),
        ("2024-01-01", "timezone-aware"),
        (timezone.now() + dt.timedelta(days=1), "in the future"),
    ],
)
def test_a_naive_or_future_start_is_refused(definition, asset, started_at, message):
    with pytest.raises(InvalidInputError, match=message):
        create_encounter(definition, subject=asset, created_by=None, started_at=started_at)


def test_the_initial_state_stays_as_it_was_when_the_definition_changes_it(definition, asset):
    encounter = create_encounter(definition, subject=asset, created_by=None)
    definition.initial_state = "active"
    definition.transitions = {**definition.transitions, "active": ["pending", "review", "cancelled"]}
    definition.save()
    fresh = Encounter.objects.get(pk=encounter.pk)
    assert (fresh.state, fresh.initial_state) == ("pending", "pending")
    assert create_encounter(definition, subject=asset, created_by=None).state == "active"


def test_the_same_idempotency_key_creates_one_encounter(definition, asset, user):
    results = assert_idempotent(
        lambda: create_encounter("repair_job", subject=asset, created_by=user, idempotency_key="visit-1"),
        count=Encounter.objects.count,
    )
    assert results[0].subject == asset


def test_an_idempotency_key_reused_for_another_subject_conflicts(definition, asset, ticket):
    create_encounter(definition, subject=asset, created_by=None, idempotency_key="visit-1")
    with pytest.raises(IdempotencyConflictError):
        create_encounter(definition, subject=ticket, created_by=None, idempotency_key="visit-1")
    assert Encounter.objects.count() == 1
