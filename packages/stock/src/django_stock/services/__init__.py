"""Write paths: receive, issue (one lot or FEFO), transfer, adjust, return, reverse, and lot and item status changes.

The services are split by job (``movements``, ``reversals``, ``lots``, ``items``, ``balances``; the locks they
take in ``locking``, the one-organization rule in ``organizations``); every public name is
importable from here and from ``django_stock``.

Every service takes keyword arguments (``reverse_movement`` also takes the movement by position)
and checks them first (no stock is read), then, in one ``transaction.atomic()``, takes its locks,
checks lot status and stock, and only then writes. When a check fails it raises a ``StockError``
and nothing is written; a ``reason`` longer than ``STOCK_MAX_TEXT_LENGTH`` characters is one of
them (``InvalidMovementError``), and so is an operation that mixes organizations
(``CrossOrgMovementError``: an item's stock moves only at locations of the item's organization).
Every service accepts ``idempotency_key``: a repeat with the same key and the same arguments
returns the first result without writing again
(``django_decisioning.services.run_once``, scope ``django_stock.<service>``), and another request
with the key raises ``IdempotencyConflictError``. The movements written store the key with their
scope and line under a unique constraint, so a retry after decisioning's key row was purged
returns the original movements and never moves stock twice.

Lock order, the same in every service so that concurrent services never deadlock each other: the
lots involved, in key order (a shared lock for movements: ``FOR SHARE`` on PostgreSQL, ``LOCK IN
SHARE MODE`` on MariaDB/MySQL, taken on their items by the same query; ``FOR UPDATE`` for status changes,
which lock one lot or one item, never both), then the balance rows involved,
in ``(location_id, lot_id)`` order, by one locking read through that unique index (a FEFO issue on PostgreSQL
takes both in one statement, each lot before its balance row: ``locking.lock_lots_and_balances``). Balance rows that
stock enters are created at 0 when missing (see ``locking.lock_balances``). The movement INSERT then
updates the balance rows through the database trigger declared on ``StockMovement``, whose
``quantity >= 0`` CHECK is the last line of defence. A FEFO issue or transfer reads its candidates
unlocked, in FEFO order, and locks only the lots it needs (then their balance rows) in that order;
when a concurrent movement took that stock meanwhile, it locks the next candidates after the first
ones, the one case of balance rows locked out of key order (see ``movements._lock_fefo``).

On MariaDB/MySQL two services creating balance rows at once may still deadlock (InnoDB's gap locks),
as may a service and ``rebuild_balances``: the database rolls one back, and a service that opened
the transaction runs again from the start (``retry_on_deadlock``); inside a caller's transaction the
error goes to the caller, whose transaction is gone.
"""

from django_stock.services.balances import rebuild_balances
from django_stock.services.items import block_item, unblock_item
from django_stock.services.lots import block_lot, expire_lots, recall_lot, unblock_lot
from django_stock.services.movements import adjust, issue, receive, return_stock, transfer
from django_stock.services.reversals import reverse_movement

__all__ = [
    "adjust",
    "block_item",
    "block_lot",
    "expire_lots",
    "issue",
    "rebuild_balances",
    "recall_lot",
    "receive",
    "return_stock",
    "reverse_movement",
    "transfer",
    "unblock_item",
    "unblock_lot",
]
