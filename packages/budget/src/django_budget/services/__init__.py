"""Write paths of django-budget: one function per decision surface.

Configuration (``buckets``): budgets, buckets and allocations. Facts (``postings``): income,
expenses and split expenses. Corrections (``voids``): the reversal of a posted transaction.

Every service takes keyword arguments (besides the one transaction a void acts on), validates all of
them before its first write, runs in ``transaction.atomic()`` and raises a ``BudgetError`` subclass
on refusal, leaving no row behind. ``idempotency_key`` makes a posting or a void run once per key
through ``django_decisioning.services.run_once`` (scope ``"django_budget.<service>"``): a repeat
returns what the first call wrote, another request with the key raises ``IdempotencyKeyReusedError``.
The key is also stored on the rows written, so a retry after the key's row was purged returns the
original instead of writing twice.
"""

from django_budget.services.buckets import (
    archive_bucket,
    clear_allocation,
    create_bucket,
    create_budget,
    set_allocation,
    update_bucket,
)
from django_budget.services.postings import (
    MAX_SPLIT_PARTS,
    POST_EXPENSE_SCOPE,
    POST_INCOME_SCOPE,
    POST_SPLIT_EXPENSE_SCOPE,
    SplitPart,
    post_expense,
    post_income,
    post_split_expense,
)
from django_budget.services.voids import VOID_ACTION, VOID_SCOPE, void_transaction

__all__ = [
    "MAX_SPLIT_PARTS",
    "POST_EXPENSE_SCOPE",
    "POST_INCOME_SCOPE",
    "POST_SPLIT_EXPENSE_SCOPE",
    "VOID_ACTION",
    "VOID_SCOPE",
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
