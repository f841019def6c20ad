"""Per-org, per-period sequence numbers for Django: ``next_sequence("invoice", org=org)`` gives ``"INV-2026-0001"``.

The services and selectors below are importable from the package root (``from django_sequence import
next_sequence``) and are imported on first use, so ``import django_sequence`` works before the app
registry is ready. Models are imported from ``django_sequence.models``.
"""

from typing import TYPE_CHECKING

from django_basemodels.exports import lazy_exports
from django_sequence.choices import GapPolicy, Period
from django_sequence.connections import close_connections
from django_sequence.definitions import clear_definition_cache
from django_sequence.exceptions import (
    InvalidDefinition,
    InvalidDefinitionError,
    InvalidIdempotencyKeyError,
    InvalidMoment,
    InvalidMomentError,
    InvalidOrg,
    InvalidOrgError,
    InvalidScope,
    InvalidScopeError,
    InvalidTemplate,
    InvalidTemplateError,
    SequenceError,
    SequenceNotDefined,
    SequenceNotDefinedError,
)
from django_sequence.keys import canonical_org_key

if TYPE_CHECKING:
    from django_sequence.selectors import definition_for, last_value
    from django_sequence.services import define_sequence, next_sequence, next_value

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "django_sequence.services": ["define_sequence", "next_sequence", "next_value"],
        "django_sequence.selectors": ["definition_for", "last_value"],
    },
)

__all__ = [
    "GapPolicy",
    "InvalidDefinition",
    "InvalidDefinitionError",
    "InvalidIdempotencyKeyError",
    "InvalidMoment",
    "InvalidMomentError",
    "InvalidOrg",
    "InvalidOrgError",
    "InvalidScope",
    "InvalidScopeError",
    "InvalidTemplate",
    "InvalidTemplateError",
    "Period",
    "SequenceError",
    "SequenceNotDefined",
    "SequenceNotDefinedError",
    "canonical_org_key",
    "clear_definition_cache",
    "close_connections",
    "define_sequence",
    "definition_for",
    "last_value",
    "next_sequence",
    "next_value",
]
