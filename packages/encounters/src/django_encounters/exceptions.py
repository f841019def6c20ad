"""Exceptions of django-encounters: one base class, ``EncountersError``, and typed subclasses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django_encounters.graph import DefinitionProblem
    from django_encounters.validators import Issue


class EncountersError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidDefinitionError(EncountersError, ValueError):
    """An encounter definition was refused; ``problems`` lists every problem found, each naming its state.

    ``states`` gives the distinct states named by the problems, in order.
    """

    def __init__(self, problems: Sequence[DefinitionProblem]) -> None:
        self.problems: tuple[DefinitionProblem, ...] = tuple(problems)
        super().__init__("Invalid encounter definition: " + " ".join(problem.message for problem in self.problems))

    @property
    def states(self) -> list[str]:
        named: list[str] = []
        for problem in self.problems:
            if problem.state is not None and problem.state not in named:
                named.append(problem.state)
        return named


class UnknownDefinitionError(EncountersError, LookupError):
    """No encounter definition of the organization ``org_key`` (``""``: of no organization) has this ``key``."""

    def __init__(self, key: Any, *, org_key: str = "") -> None:
        self.key = key
        self.org_key = org_key
        whose = f" in organization {org_key!r}" if org_key else ""
        super().__init__(f"No encounter definition with key {key!r}{whose}.")


class InvalidInputError(EncountersError, ValueError):
    """A service was given an argument it cannot accept; nothing was written.

    For example an unsaved subject, a naive or future ``effective_at``, metadata without a JSON form.
    """


class CrossOrgDefinitionError(InvalidInputError):
    """The definition given belongs to another organization than the ``org`` given; nothing was written.

    ``org_key`` is the organization asked for, ``definition_org_key`` the definition's (``""``: no organization).
    """

    def __init__(self, message: str, *, org_key: str, definition_org_key: str) -> None:
        super().__init__(message)
        self.org_key = org_key
        self.definition_org_key = definition_org_key


class TransitionNotAllowedError(EncountersError):
    """The definition has no edge from the encounter's current state to ``to_state``, or the encounter has ended.

    ``from_state`` is the state read under the row lock, so a move made meanwhile by someone else
    shows here; ``allowed`` lists the states reachable from it (empty once the encounter ended).
    """

    def __init__(
        self, message: str, *, encounter_id: Any, from_state: str, to_state: str, allowed: Iterable[str]
    ) -> None:
        super().__init__(message)
        self.encounter_id = encounter_id
        self.from_state = from_state
        self.to_state = to_state
        self.allowed: tuple[str, ...] = tuple(allowed)


class TransitionBlockedError(EncountersError):
    """Validators refused the transition; ``reasons`` holds every blocking ``Issue``, from every validator."""

    def __init__(self, *, encounter_id: Any, from_state: str, to_state: str, reasons: Sequence[Issue]) -> None:
        self.encounter_id = encounter_id
        self.from_state = from_state
        self.to_state = to_state
        self.reasons: tuple[Issue, ...] = tuple(reasons)
        listed = "; ".join(f"{reason.message} ({reason.validator})" for reason in self.reasons)
        super().__init__(f"Transition {from_state!r} -> {to_state!r} of encounter {encounter_id} blocked: {listed}")

    @property
    def messages(self) -> list[str]:
        return [reason.message for reason in self.reasons]


class ValidatorError(EncountersError):
    """A validator path does not load a ``Validator`` subclass, or a validator broke its contract.

    ``path`` is the dotted path of the validator at fault.
    """

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message)
        self.path = path


class TransitionImmutableError(EncountersError):
    """Encounter transitions are append-only facts: they are never updated or deleted."""


# The names without "Error" are deprecated aliases, kept for one release so ``except TransitionBlocked`` keeps working.
InvalidDefinition = InvalidDefinitionError
UnknownDefinition = UnknownDefinitionError
InvalidInput = InvalidInputError
TransitionNotAllowed = TransitionNotAllowedError
TransitionBlocked = TransitionBlockedError
TransitionImmutable = TransitionImmutableError
