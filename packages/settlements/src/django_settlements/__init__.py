"""Obligations, payments, refunds, balances, debt simplification and credit limits for Django.

The services and selectors are importable from here (``from django_settlements import record_payment,
balance``); they are imported on first use, so ``import django_settlements`` works before the app registry is
ready (in ``settings.py``). ``simplify_debts`` and ``Transfer`` need no database and are imported at once.
Models stay in ``django_settlements.models``.
"""

from typing import TYPE_CHECKING

from django_basemodels.exports import lazy_exports
from django_settlements.choices import CreditMovementKind, SettlementKind
from django_settlements.exceptions import (
    AlreadyReversedError,
    CreditLimitExceededError,
    CreditLimitNotPermittedError,
    CrossOrgSettlementError,
    CurrencyMismatchError,
    IdempotencyKeyReusedError,
    ImmutableFactError,
    InvalidAmountError,
    InvalidBalancesError,
    InvalidSettlementError,
    MixedCurrenciesError,
    NotReversibleError,
    ObligationCancelledError,
    OverpaymentError,
    PartyMismatchError,
    RefundExceedsPaymentError,
    ReservationExceededError,
    ReversalError,
    ReversalNotPermittedError,
    SettlementsConfigurationError,
    SettlementsError,
    UnbalancedBalancesError,
)
from django_settlements.simplify import EXACT_LIMIT, Transfer, simplify_debts

if TYPE_CHECKING:
    from django_settlements.selectors import (
        available_credit,
        balance,
        balances,
        credit_in_use,
        group_balances,
        obligations_covered,
        open_amount,
        open_obligations,
        paid_amount,
        refundable_amount,
        remaining_of_reservation,
        suggest_settlements,
    )
    from django_settlements.services import (
        cancel_obligation,
        consume_credit,
        record_obligation,
        record_payment,
        record_refund,
        release_credit,
        reserve_credit,
        reverse_settlement,
        set_credit_limit,
    )

_SERVICES = [
    "cancel_obligation",
    "consume_credit",
    "record_obligation",
    "record_payment",
    "record_refund",
    "release_credit",
    "reserve_credit",
    "reverse_settlement",
    "set_credit_limit",
]
_SELECTORS = [
    "available_credit",
    "balance",
    "balances",
    "credit_in_use",
    "group_balances",
    "obligations_covered",
    "open_amount",
    "open_obligations",
    "paid_amount",
    "refundable_amount",
    "remaining_of_reservation",
    "suggest_settlements",
]

__getattr__, __dir__ = lazy_exports(
    __name__, {"django_settlements.services": _SERVICES, "django_settlements.selectors": _SELECTORS}
)

__all__ = [
    "EXACT_LIMIT",
    "AlreadyReversedError",
    "CreditLimitExceededError",
    "CreditLimitNotPermittedError",
    "CreditMovementKind",
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
    "SettlementKind",
    "SettlementsConfigurationError",
    "SettlementsError",
    "Transfer",
    "UnbalancedBalancesError",
    "available_credit",
    "balance",
    "balances",
    "cancel_obligation",
    "consume_credit",
    "credit_in_use",
    "group_balances",
    "obligations_covered",
    "open_amount",
    "open_obligations",
    "paid_amount",
    "record_obligation",
    "record_payment",
    "record_refund",
    "refundable_amount",
    "release_credit",
    "remaining_of_reservation",
    "reserve_credit",
    "reverse_settlement",
    "set_credit_limit",
    "simplify_debts",
    "suggest_settlements",
]
