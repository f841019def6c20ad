"""The graph rules of a definition, checked by the pure function (no database)."""

import pytest

from django_encounters import DefinitionProblem, validate_definition_graph
from tests.conftest import REPAIR_JOB


def problems_of(**changes):
    graph = {name: REPAIR_JOB[name] for name in ("states", "transitions", "initial_state", "terminal_states")}
    graph.update(changes)
    return validate_definition_graph(**graph)


def named_states(problems):
    return [problem.state for problem in problems]


def test_a_valid_graph_has_no_problems():
    assert problems_of() == []


def test_a_self_loop_is_allowed():
    assert problems_of(transitions={**REPAIR_JOB["transitions"], "active": ["active", "review", "cancelled"]}) == []


@pytest.mark.parametrize("states", [[], "pending", None, ["pending", 3]])
def test_states_must_be_a_non_empty_list_of_names(states):
    assert problems_of(states=states) == [
        DefinitionProblem("states", "states must be a non-empty list of state names.")
    ]


def test_a_state_listed_twice_is_named():
    problems = problems_of(states=[*REPAIR_JOB["states"], "review"])
    assert [(p.field, p.state) for p in problems] == [("states", "review")]
    assert "listed twice" in problems[0].message


def test_an_empty_state_name_is_a_problem():
    problems = problems_of(states=[*REPAIR_JOB["states"], " "])
    assert [(p.field, p.state) for p in problems] == [("states", " ")]


def test_a_state_name_longer_than_the_column_is_named():
    long_name = "x" * 101
    problems = problems_of(states=[*REPAIR_JOB["states"], long_name])
    assert problems[0].state == long_name and "longer than 100" in problems[0].message


def test_a_transition_to_an_unknown_state_names_it():
    problems = problems_of(transitions={**REPAIR_JOB["transitions"], "active": ["review", "cancelled", "archived"]})
    assert named_states(problems) == ["archived"]
    assert "'active' -> 'archived'" in problems[0].message


def test_a_transition_from_an_unknown_state_names_it():
    problems = problems_of(transitions={**REPAIR_JOB["transitions"], "archived": ["pending"]})
    assert named_states(problems) == ["archived"]
    assert problems[0].field == "transitions"


def test_a_target_listed_twice_names_its_source():
    problems = problems_of(transitions={**REPAIR_JOB["transitions"], "pending": ["active", "active", "cancelled"]})
    assert named_states(problems) == ["pending"]
    assert "listed twice" in problems[0].message


def test_targets_that_are_not_a_list_name_their_source():
    problems = problems_of(transitions={**REPAIR_JOB["transitions"], "review": "completed"})
    assert "review" in named_states(problems)
    assert "must be a list" in problems[0].message


def test_transitions_must_be_a_mapping():
    problems = problems_of(transitions=[["pending", "active"]])
    assert problems[0] == DefinitionProblem(
        "transitions", "transitions must be a mapping of a state to the list of states it may move to."
    )


def test_a_terminal_state_with_outgoing_transitions_is_named():
    problems = problems_of(transitions={**REPAIR_JOB["transitions"], "completed": ["review"]})
    assert [(p.field, p.state) for p in problems] == [("transitions", "completed")]
    assert "terminal state 'completed' has outgoing transitions" in problems[0].message


def test_a_terminal_state_may_list_no_transitions():
    assert problems_of(transitions={**REPAIR_JOB["transitions"], "completed": []}) == []


def test_an_unknown_terminal_state_is_named():
    problems = problems_of(terminal_states=["completed", "cancelled", "archived"])
    assert [(p.field, p.state) for p in problems] == [("terminal_states", "archived")]


def test_a_terminal_state_listed_twice_is_named():
    problems = problems_of(terminal_states=["completed", "cancelled", "completed"])
    assert [(p.field, p.state) for p in problems] == [("terminal_states", "completed")]


def test_no_terminal_state_is_one_problem():
    problems = problems_of(terminal_states=[])
    assert problems == [DefinitionProblem("terminal_states", "terminal_states is empty: no encounter could ever end.")]


def test_terminal_states_must_be_a_list():
    problems = problems_of(terminal_states="completed")
    assert problems[0].field == "terminal_states"


@pytest.mark.parametrize("initial", ["archived", "", None])
def test_an_unknown_initial_state_is_a_problem(initial):
    problems = problems_of(initial_state=initial)
    assert [p.field for p in problems] == ["initial_state"]
    assert problems[0].state == (initial or None)


def test_a_terminal_initial_state_is_named():
    problems = problems_of(initial_state="cancelled")
    assert ("initial_state", "cancelled") in [(p.field, p.state) for p in problems]


def test_a_state_unreachable_from_the_initial_state_is_named():
    problems = problems_of(
        states=[*REPAIR_JOB["states"], "archived"],
        transitions={**REPAIR_JOB["transitions"], "archived": ["completed"]},
    )
    assert [(p.state, p.message) for p in problems] == [
        ("archived", "state 'archived' is not reachable from the initial state 'pending'.")
    ]


def test_a_non_terminal_state_that_cannot_reach_a_terminal_one_is_named():
    problems = problems_of(
        states=[*REPAIR_JOB["states"], "limbo", "purgatory"],
        transitions={
            **REPAIR_JOB["transitions"],
            "active": ["review", "limbo"],
            "limbo": ["purgatory"],
            "purgatory": ["limbo"],
        },
    )
    assert [(p.state, p.message) for p in problems] == [
        ("limbo", "state 'limbo' cannot reach any terminal state."),
        ("purgatory", "state 'purgatory' cannot reach any terminal state."),
    ]


def test_every_problem_is_reported_at_once():
    problems = problems_of(
        states=["pending", "active", "done", "orphan"],
        transitions={"pending": ["active", "ghost"], "done": ["active"]},
        terminal_states=["done"],
    )
    assert [problem.message for problem in problems] == [
        "transition 'pending' -> 'ghost' names 'ghost', which is not one of the states.",
        "terminal state 'done' has outgoing transitions (to 'active').",
        "state 'done' is not reachable from the initial state 'pending'.",
        "state 'orphan' is not reachable from the initial state 'pending'.",
        "state 'pending' cannot reach any terminal state.",
        "state 'active' cannot reach any terminal state.",
        "state 'orphan' cannot reach any terminal state.",
    ]
    assert named_states(problems) == ["ghost", "done", "done", "orphan", "pending", "active", "orphan"]


def test_a_problem_reads_as_its_message():
    [problem] = problems_of(initial_state="nowhere")
    assert str(problem) == "initial state 'nowhere' is not one of the states."
