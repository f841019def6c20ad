"""transition: moves along an edge of the definition under a row lock, or refuses and writes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from django_decisioning.testing import assert_snapshot_independent
from django_encounters import InvalidInputError, TransitionNotAllowedError
from django_encounters.models import Encounter, EncounterDefinition, EncounterTransition
from django_encounters.services import TransitionResult, create_encounter, transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def encounter(definition, asset, user):
    return create_encounter("repair_job", subject=asset, created_by=user)


def test_the_seed_call_moves_the_encounter_and_logs_the_move(encounter, user):
    result = transition(encounter, "active", by_user=user)
    assert isinstance(result, TransitionResult) and not result.replayed
    record = EncounterTransition.objects.get()
    assert (record.encounter, record.sequence, record.from_state, record.to_state, record.by_user) == (
        encounter,
        1,
        "pending",
        "active",
        user,
    )
    assert (record.metadata, record.warnings) == ({}, [])
    assert result.transition == record and result.warnings == ()
    fresh = Encounter.objects.get(pk=encounter.pk)
    assert (fresh.state, fresh.transition_count, fresh.state_since) == ("active", 1, record.effective_at)


def test_the_encounter_passed_in_is_updated_in_place(encounter):
    result = transition(encounter, "active", by_user=None)
    assert result.encounter is encounter and result.transition.encounter is encounter
    assert (encounter.state, encounter.transition_count) == ("active", 1)


def test_moves_are_numbered_in_order(encounter):
    for state in ("active", "review", "active", "review", "completed"):
        transition(encounter, state, by_user=None)
    moves = list(encounter.transitions.order_by("sequence").values_list("sequence", "from_state", "to_state"))
    assert moves == [
        (1, "pending", "active"),
        (2, "active", "review"),
        (3, "review", "active"),
        (4, "active", "review"),
        (5, "review", "completed"),
    ]


def test_a_move_without_an_edge_is_not_allowed_and_writes_nothing(encounter):
    with pytest.raises(TransitionNotAllowedError) as refused:
        transition(encounter, "completed", by_user=None)
    assert (refused.value.from_state, refused.value.to_state, refused.value.allowed) == (
        "pending",
        "completed",
        ("active", "cancelled"),
    )
    assert refused.value.encounter_id == encounter.pk
    assert not EncounterTransition.objects.exists()
    assert Encounter.objects.get().state == "pending"


def test_a_move_to_an_unknown_state_says_so(encounter):
    with pytest.raises(TransitionNotAllowedError, match="'archived' is not a state of 'repair_job'"):
        transition(encounter, "archived", by_user=None)


def test_reaching_a_terminal_state_ends_the_encounter(encounter):
    result = transition(encounter, "cancelled", by_user=None)
    fresh = Encounter.objects.get()
    assert fresh.ended_at == result.transition.effective_at
    assert not fresh.is_open
    assert list(Encounter.objects.ended()) == [fresh] and not Encounter.objects.open().exists()


def test_an_ended_encounter_cannot_move(encounter):
    transition(encounter, "cancelled", by_user=None)
    with pytest.raises(TransitionNotAllowedError):
        transition(encounter, "pending", by_user=None)
    assert EncounterTransition.objects.count() == 1


def test_a_stale_instance_is_checked_against_the_state_in_the_database(encounter):
    stale = Encounter.objects.get(pk=encounter.pk)
    transition(encounter, "active", by_user=None)
    with pytest.raises(TransitionNotAllowedError) as refused:
        transition(stale, "active", by_user=None)
    assert refused.value.from_state == "active"
    assert EncounterTransition.objects.count() == 1


def test_metadata_is_stored_as_json(encounter):
    when = timezone.now()
    transition(
        encounter, "active", by_user=None, metadata={"cost": Decimal("19.90"), "at": when, "temp": 38.5, "ok": True}
    )
    assert EncounterTransition.objects.get().metadata == {
        "cost": "19.90",
        "at": when.astimezone(dt.timezone.utc).isoformat(),
        "temp": 38.5,
        "ok": True,
    }


@pytest.mark.parametrize("metadata, message", [({"tags": {"a"}}, "set"), (["a"], "mapping")])
def test_metadata_without_a_json_form_is_refused(encounter, metadata, message):
    with pytest.raises(InvalidInputError, match=message):
        transition(encounter, "active", by_user=None, metadata=metadata)
    assert not EncounterTransition.objects.exists()


def test_by_user_must_be_a_saved_user(encounter, asset):
    with pytest.raises(InvalidInputError, match="by_user"):
        transition(encounter, "active", by_user=asset)


def test_an_unsaved_encounter_is_refused(definition, asset):
    with pytest.raises(InvalidInputError, match="saved Encounter"):
        transition(Encounter(definition=definition, state="pending"), "active", by_user=None)


@pytest.mark.parametrize("to_state", ["", None])
def test_an_empty_target_state_is_refused(encounter, to_state):
    with pytest.raises(InvalidInputError, match="to_state"):
        transition(encounter, to_state, by_user=None)


def test_a_transition_snapshot_does_not_follow_later_definition_changes(encounter):
    record = transition(encounter, "active", by_user=None, metadata={"note": "kick-off"}).transition

    def rework_definition():
        definition = EncounterDefinition.objects.get()
        definition.states = [*definition.states, "on_hold"]
        definition.transitions = {
            **definition.transitions,
            "active": ["review", "on_hold", "cancelled"],
            "on_hold": ["active"],
        }
        definition.save()

    assert_snapshot_independent(
        record,
        mutate=rework_definition,
        read=lambda move: (move.from_state, move.to_state, move.metadata, move.warnings, move.effective_at),
    )


def test_moves_into_a_state_are_found(encounter, user):
    transition(encounter, "active", by_user=user)
    transition(encounter, "cancelled", by_user=user)
    assert list(EncounterTransition.objects.into_state("cancelled", "completed").values_list("from_state")) == [
        ("active",)
    ]
