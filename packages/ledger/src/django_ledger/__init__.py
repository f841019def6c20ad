"""An append-only double-entry ledger for Django whose balance rules the database enforces.

Models need the app registry: import them from ``django_ledger.models``; writes from
``django_ledger.services``; reads from ``django_ledger.selectors`` (``get_balance`` also from
``services``). What is below is safe to import anywhere.
"""

from django_ledger.choices import AccountType, EntryType
from django_ledger.exceptions import (
    AlreadyReversed,
    AmbiguousReversal,
    CurrencyMismatch,
    ImmutableEntry,
    ImmutableFact,
    ImmutableTransaction,
    InvalidAccount,
    InvalidAmount,
    InvalidEntryType,
    InvalidMetadata,
    InvalidReversal,
    InvalidTransaction,
    LedgerError,
    NotPosted,
    ReversalError,
    ReversalNotAuthorized,
    TooFewEntries,
    UnbalancedTransaction,
)
from django_ledger.specs import EntrySpec

__all__ = [
    "AccountType",
    "AlreadyReversed",
    "AmbiguousReversal",
    "CurrencyMismatch",
    "EntrySpec",
    "EntryType",
    "ImmutableEntry",
    "ImmutableFact",
    "ImmutableTransaction",
    "InvalidAccount",
    "InvalidAmount",
    "InvalidEntryType",
    "InvalidMetadata",
    "InvalidReversal",
    "InvalidTransaction",
    "LedgerError",
    "NotPosted",
    "ReversalError",
    "ReversalNotAuthorized",
    "TooFewEntries",
    "UnbalancedTransaction",
]
