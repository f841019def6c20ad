"""Exceptions of django-budget: one base class, ``BudgetError``, and typed subclasses.

Every refusal of a service is one of these, raised before anything is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from django_decisioning.exceptions import IdempotencyConflictError
from django_money.exceptions import CurrencyMismatchError as MoneyCurrencyMismatchError

if TYPE_CHECKING:
    from django_budget.models import BudgetTransaction


class BudgetError(Exception):
    """Base class of every error this package raises on purpose."""


class BudgetValidationError(BudgetError, ValueError):
    """An argument of a service was refused; nothing was written."""


class InvalidAmountError(BudgetValidationError):
    """An amount is zero or negative where it must be positive, not a number, or does not fit 19 digits, 4 decimal."""


class FloatAmountError(InvalidAmountError, TypeError):
    """A float was given as an amount: floats are inexact, pass a ``Decimal`` or a ``Money``."""


class InvalidMonthError(BudgetValidationError):
    """A month is neither a ``date`` nor a ``"YYYY-MM"`` string, or it has no month after it.

    A ``datetime`` is refused: which month an instant is in depends on a time zone. December 9999
    is the last month a ``date`` holds, so what reads up to the month after (``month_snapshot``,
    ``month_totals``, ``in_month``) refuses it.
    """


class InvalidBudgetError(BudgetValidationError):
    """A budget's name or currency was refused."""


class InvalidBucketError(BudgetValidationError):
    """A bucket's name, kind, priority, rollover flag or start month was refused."""


class BucketNameTakenError(InvalidBucketError):
    """Another bucket of the budget that is not archived already has this name."""


class InvalidTransactionError(BudgetValidationError):
    """A transaction argument was refused: a bucket of another budget, a date before the bucket's first month, ..."""


class UnbalancedSplitError(InvalidTransactionError):
    """The parts of a split expense do not add up to its total."""


class CurrencyMismatchError(BudgetError, MoneyCurrencyMismatchError):
    """Money in another currency than the budget's: a budget holds one currency."""

    def __init__(self, message: str, *, expected: str, got: str) -> None:
        super().__init__(message)
        self.expected = expected
        self.got = got


class CurrencyLockedError(BudgetError):
    """A budget's currency cannot change once the budget exists: its amounts are stored in it."""


class BucketArchivedError(BudgetError):
    """The bucket is archived: it takes no new expense nor allocation."""


class SpendingRefusedError(BudgetError):
    """The spending policy refused an expense; ``rule`` names the rule that refused it."""

    def __init__(self, message: str, *, rule: str) -> None:
        super().__init__(message)
        self.rule = rule

    def __str__(self) -> str:
        return f"[{self.rule}] {super().__str__()}"


class SpendingPolicyError(BudgetError):
    """The spending policy could not decide; the expense is refused, never allowed by default."""


class SpendingPolicyMisconfiguredError(SpendingPolicyError, ImproperlyConfigured):
    """``BUDGET_SPENDING_POLICY`` or ``BUDGET_OBLIGATIONS_COVERED`` cannot decide.

    The setting is missing, not importable or not callable, or the callable returned something
    else than documented.
    """


class ObligationsHookFailedError(SpendingPolicyError):
    """The ``BUDGET_OBLIGATIONS_COVERED`` callable raised; its exception is the ``__cause__``."""


class AlreadyVoidedError(BudgetError):
    """The transaction was voided already; ``reversal`` is the void fact that exists."""

    def __init__(self, message: str, *, transaction: BudgetTransaction, reversal: BudgetTransaction) -> None:
        super().__init__(message)
        self.transaction = transaction
        self.reversal = reversal


class VoidNotPermittedError(BudgetError, PermissionDenied):
    """The user lacks the permission ``BUDGET_VOID_PERMISSION`` names."""


class TransactionImmutableError(BudgetError):
    """Budget transactions are append-only facts: never updated nor deleted; void them instead."""


class IdempotencyKeyReusedError(BudgetError, IdempotencyConflictError):
    """The idempotency key was already used for a different request (``scope``, ``key``)."""


# Deprecated aliases (one release): the names before every subclass ended in ``Error``.
InvalidAmount = InvalidAmountError
FloatAmount = FloatAmountError
InvalidMonth = InvalidMonthError
InvalidBudget = InvalidBudgetError
InvalidBucket = InvalidBucketError
BucketNameTaken = BucketNameTakenError
InvalidTransaction = InvalidTransactionError
UnbalancedSplit = UnbalancedSplitError
CurrencyMismatch = CurrencyMismatchError
CurrencyLocked = CurrencyLockedError
BucketArchived = BucketArchivedError
SpendingRefused = SpendingRefusedError
SpendingPolicyMisconfigured = SpendingPolicyMisconfiguredError
ObligationsHookFailed = ObligationsHookFailedError
AlreadyVoided = AlreadyVoidedError
VoidNotPermitted = VoidNotPermittedError
TransactionImmutable = TransactionImmutableError
IdempotencyKeyReused = IdempotencyKeyReusedError
