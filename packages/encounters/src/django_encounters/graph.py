"""The graph rules of an encounter definition, as a pure function over plain data.

``validate_definition_graph`` needs no database and no app registry: models call it from
``clean()`` and ``save()``, and it can check a definition held in a fixture or a settings file.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

STATE_MAX_LENGTH = 100


@dataclass(frozen=True)
class DefinitionProblem:
    """One thing wrong with a definition: the ``field`` at fault, the ``state`` it concerns (if any), why."""

    field: str
    message: str
    state: str | None = None

    def __str__(self) -> str:
        return self.message


def _is_state_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value)


def _reachable(start: Iterable[str], edges: Mapping[str, Iterable[str]]) -> set[str]:
    seen = set(start)
    queue = deque(seen)
    while queue:
        for target in edges.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def validate_definition_graph(
    *, states: Any, transitions: Any, initial_state: Any, terminal_states: Any
) -> list[DefinitionProblem]:
    """Return every problem of a state machine, in a stable order; an empty list means it is valid.

    Rules: ``states`` is a non-empty list of distinct non-empty names (at most 100 characters);
    ``transitions`` maps a state to the list of states it may move to, and names known states
    only, each target once; ``initial_state`` is a known, non-terminal state; ``terminal_states``
    is a non-empty list of known states without outgoing transitions; every state is reachable
    from the initial one (breadth-first search); every non-terminal state can reach a terminal
    one (breadth-first search backwards from the terminal states). Self-loops are allowed.

    Each problem names the offending state where there is one. Malformed values (a string
    instead of a list...) are reported as problems too; nothing is raised.
    """
    problems: list[DefinitionProblem] = []

    def problem(field: str, message: str, state: str | None = None) -> None:
        problems.append(DefinitionProblem(field=field, message=message, state=state))

    if not _is_state_list(states) or not states:
        problem("states", "states must be a non-empty list of state names.")
        return problems
    known: list[str] = []
    for state in states:
        if not state.strip():
            problem("states", "states contains an empty name.", state)
        elif len(state) > STATE_MAX_LENGTH:
            problem("states", f"state {state!r} is longer than {STATE_MAX_LENGTH} characters.", state)
        elif state in known:
            problem("states", f"state {state!r} is listed twice.", state)
        else:
            known.append(state)
    known_set = set(known)

    terminals: list[str] = []
    if not _is_state_list(terminal_states):
        problem("terminal_states", "terminal_states must be a list of state names.")
    elif not terminal_states:
        problem("terminal_states", "terminal_states is empty: no encounter could ever end.")
    else:
        for state in terminal_states:
            if state not in known_set:
                problem("terminal_states", f"terminal state {state!r} is not one of the states.", state)
            elif state in terminals:
                problem("terminal_states", f"terminal state {state!r} is listed twice.", state)
            else:
                terminals.append(state)
    terminal_set = set(terminals)

    edges: dict[str, list[str]] = {}
    if not isinstance(transitions, Mapping):
        problem("transitions", "transitions must be a mapping of a state to the list of states it may move to.")
    else:
        for source, targets in transitions.items():
            if source not in known_set:
                problem("transitions", f"transitions start from {source!r}, which is not one of the states.", source)
                continue
            if not _is_state_list(targets):
                problem("transitions", f"transitions of state {source!r} must be a list of state names.", source)
                continue
            if targets and source in terminal_set:
                problem(
                    "transitions",
                    f"terminal state {source!r} has outgoing transitions (to {', '.join(map(repr, targets))}).",
                    source,
                )
            for target in targets:
                if target not in known_set:
                    problem(
                        "transitions",
                        f"transition {source!r} -> {target!r} names {target!r}, which is not one of the states.",
                        target,
                    )
                elif target in edges.setdefault(source, []):
                    problem("transitions", f"transition {source!r} -> {target!r} is listed twice.", source)
                else:
                    edges[source].append(target)

    if not isinstance(initial_state, str) or initial_state not in known_set:
        problem("initial_state", f"initial state {initial_state!r} is not one of the states.", _as_name(initial_state))
        return problems
    if initial_state in terminal_set:
        problem(
            "initial_state",
            f"initial state {initial_state!r} is terminal: an encounter would end as it starts.",
            initial_state,
        )

    reachable = _reachable([initial_state], edges)
    for state in known:
        if state not in reachable:
            problem("transitions", f"state {state!r} is not reachable from the initial state {initial_state!r}.", state)

    if terminal_set:
        backwards: dict[str, list[str]] = {}
        for source, targets in edges.items():
            for target in targets:
                backwards.setdefault(target, []).append(source)
        can_end = _reachable(terminal_set, backwards)
        for state in known:
            if state not in can_end:
                problem("transitions", f"state {state!r} cannot reach any terminal state.", state)
    return problems


def _as_name(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
