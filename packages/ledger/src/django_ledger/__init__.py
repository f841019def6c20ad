"""An append-only double-entry ledger for Django whose balance rules the database enforces.

The services and selectors are importable from here (``from django_ledger import post_transaction,
get_balance``); they are imported on first use, so ``import django_ledger`` works before the app
registry is ready (in ``settings.py``). Models stay in ``django_ledger.models``.
"""

from typing import TYPE_CHECKING

from django_basemodels.exports import lazy_exports
from django_ledger.choices import AccountType, EntryType
from django_ledger.exceptions import (
    AlreadyReversed,
    AlreadyReversedError,
    AmbiguousReversal,
    AmbiguousReversalError,
    CrossOrgTransactionError,
    CurrencyMismatch,
    CurrencyMismatchError,
    ImmutableEntry,
    ImmutableEntryError,
    ImmutableFact,
    ImmutableFactError,
    ImmutableTransaction,
    ImmutableTransactionError,
    InvalidAccount,
    InvalidAccountError,
    InvalidAmount,
    InvalidAmountError,
    InvalidClosingError,
    InvalidEntryType,
    InvalidEntryTypeError,
    InvalidMetadata,
    InvalidMetadataError,
    InvalidReversal,
    InvalidReversalError,
    InvalidTransaction,
    InvalidTransactionError,
    LedgerError,
    NotPosted,
    NotPostedError,
    PeriodClosedError,
    ReversalError,
    ReversalNotAuthorized,
    ReversalNotAuthorizedError,
    TooFewEntries,
    TooFewEntriesError,
    UnbalancedTransaction,
    UnbalancedTransactionError,
)
from django_ledger.specs import MAX_AMOUNT, EntrySpec

if TYPE_CHECKING:
    from django_ledger.selectors import TrialBalance, balances, get_balance, trial_balance
    from django_ledger.services import (
        close_books,
        open_account,
        post_entry,
        post_transaction,
        post_transactions,
        reverse_entry,
        reverse_transaction,
    )

_SERVICES = [
    "close_books",
    "open_account",
    "post_entry",
    "post_transaction",
    "post_transactions",
    "reverse_entry",
    "reverse_transaction",
]
_SELECTORS = ["TrialBalance", "balances", "get_balance", "trial_balance"]

__getattr__, __dir__ = lazy_exports(
    __name__, {"django_ledger.services": _SERVICES, "django_ledger.selectors": _SELECTORS}
)

__all__ = [
    "MAX_AMOUNT",
    "AccountType",
    "AlreadyReversed",
    "AlreadyReversedError",
    "AmbiguousReversal",
    "AmbiguousReversalError",
    "CrossOrgTransactionError",
    "CurrencyMismatch",
    "CurrencyMismatchError",
    "EntrySpec",
    "EntryType",
    "ImmutableEntry",
    "ImmutableEntryError",
    "ImmutableFact",
    "ImmutableFactError",
    "ImmutableTransaction",
    "ImmutableTransactionError",
    "InvalidAccount",
    "InvalidAccountError",
    "InvalidAmount",
    "InvalidAmountError",
    "InvalidClosingError",
    "InvalidEntryType",
    "InvalidEntryTypeError",
    "InvalidMetadata",
    "InvalidMetadataError",
    "InvalidReversal",
    "InvalidReversalError",
    "InvalidTransaction",
    "InvalidTransactionError",
    "LedgerError",
    "NotPosted",
    "NotPostedError",
    "PeriodClosedError",
    "ReversalError",
    "ReversalNotAuthorized",
    "ReversalNotAuthorizedError",
    "TooFewEntries",
    "TooFewEntriesError",
    "TrialBalance",
    "UnbalancedTransaction",
    "UnbalancedTransactionError",
    "balances",
    "close_books",
    "get_balance",
    "open_account",
    "post_entry",
    "post_transaction",
    "post_transactions",
    "reverse_entry",
    "reverse_transaction",
    "trial_balance",
]
