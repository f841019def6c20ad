"""Exceptions of django-decisioning: one base class, ``DecisioningError``, and typed subclasses."""

from __future__ import annotations


class DecisioningError(Exception):
    """Base class of every error this package raises on purpose."""


class IdempotencyError(DecisioningError):
    """An idempotent call could not run or replay; ``scope`` and ``key`` name the idempotency key."""

    def __init__(self, message: str, *, scope: str, key: str) -> None:
        super().__init__(message)
        self.scope = scope
        self.key = key


class IdempotencyConflictError(IdempotencyError):
    """The key was already used with a different request payload (fingerprint)."""


class IdempotencyInProgressError(IdempotencyError):
    """Another call holding the same key has not finished yet; retry later."""


class StoredResultUnavailableError(IdempotencyError):
    """A repeat found a succeeded key whose stored result can no longer be loaded (row deleted, model gone)."""


class InvalidIdempotencyKeyError(DecisioningError, ValueError):
    """A request's ``Idempotency-Key`` header is malformed (empty, too long, or not visible ASCII).

    ``header`` names the header and ``value`` holds what was sent; nothing was run or written.
    """

    def __init__(self, message: str, *, header: str, value: str) -> None:
        super().__init__(message)
        self.header = header
        self.value = value


class UnsupportedValueError(DecisioningError, TypeError):
    """A value cannot be stored as canonical JSON (a float in evidence, a ``set``, an unsaved instance...).

    Also raised, after rolling the call back, when an idempotent call returns JSON larger than
    ``DECISIONING_MAX_JSON_BYTES``.
    """


class InvalidDecisionError(DecisioningError, ValueError):
    """``record_decision`` was given an argument it cannot record (empty action, unsaved target, evidence
    larger than ``DECISIONING_MAX_JSON_BYTES``...)."""


class DecisionImmutableError(DecisioningError):
    """Decisions are append-only facts: they are never updated or deleted."""


# The names before every exception ended in ``Error``, kept for one release.
IdempotencyConflict = IdempotencyConflictError
IdempotencyInProgress = IdempotencyInProgressError
StoredResultUnavailable = StoredResultUnavailableError
UnsupportedValue = UnsupportedValueError
InvalidDecision = InvalidDecisionError
DecisionImmutable = DecisionImmutableError
