"""Exceptions of django-settlements: one base class, ``SettlementsError``, and typed subclasses named ``...Error``.

Every refusal is raised before anything is written. Errors about the arguments are also ``ValueError``; the
refusal of a reversal for lack of authority is also Django's ``PermissionDenied``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

from django_decisioning.exceptions import IdempotencyConflictError

if TYPE_CHECKING:
    from django_money import Money


class SettlementsError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidSettlementError(SettlementsError, ValueError):
    """An argument that cannot be recorded as given (an unsaved party, a naive datetime, an empty reason...)."""


class InvalidAmountError(InvalidSettlementError):
    """An amount that is not a positive Money with whole minor units fitting the amount columns (a float, zero...)."""


class CurrencyMismatchError(InvalidSettlementError):
    """Amounts in different currencies were mixed: a payment in another currency than its obligations, for one.

    ``expected`` and ``got`` are the two currency codes. Amounts are never converted implicitly.
    """

    def __init__(self, message: str, *, expected: str, got: str) -> None:
        super().__init__(message)
        self.expected = expected
        self.got = got


class PartyMismatchError(InvalidSettlementError):
    """A payment names other parties than its obligations (its payer is not their debtor, or its payee not
    their creditor), or a party owes itself."""


class CrossOrgSettlementError(InvalidSettlementError):
    """A payment and its obligations, or a credit limit and its reservation, belong to different organizations.

    ``org_keys`` lists the ``org_key`` of each organization involved (``""`` for no organization).
    """

    def __init__(self, message: str, *, org_keys: list[str]) -> None:
        super().__init__(message)
        self.org_keys = org_keys


class InvalidBalancesError(SettlementsError, ValueError):
    """``simplify_debts`` was given balances it cannot settle: not Money, not summing to zero, mixed currencies."""


class UnbalancedBalancesError(InvalidBalancesError):
    """The balances do not sum to zero: someone would be owed what nobody owes. ``total`` is their sum."""

    def __init__(self, message: str, *, total: Money) -> None:
        super().__init__(message)
        self.total = total


class MixedCurrenciesError(InvalidBalancesError):
    """The balances are in more than one currency: simplify each currency on its own (``currencies``, sorted)."""

    def __init__(self, message: str, *, currencies: list[str]) -> None:
        super().__init__(message)
        self.currencies = currencies


class OverpaymentError(SettlementsError):
    """A payment allocated to obligations exceeds what is still open on them.

    ``requested`` is the payment, ``open`` what the obligations still owe (both ``Money``). Record the rest as
    a payment without obligations if it is an advance.
    """

    def __init__(self, message: str, *, requested: Money, open: Money) -> None:
        super().__init__(message)
        self.requested = requested
        self.open = open


class RefundExceedsPaymentError(SettlementsError):
    """A refund larger than what is left of its payment (its amount less the refunds already recorded).

    ``requested`` and ``refundable`` are ``Money``.
    """

    def __init__(self, message: str, *, requested: Money, refundable: Money) -> None:
        super().__init__(message)
        self.requested = requested
        self.refundable = refundable


class ObligationCancelledError(SettlementsError):
    """The obligation was cancelled: it takes no payment. ``obligation`` is the cancelled obligation."""

    def __init__(self, message: str, *, obligation: Any) -> None:
        super().__init__(message)
        self.obligation = obligation


class ReversalError(SettlementsError):
    """Base class of the errors that refuse a reversal (of a payment or refund) or a cancellation (of an obligation)."""


class AlreadyReversedError(ReversalError):
    """The fact was already reversed (or the obligation cancelled): ``original`` and its ``reversal``."""

    def __init__(self, message: str, *, original: Any, reversal: Any) -> None:
        super().__init__(message)
        self.original = original
        self.reversal = reversal


class NotReversibleError(ReversalError):
    """This fact cannot be reversed: it is itself a reversal or a cancellation, or a payment whose refunds
    still stand (reverse them first)."""


class ReversalNotPermittedError(ReversalError, PermissionDenied):
    """The acting user lacks ``SETTLEMENTS_REVERSE_PERMISSION``, which reversals and cancellations require."""


class CreditLimitNotPermittedError(SettlementsError, PermissionDenied):
    """The acting user lacks ``SETTLEMENTS_CREDIT_LIMIT_PERMISSION``, which setting a credit limit requires."""


class ImmutableFactError(SettlementsError):
    """Obligations, settlements, allocations and credit movements are facts: never updated nor deleted."""


class CreditLimitExceededError(SettlementsError):
    """A reservation would take the credit in use over the limit.

    ``requested``, ``available`` (the limit less what is reserved and consumed) and ``limit`` are ``Money``.
    """

    def __init__(self, message: str, *, requested: Money, available: Money, limit: Money) -> None:
        super().__init__(message)
        self.requested = requested
        self.available = available
        self.limit = limit


class ReservationExceededError(SettlementsError):
    """A release or a consumption larger than what is left of the reservation (``requested``, ``remaining``)."""

    def __init__(self, message: str, *, requested: Money, remaining: Money) -> None:
        super().__init__(message)
        self.requested = requested
        self.remaining = remaining


class IdempotencyKeyReusedError(SettlementsError, IdempotencyConflictError):
    """The idempotency key was already used for a different request (``scope``, ``key``).

    Raised whether django-decisioning's key row or the key stored on the fact found it.
    """


class SettlementsConfigurationError(SettlementsError):
    """A setting of this package is wrong where it is used (``SETTLEMENTS_BUDGET_DEBTOR``, ...); the system checks
    report the same at startup."""


__all__ = [
    "AlreadyReversedError",
    "CreditLimitExceededError",
    "CrossOrgSettlementError",
    "CurrencyMismatchError",
    "IdempotencyKeyReusedError",
    "ImmutableFactError",
    "InvalidAmountError",
    "InvalidBalancesError",
    "InvalidSettlementError",
    "MixedCurrenciesError",
    "NotReversibleError",
    "ObligationCancelledError",
    "OverpaymentError",
    "PartyMismatchError",
    "RefundExceedsPaymentError",
    "ReservationExceededError",
    "ReversalError",
    "ReversalNotPermittedError",
    "SettlementsConfigurationError",
    "SettlementsError",
    "UnbalancedBalancesError",
]
