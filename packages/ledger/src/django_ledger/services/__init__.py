"""Write paths of the ledger: open an account, post a transaction (or many), reverse an entry or a transaction,
close the books.

Every function takes keyword arguments (besides the one posted fact a reversal acts on), validates
everything before its first write, writes in one ``transaction.atomic()``, raises the typed errors of
``django_ledger.exceptions`` and returns what it created. ``idempotency_key`` makes a call run once
per key through ``django_decisioning.services.run_once``: a repeat with the same arguments returns
the stored result, other arguments raise ``IdempotencyConflictError``; the key is also stored on the
transaction written (unique per service), so a retry after the key's row was purged returns the
original instead of posting twice. A call that owns its transaction runs again when the database
rolls it back to break a deadlock (its whole effect is its writes); inside a caller's transaction
the error reaches the caller, whose transaction the deadlock rolled back.
"""

from django_ledger.selectors import balances, get_balance, trial_balance
from django_ledger.services.accounts import open_account
from django_ledger.services.batches import POST_MANY_ACTION, POST_MANY_SCOPE, post_transactions
from django_ledger.services.closing import CLOSE_BOOKS_ACTION, close_books
from django_ledger.services.posting import POST_ACTION, POST_SCOPE, post_entry, post_transaction
from django_ledger.services.reversal import (
    REVERSE_ENTRY_ACTION,
    REVERSE_ENTRY_SCOPE,
    REVERSE_TRANSACTION_ACTION,
    REVERSE_TRANSACTION_SCOPE,
    reverse_entry,
    reverse_transaction,
)

# ``get_balance``, ``balances`` and ``trial_balance`` stay importable from here, the seed's import path
# (``from django_ledger.services import post_entry, reverse_entry, get_balance``).
__all__ = [
    "CLOSE_BOOKS_ACTION",
    "POST_ACTION",
    "POST_MANY_ACTION",
    "POST_MANY_SCOPE",
    "POST_SCOPE",
    "REVERSE_ENTRY_ACTION",
    "REVERSE_ENTRY_SCOPE",
    "REVERSE_TRANSACTION_ACTION",
    "REVERSE_TRANSACTION_SCOPE",
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
