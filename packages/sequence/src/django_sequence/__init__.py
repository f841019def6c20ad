"""Per-org, per-period sequence numbers for Django: ``next_sequence("invoice", org=org)`` gives ``"INV-2026-0001"``.

Models are imported from ``django_sequence.models`` (they need the app registry); everything below is
safe to import anywhere, and imports the models only when called.
"""

from django_sequence.choices import GapPolicy, Period
from django_sequence.connections import close_connections
from django_sequence.definitions import clear_definition_cache
from django_sequence.exceptions import (
    InvalidDefinition,
    InvalidMoment,
    InvalidOrg,
    InvalidScope,
    InvalidTemplate,
    SequenceError,
    SequenceNotDefined,
)
from django_sequence.keys import canonical_org_key
from django_sequence.selectors import last_value
from django_sequence.services import define_sequence, next_sequence, next_value

__all__ = [
    "GapPolicy",
    "InvalidDefinition",
    "InvalidMoment",
    "InvalidOrg",
    "InvalidScope",
    "InvalidTemplate",
    "Period",
    "SequenceError",
    "SequenceNotDefined",
    "canonical_org_key",
    "clear_definition_cache",
    "close_connections",
    "define_sequence",
    "last_value",
    "next_sequence",
    "next_value",
]
