"""Exceptions of django-ledger: one base class, ``LedgerError``, and typed subclasses."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class LedgerError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidTransaction(LedgerError, ValueError):
    """A transaction or one of its entries cannot be posted as given; nothing was written."""


class TooFewEntries(InvalidTransaction):
    """A transaction needs at least two entries (one debit and one credit)."""


class UnbalancedTransaction(InvalidTransaction):
    """The debits of a transaction do not equal its credits in at least one currency."""


class CurrencyMismatch(InvalidTransaction):
    """An entry's currency differs from the currency of its account (or of the offset account)."""


class InvalidAmount(InvalidTransaction):
    """An amount that is not a positive, exact number with at most 4 decimal places (a float, zero, ...)."""


class InvalidEntryType(InvalidTransaction):
    """An entry type that is neither ``"debit"`` nor ``"credit"``."""


class InvalidMetadata(InvalidTransaction):
    """Metadata that is not a mapping with an exact JSON form (floats are refused)."""


class InvalidAccount(LedgerError, ValueError):
    """An account cannot be opened or changed as asked (unknown currency, a parent cycle, ...)."""


class ImmutableFact(LedgerError):
    """Posted transactions and their entries are facts: they are never updated or deleted."""


class ImmutableTransaction(ImmutableFact):
    """The transaction is posted: it cannot be changed, deleted, or given more entries."""


class ImmutableEntry(ImmutableFact):
    """The entry belongs to a posted transaction: it cannot be changed or deleted."""


class ReversalError(LedgerError):
    """Base class of the errors that refuse a reversal."""


class InvalidReversal(ReversalError, ValueError):
    """A reversal request that cannot be honoured as given (empty reason, a draft, a bad offset account)."""


class NotPosted(InvalidReversal):
    """Only posted facts can be reversed; a draft is edited or deleted instead."""


class AmbiguousReversal(InvalidReversal):
    """The entry's transaction has more than two entries: say where the balancing leg goes (``offset_account``)."""


class AlreadyReversed(ReversalError):
    """The entry or transaction (or an entry the reversal would mirror) has already been reversed."""


class ReversalNotAuthorized(ReversalError, PermissionDenied):
    """The acting user lacks the permission that reversals require (``LEDGER_REVERSAL_PERMISSION``)."""
