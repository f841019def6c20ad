"""Time semantics, idempotent decision surfaces and recorded decisions for Django.

The services (``run_once``, ``record_decision``, ...) and the request helpers of ``http`` (``respond_once``,
``read_idempotency_key``, ...) are importable from here and load on first use; the Django REST framework
views' helpers live in ``django_decisioning.drf`` (the ``drf`` extra), which this module never imports;
models and mixins need the app registry: import them from ``django_decisioning.models`` and
``django_decisioning.mixins``. Everything else below is safe to import anywhere.
"""

from typing import TYPE_CHECKING

from django_basemodels.exports import lazy_exports
from django_decisioning.canonical import canonical_json, request_fingerprint, to_json_value
from django_decisioning.decorators import idempotent
from django_decisioning.exceptions import (
    DecisionImmutable,
    DecisionImmutableError,
    DecisioningError,
    IdempotencyConflict,
    IdempotencyConflictError,
    IdempotencyError,
    IdempotencyInProgress,
    IdempotencyInProgressError,
    InvalidDecision,
    InvalidDecisionError,
    InvalidIdempotencyKeyError,
    StoredResultUnavailable,
    StoredResultUnavailableError,
    UnsupportedValue,
    UnsupportedValueError,
)
from django_decisioning.querysets import DecisionQuerySet, EffectiveDatedQuerySet, EventAsOfQuerySet

if TYPE_CHECKING:
    from django_decisioning.http import (
        RequestOutcome,
        read_idempotency_key,
        request_idempotency_key,
        request_payload,
        respond_once,
    )
    from django_decisioning.services import (
        purge_expired_idempotency_keys,
        record_decision,
        run_idempotent,
        run_once,
    )

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "django_decisioning.services": [
            "purge_expired_idempotency_keys",
            "record_decision",
            "run_idempotent",
            "run_once",
        ],
        "django_decisioning.http": [
            "RequestOutcome",
            "read_idempotency_key",
            "request_idempotency_key",
            "request_payload",
            "respond_once",
        ],
    },
)

# The exception names without "Error" are their deprecated aliases, kept for one release.
__all__ = [
    "DecisionImmutable",
    "DecisionImmutableError",
    "DecisionQuerySet",
    "DecisioningError",
    "EffectiveDatedQuerySet",
    "EventAsOfQuerySet",
    "IdempotencyConflict",
    "IdempotencyConflictError",
    "IdempotencyError",
    "IdempotencyInProgress",
    "IdempotencyInProgressError",
    "InvalidDecision",
    "InvalidDecisionError",
    "InvalidIdempotencyKeyError",
    "RequestOutcome",
    "StoredResultUnavailable",
    "StoredResultUnavailableError",
    "UnsupportedValue",
    "UnsupportedValueError",
    "canonical_json",
    "idempotent",
    "purge_expired_idempotency_keys",
    "read_idempotency_key",
    "record_decision",
    "request_fingerprint",
    "request_idempotency_key",
    "request_payload",
    "respond_once",
    "run_idempotent",
    "run_once",
    "to_json_value",
]
