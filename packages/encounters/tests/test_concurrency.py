"""Simultaneous transitions of one encounter, real threads each on its own connection (PostgreSQL, MariaDB/MySQL)."""

import pytest

from django_basemodels.testing import PATIENCE, join_threads, start_concurrently, wait_for_lock_waiters
from django_encounters import InvalidDefinitionError, TransitionNotAllowedError
from django_encounters.models import Encounter, EncounterDefinition, EncounterTransition
from django_encounters.services import TransitionResult, create_encounter, transition
from tests.testapp.models import Asset
from tests.testapp.validators import Gate

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

WORKERS = 8
GATE = "tests.testapp.validators.Gate"
FLOW = {
    "key": "flow",
    "states": ["A", "B", "C", "done"],
    "transitions": {"A": ["B", "C"], "B": ["done"], "C": ["done"]},
    "initial_state": "A",
    "terminal_states": ["done"],
}


@pytest.fixture(autouse=True)
def closed_gate():
    Gate.reset()
    yield
    Gate.release.set()


@pytest.fixture
def encounter():
    EncounterDefinition.objects.create(**FLOW, validator_paths=[GATE])
    return create_encounter("flow", subject=Asset.objects.create(name="a"), created_by=None)


def finish(threads) -> None:
    Gate.release.set()
    join_threads(threads)


def test_eight_simultaneous_moves_of_one_encounter_apply_exactly_once(encounter):
    outcomes, threads = start_concurrently(
        lambda: transition(Encounter.objects.get(pk=encounter.pk), "B", by_user=None), workers=WORKERS
    )
    assert Gate.entered.wait(PATIENCE)
    waiting = wait_for_lock_waiters(WORKERS - 1)
    finish(threads)

    assert waiting >= WORKERS - 1, f"only {waiting} moves waited on the row lock while the first one ran"
    applied = [outcome for outcome in outcomes if isinstance(outcome, TransitionResult)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, TransitionNotAllowedError)]
    assert len(applied) == 1 and len(refused) == WORKERS - 1, outcomes
    assert {(error.from_state, error.to_state) for error in refused} == {("B", "B")}
    assert list(EncounterTransition.objects.values_list("from_state", "to_state")) == [("A", "B")]
    assert Gate.calls == ["B"]
    fresh = Encounter.objects.get()
    assert (fresh.state, fresh.transition_count) == ("B", 1)


def test_simultaneous_moves_to_different_states_leave_one_consistent_history(encounter):
    outcomes, threads = start_concurrently(
        [
            lambda target=target: transition(Encounter.objects.get(pk=encounter.pk), target, by_user=None)
            for target in ["B", "C"] * (WORKERS // 2)
        ]
    )
    assert Gate.entered.wait(PATIENCE)
    wait_for_lock_waiters(WORKERS - 1)
    finish(threads)

    applied = [outcome for outcome in outcomes if isinstance(outcome, TransitionResult)]
    assert len(applied) == 1, outcomes
    assert all(isinstance(outcome, (TransitionResult, TransitionNotAllowedError)) for outcome in outcomes), outcomes
    [move] = EncounterTransition.objects.all()
    assert Encounter.objects.get().state == move.to_state == applied[0].transition.to_state


def test_the_same_idempotency_key_from_eight_threads_applies_once_and_all_get_that_move(encounter):
    outcomes, threads = start_concurrently(
        lambda: transition(Encounter.objects.get(pk=encounter.pk), "B", by_user=None, idempotency_key="request-1"),
        workers=WORKERS,
    )
    assert Gate.entered.wait(PATIENCE)
    wait_for_lock_waiters(WORKERS - 1)
    finish(threads)

    assert all(isinstance(outcome, TransitionResult) for outcome in outcomes), outcomes
    move = EncounterTransition.objects.get()
    assert {outcome.transition.pk for outcome in outcomes} == {move.pk}
    assert sorted(outcome.replayed for outcome in outcomes) == [False] + [True] * (WORKERS - 1)


def test_a_definition_edit_waits_for_a_running_move_and_then_refuses_to_strand_it(encounter):
    moving, move_threads = start_concurrently(
        [lambda: transition(Encounter.objects.get(pk=encounter.pk), "B", by_user=None)]
    )
    assert Gate.entered.wait(PATIENCE)

    def remove_state_b():
        definition = EncounterDefinition.objects.get(key="flow")
        definition.states = ["A", "C", "done"]
        definition.transitions = {"A": ["C"], "C": ["done"]}
        definition.save()

    editing, edit_threads = start_concurrently([remove_state_b])
    waiting = wait_for_lock_waiters(1)
    finish(move_threads + edit_threads)

    assert waiting >= 1, "the definition edit did not wait for the running move"
    assert isinstance(moving[0], TransitionResult), moving
    assert isinstance(editing[0], InvalidDefinitionError), editing
    assert editing[0].states == ["B"]
    assert EncounterDefinition.objects.get().states == FLOW["states"]
