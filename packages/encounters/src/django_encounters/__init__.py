"""Definition-driven state machines attached to any model, with pluggable validators.

Models need the app registry: import them from ``django_encounters.models``, writes from
``django_encounters.services`` and board reads from ``django_encounters.selectors``. What is
below is safe to import anywhere (validators modules, settings code).
"""

from django_encounters.exceptions import (
    EncountersError,
    InvalidDefinition,
    InvalidInput,
    TransitionBlocked,
    TransitionImmutable,
    TransitionNotAllowed,
    UnknownDefinition,
    ValidatorError,
)
from django_encounters.graph import DefinitionProblem, validate_definition_graph
from django_encounters.validators import Issue, ValidationResult, Validator

__all__ = [
    "DefinitionProblem",
    "EncountersError",
    "InvalidDefinition",
    "InvalidInput",
    "Issue",
    "TransitionBlocked",
    "TransitionImmutable",
    "TransitionNotAllowed",
    "UnknownDefinition",
    "ValidationResult",
    "Validator",
    "ValidatorError",
    "validate_definition_graph",
]
