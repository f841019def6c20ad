"""Definition-driven state machines attached to any model, with pluggable validators.

The services and selectors (``create_encounter``, ``transition``, ``get_allowed_transitions``,
``encounter_board``, ``definitions``, ``get_definition``, ``encounters_for``) are importable from here
and load on first use; models need the app registry: import them from ``django_encounters.models``.
Everything else below is safe to import anywhere (validators modules, settings code).
"""

from typing import TYPE_CHECKING

from django_basemodels.exports import lazy_exports
from django_encounters.exceptions import (
    CrossOrgDefinitionError,
    EncountersError,
    InvalidDefinition,
    InvalidDefinitionError,
    InvalidInput,
    InvalidInputError,
    TransitionBlocked,
    TransitionBlockedError,
    TransitionImmutable,
    TransitionImmutableError,
    TransitionNotAllowed,
    TransitionNotAllowedError,
    UnknownDefinition,
    UnknownDefinitionError,
    ValidatorError,
)
from django_encounters.graph import DefinitionProblem, validate_definition_graph
from django_encounters.validators import Issue, ValidationResult, Validator

if TYPE_CHECKING:
    from django_encounters.selectors import definitions, encounter_board, encounters_for, get_definition
    from django_encounters.services import TransitionResult, create_encounter, get_allowed_transitions, transition

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "django_encounters.services": ["TransitionResult", "create_encounter", "get_allowed_transitions", "transition"],
        "django_encounters.selectors": ["definitions", "encounter_board", "encounters_for", "get_definition"],
    },
)

# The exception names without "Error" are their deprecated aliases, kept for one release.
__all__ = [
    "CrossOrgDefinitionError",
    "DefinitionProblem",
    "EncountersError",
    "InvalidDefinition",
    "InvalidDefinitionError",
    "InvalidInput",
    "InvalidInputError",
    "Issue",
    "TransitionBlocked",
    "TransitionBlockedError",
    "TransitionImmutable",
    "TransitionImmutableError",
    "TransitionNotAllowed",
    "TransitionNotAllowedError",
    "TransitionResult",
    "UnknownDefinition",
    "UnknownDefinitionError",
    "ValidationResult",
    "Validator",
    "ValidatorError",
    "create_encounter",
    "definitions",
    "encounter_board",
    "encounters_for",
    "get_allowed_transitions",
    "get_definition",
    "transition",
    "validate_definition_graph",
]
