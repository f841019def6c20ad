"""Time semantics, idempotent decision surfaces and recorded decisions for Django.

Models and mixins need the app registry: import them from ``django_decisioning.models`` and
``django_decisioning.mixins``; writes from ``django_decisioning.services``. What is below is safe
to import anywhere.
"""

from django_decisioning.canonical import canonical_json, request_fingerprint, to_json_value
from django_decisioning.decorators import idempotent
from django_decisioning.exceptions import (
    DecisionImmutable,
    DecisioningError,
    IdempotencyConflict,
    IdempotencyError,
    IdempotencyInProgress,
    InvalidDecision,
    StoredResultUnavailable,
    UnsupportedValue,
)
from django_decisioning.querysets import DecisionQuerySet, EffectiveDatedQuerySet, EventAsOfQuerySet

__all__ = [
    "DecisionImmutable",
    "DecisionQuerySet",
    "DecisioningError",
    "EffectiveDatedQuerySet",
    "EventAsOfQuerySet",
    "IdempotencyConflict",
    "IdempotencyError",
    "IdempotencyInProgress",
    "InvalidDecision",
    "StoredResultUnavailable",
    "UnsupportedValue",
    "canonical_json",
    "idempotent",
    "request_fingerprint",
    "to_json_value",
]
