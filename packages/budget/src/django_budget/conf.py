"""Every setting django-budget reads, with its default. Read on each call, so ``override_settings`` works."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from django_basemodels.limits import DEFAULT_MAX_TEXT_LENGTH

DEFAULT_SPENDING_POLICY = "django_budget.policies.allow_all"
DEFAULT_OBLIGATIONS_COVERED = None
DEFAULT_CURRENCY = None
DEFAULT_VOID_PERMISSION = "django_budget.void_budgettransaction"


def spending_policy() -> Any:
    """``BUDGET_SPENDING_POLICY``: dotted path of the callable deciding whether an expense may post."""
    return getattr(settings, "BUDGET_SPENDING_POLICY", DEFAULT_SPENDING_POLICY)


def obligations_covered() -> Any:
    """``BUDGET_OBLIGATIONS_COVERED``: dotted path of ``covered(*, budget, date) -> bool``, or ``None``.

    Needed by ``django_budget.policies.block_discretionary_until_obligations_covered``; ``None``
    makes that policy refuse to decide (``SpendingPolicyMisconfiguredError``), never allow.
    """
    return getattr(settings, "BUDGET_OBLIGATIONS_COVERED", DEFAULT_OBLIGATIONS_COVERED)


def default_currency() -> Any:
    """``BUDGET_DEFAULT_CURRENCY``: the currency of a budget created without one; ``None`` makes it required."""
    return getattr(settings, "BUDGET_DEFAULT_CURRENCY", DEFAULT_CURRENCY)


def void_permission() -> Any:
    """``BUDGET_VOID_PERMISSION``: the permission a user needs to void a transaction; ``None``: anyone may."""
    return getattr(settings, "BUDGET_VOID_PERMISSION", DEFAULT_VOID_PERMISSION)


def max_text_length() -> Any:
    """``BUDGET_MAX_TEXT_LENGTH``: the most characters of the ``reason`` of a void (default 10,000).

    Void facts are never changed or deleted: what is written stays. Names and descriptions are
    capped by their columns instead.
    """
    return getattr(settings, "BUDGET_MAX_TEXT_LENGTH", DEFAULT_MAX_TEXT_LENGTH)
