"""Budgets for Django: buckets with monthly limits and allocations, append-only income and expenses
voided by reversal facts, month snapshots derived from the facts, and a pluggable spending gate.

The services and selectors are importable from here (``from django_budget import post_expense,
month_snapshot, budgets``); they are imported on first use, so ``import django_budget`` works before the app
registry is ready (in ``settings.py``). Models stay in ``django_budget.models``, policies in
``django_budget.policies``.
"""

from typing import TYPE_CHECKING

from django_basemodels.exports import lazy_exports
from django_budget.choices import BucketKind, Priority, TransactionKind
from django_budget.exceptions import (
    AlreadyVoided,
    AlreadyVoidedError,
    BucketArchived,
    BucketArchivedError,
    BucketNameTaken,
    BucketNameTakenError,
    BudgetError,
    BudgetValidationError,
    CurrencyLocked,
    CurrencyLockedError,
    CurrencyMismatch,
    CurrencyMismatchError,
    FloatAmount,
    FloatAmountError,
    IdempotencyKeyReused,
    IdempotencyKeyReusedError,
    InvalidAmount,
    InvalidAmountError,
    InvalidBucket,
    InvalidBucketError,
    InvalidBudget,
    InvalidBudgetError,
    InvalidMonth,
    InvalidMonthError,
    InvalidTransaction,
    InvalidTransactionError,
    ObligationsHookFailed,
    ObligationsHookFailedError,
    SpendingPolicyError,
    SpendingPolicyMisconfigured,
    SpendingPolicyMisconfiguredError,
    SpendingRefused,
    SpendingRefusedError,
    TransactionImmutable,
    TransactionImmutableError,
    UnbalancedSplit,
    UnbalancedSplitError,
    VoidNotPermitted,
    VoidNotPermittedError,
)

if TYPE_CHECKING:
    from django_budget.selectors import (
        BucketMonth,
        MonthTotals,
        budgets,
        month_snapshot,
        month_totals,
        transactions_for_reference,
    )
    from django_budget.services import (
        SplitPart,
        archive_bucket,
        clear_allocation,
        create_bucket,
        create_budget,
        post_expense,
        post_income,
        post_split_expense,
        set_allocation,
        update_bucket,
        void_transaction,
    )

_SERVICES = [
    "SplitPart",
    "archive_bucket",
    "clear_allocation",
    "create_bucket",
    "create_budget",
    "post_expense",
    "post_income",
    "post_split_expense",
    "set_allocation",
    "update_bucket",
    "void_transaction",
]
_SELECTORS = ["BucketMonth", "MonthTotals", "budgets", "month_snapshot", "month_totals", "transactions_for_reference"]

__getattr__, __dir__ = lazy_exports(
    __name__, {"django_budget.services": _SERVICES, "django_budget.selectors": _SELECTORS}
)

__all__ = [
    "AlreadyVoided",
    "AlreadyVoidedError",
    "BucketArchived",
    "BucketArchivedError",
    "BucketKind",
    "BucketMonth",
    "BucketNameTaken",
    "BucketNameTakenError",
    "BudgetError",
    "BudgetValidationError",
    "CurrencyLocked",
    "CurrencyLockedError",
    "CurrencyMismatch",
    "CurrencyMismatchError",
    "FloatAmount",
    "FloatAmountError",
    "IdempotencyKeyReused",
    "IdempotencyKeyReusedError",
    "InvalidAmount",
    "InvalidAmountError",
    "InvalidBucket",
    "InvalidBucketError",
    "InvalidBudget",
    "InvalidBudgetError",
    "InvalidMonth",
    "InvalidMonthError",
    "InvalidTransaction",
    "InvalidTransactionError",
    "MonthTotals",
    "ObligationsHookFailed",
    "ObligationsHookFailedError",
    "Priority",
    "SpendingPolicyError",
    "SpendingPolicyMisconfigured",
    "SpendingPolicyMisconfiguredError",
    "SpendingRefused",
    "SpendingRefusedError",
    "SplitPart",
    "TransactionImmutable",
    "TransactionImmutableError",
    "TransactionKind",
    "UnbalancedSplit",
    "UnbalancedSplitError",
    "VoidNotPermitted",
    "VoidNotPermittedError",
    "archive_bucket",
    "budgets",
    "clear_allocation",
    "create_bucket",
    "create_budget",
    "month_snapshot",
    "month_totals",
    "post_expense",
    "post_income",
    "post_split_expense",
    "set_allocation",
    "transactions_for_reference",
    "update_bucket",
    "void_transaction",
]
