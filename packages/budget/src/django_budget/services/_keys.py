"""The idempotency path of the postings and voids: ``run_once``, with the refusal in the budget's own error."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db import router

from django_budget.exceptions import IdempotencyKeyReusedError
from django_budget.models import BudgetTransaction
from django_decisioning.exceptions import IdempotencyConflictError
from django_decisioning.services import run_once

T = TypeVar("T")


def run_once_per_key(
    *,
    scope: str,
    key: str | None,
    func: Callable[[], T],
    payload: Mapping[str, Any],
    replay: Callable[[], T | None],
) -> T:
    """``run_once`` for a write of budget transactions; a key reused for another request raises
    ``IdempotencyKeyReusedError`` (an ``IdempotencyConflictError``), whichever layer found it."""
    try:
        return run_once(
            scope=scope,
            idempotency_key=key,
            func=func,
            payload=payload,
            replay=replay,
            using=router.db_for_write(BudgetTransaction),
        )
    except IdempotencyKeyReusedError:
        raise
    except IdempotencyConflictError as exc:
        raise key_reused(scope, exc.key) from exc


def key_reused(scope: str, key: str) -> IdempotencyKeyReusedError:
    """The refusal of ``key``, already used for a different request."""
    return IdempotencyKeyReusedError(
        f"Idempotency key {key!r} was already used for a different request.", scope=scope, key=key
    )
