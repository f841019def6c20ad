"""Exceptions of django-ledger: one base class, ``LedgerError``, and typed subclasses named ``...Error``.

The former names (``InvalidTransaction``, ``AlreadyReversed``, ...) remain as deprecated aliases of
the new classes for one release, so ``except InvalidTransaction`` keeps working.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class LedgerError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidTransactionError(LedgerError, ValueError):
    """A transaction or one of its entries cannot be posted as given; nothing was written."""


class TooFewEntriesError(InvalidTransactionError):
    """A transaction needs at least two entries (one debit and one credit)."""


class UnbalancedTransactionError(InvalidTransactionError):
    """The debits of a transaction do not equal its credits in at least one currency."""


class CurrencyMismatchError(InvalidTransactionError):
    """An entry's currency differs from the currency of its account (or of the offset account)."""


class InvalidAmountError(InvalidTransactionError):
    """An amount that is not a positive, exact number with at most 4 decimal places (a float, zero, ...)."""


class InvalidEntryTypeError(InvalidTransactionError):
    """An entry type that is neither ``"debit"`` nor ``"credit"``."""


class InvalidMetadataError(InvalidTransactionError):
    """Metadata that is not a mapping with an exact JSON form (floats are refused)."""


class CrossOrgTransactionError(InvalidTransactionError):
    """The entries of one transaction are on accounts of different organizations; nothing was written.

    ``org_keys`` lists the ``org_key`` of each organization involved (``""`` for no organization).
    """

    def __init__(self, message: str, *, org_keys: list[str]) -> None:
        super().__init__(message)
        self.org_keys = org_keys


class PeriodClosedError(InvalidTransactionError):
    """A posting effective at or before the instant an account's books are closed through; nothing was written.

    ``accounts`` lists the codes of the closed accounts, ``closed_through`` the latest of their
    ``closed_through``, ``effective_at`` the posting's. Post it effective after the close instead.
    """

    def __init__(self, message: str, *, accounts: list[str], closed_through: object, effective_at: object) -> None:
        super().__init__(message)
        self.accounts = accounts
        self.closed_through = closed_through
        self.effective_at = effective_at


class InvalidClosingError(LedgerError, ValueError):
    """``close_books`` cannot close as asked (a naive or future ``through``, an unsaved account, an account
    of another organization); nothing was written."""


class InvalidAccountError(LedgerError, ValueError):
    """An account cannot be opened or changed as asked (unknown currency, a parent cycle, ...)."""


class ImmutableFactError(LedgerError):
    """Posted transactions and their entries are facts: they are never updated or deleted."""


class ImmutableTransactionError(ImmutableFactError):
    """The transaction is posted: it cannot be changed, deleted, or given more entries."""


class ImmutableEntryError(ImmutableFactError):
    """The entry belongs to a posted transaction: it cannot be changed or deleted."""


class ReversalError(LedgerError):
    """Base class of the errors that refuse a reversal."""


class InvalidReversalError(ReversalError, ValueError):
    """A reversal request that cannot be honoured as given (empty reason, a draft, a bad offset account)."""


class NotPostedError(InvalidReversalError):
    """Only posted facts can be reversed; a draft is edited or deleted instead."""


class AmbiguousReversalError(InvalidReversalError):
    """The entry's transaction has more than two entries: say where the balancing leg goes (``offset_account``)."""


class AlreadyReversedError(ReversalError):
    """The entry or transaction (or an entry the reversal would mirror) has already been reversed."""


class ReversalNotAuthorizedError(ReversalError, PermissionDenied):
    """The acting user lacks the permission that reversals require (``LEDGER_REVERSAL_PERMISSION``)."""


# Deprecated aliases (one release): the names before every subclass ended in ``Error``.
InvalidTransaction = InvalidTransactionError
TooFewEntries = TooFewEntriesError
UnbalancedTransaction = UnbalancedTransactionError
CurrencyMismatch = CurrencyMismatchError
InvalidAmount = InvalidAmountError
InvalidEntryType = InvalidEntryTypeError
InvalidMetadata = InvalidMetadataError
InvalidAccount = InvalidAccountError
ImmutableFact = ImmutableFactError
ImmutableTransaction = ImmutableTransactionError
ImmutableEntry = ImmutableEntryError
InvalidReversal = InvalidReversalError
NotPosted = NotPostedError
AmbiguousReversal = AmbiguousReversalError
AlreadyReversed = AlreadyReversedError
ReversalNotAuthorized = ReversalNotAuthorizedError
