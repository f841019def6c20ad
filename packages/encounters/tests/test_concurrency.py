"""Simultaneous transitions of one encounter, with real threads each on its own PostgreSQL connection."""

import threading
import time

import pytest
from django.db import connection

from django_encounters import InvalidDefinition, TransitionNotAllowed
from django_encounters.models import Encounter, EncounterDefinition, EncounterTransition
from django_encounters.services import TransitionResult, create_encounter, transition
from tests.testapp.models import Asset
from tests.testapp.validators import Gate

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 8
# Upper bound on waiting for threads to reach a state; never asserted on, only keeps a broken run from hanging.
PATIENCE = 60
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


def backends_waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def wait_for_waiters(count: int) -> int:
    deadline = time.monotonic() + PATIENCE
    waiting = backends_waiting_on_a_lock()
    while waiting < count and time.monotonic() < deadline:
        time.sleep(0.005)
        waiting = backends_waiting_on_a_lock()
    return waiting


def run_in_threads(target, count: int) -> tuple[list, list[threading.Thread]]:
    outcomes: list = [None] * count
    barrier = threading.Barrier(count)

    def worker(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = target(index)
        except Exception as exc:  # collected and asserted on by the test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    return outcomes, threads


def finish(threads) -> None:
    Gate.release.set()
    for thread in threads:
        thread.join()


def test_eight_simultaneous_moves_of_one_encounter_apply_exactly_once(encounter):
    outcomes, threads = run_in_threads(
        lambda index: transition(Encounter.objects.get(pk=encounter.pk), "B", by_user=None), WORKERS
    )
    assert Gate.entered.wait(PATIENCE)
    waiting = wait_for_waiters(WORKERS - 1)
    finish(threads)

    assert waiting >= WORKERS - 1, f"only {waiting} moves waited on the row lock while the first one ran"
    applied = [outcome for outcome in outcomes if isinstance(outcome, TransitionResult)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, TransitionNotAllowed)]
    assert len(applied) == 1 and len(refused) == WORKERS - 1, outcomes
    assert {(error.from_state, error.to_state) for error in refused} == {("B", "B")}
    assert list(EncounterTransition.objects.values_list("from_state", "to_state")) == [("A", "B")]
    assert Gate.calls == ["B"]
    fresh = Encounter.objects.get()
    assert (fresh.state, fresh.transition_count) == ("B", 1)


def test_simultaneous_moves_to_different_states_leave_one_consistent_history(encounter):
    targets = ["B", "C"] * (WORKERS // 2)
    outcomes, threads = run_in_threads(
        lambda index: transition(Encounter.objects.get(pk=encounter.pk), targets[index], by_user=None), WORKERS
    )
    assert Gate.entered.wait(PATIENCE)
    wait_for_waiters(WORKERS - 1)
    finish(threads)

    applied = [outcome for outcome in outcomes if isinstance(outcome, TransitionResult)]
    assert len(applied) == 1, outcomes
    assert all(isinstance(outcome, (TransitionResult, TransitionNotAllowed)) for outcome in outcomes), outcomes
    [move] = EncounterTransition.objects.all()
    assert Encounter.objects.get().state == move.to_state == applied[0].transition.to_state


def test_the_same_idempotency_key_from_eight_threads_applies_once_and_all_get_that_move(encounter):
    outcomes, threads = run_in_threads(
        lambda index: transition(
            Encounter.objects.get(pk=encounter.pk), "B", by_user=None, idempotency_key="request-1"
        ),
        WORKERS,
    )
    assert Gate.entered.wait(PATIENCE)
    wait_for_waiters(WORKERS - 1)
    finish(threads)

    assert all(isinstance(outcome, TransitionResult) for outcome in outcomes), outcomes
    move = EncounterTransition.objects.get()
    assert {outcome.transition.pk for outcome in outcomes} == {move.pk}
    assert sorted(outcome.replayed for outcome in outcomes) == [False] + [True] * (WORKERS - 1)


def test_a_definition_edit_waits_for_a_running_move_and_then_refuses_to_strand_it(encounter):
    moving, move_threads = run_in_threads(
        lambda index: transition(Encounter.objects.get(pk=encounter.pk), "B", by_user=None), 1
    )
    assert Gate.entered.wait(PATIENCE)

    def remove_state_b(index):
        definition = EncounterDefinition.objects.get(key="flow")
        definition.states = ["A", "C", "done"]
        definition.transitions = {"A": ["C"], "C": ["done"]}
        definition.save()

    editing, edit_threads = run_in_threads(remove_state_b, 1)
    waiting = wait_for_waiters(1)
    finish(move_threads + edit_threads)

    assert waiting >= 1, "the definition edit did not wait for the running move"
    assert isinstance(moving[0], TransitionResult), moving
    assert isinstance(editing[0], InvalidDefinition), editing
    assert editing[0].states == ["B"]
    assert EncounterDefinition.objects.get().states == FLOW["states"]
