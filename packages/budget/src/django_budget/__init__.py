"""Budgets for Django: buckets with monthly limits and allocations, append-only income and expenses
voided by reversal facts, month snapshots derived from the facts, and a pluggable spending gate.

Models need the app registry: import them from ``django_budget.models``; writes from
``django_budget.services``, reads from ``django_budget.selectors``, policies from
``django_budget.policies``. What is below is safe to import anywhere.
"""

from django_budget.choices import BucketKind, Priority, TransactionKind
from django_budget.exceptions import (
    AlreadyVoided,
    BucketArchived,
    BucketNameTaken,
    BudgetError,
    BudgetValidationError,
    CurrencyLocked,
    CurrencyMismatch,
    FloatAmount,
    IdempotencyKeyReused,
    InvalidAmount,
    InvalidBucket,
    InvalidBudget,
    InvalidMonth,
    InvalidTransaction,
    ObligationsHookFailed,
    SpendingPolicyError,
    SpendingPolicyMisconfigured,
    SpendingRefused,
    TransactionImmutable,
    UnbalancedSplit,
    VoidNotPermitted,
)

__all__ = [
    "AlreadyVoided",
    "BucketArchived",
    "BucketKind",
    "BucketNameTaken",
    "BudgetError",
    "BudgetValidationError",
    "CurrencyLocked",
    "CurrencyMismatch",
    "FloatAmount",
    "IdempotencyKeyReused",
    "InvalidAmount",
    "InvalidBucket",
    "InvalidBudget",
    "InvalidMonth",
    "InvalidTransaction",
    "ObligationsHookFailed",
    "Priority",
    "SpendingPolicyError",
    "SpendingPolicyMisconfigured",
    "SpendingRefused",
    "TransactionImmutable",
    "TransactionKind",
    "UnbalancedSplit",
    "VoidNotPermitted",
]
