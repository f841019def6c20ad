"""Facts that move money: an income, an expense, an expense split between buckets."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models
from django.db.transaction import atomic

from django_basemodels.arguments import require_idempotency_key, require_saved, require_user
from django_basemodels.fields import canonical_object_id, stamp_recorded_at
from django_basemodels.generic import generic_key_values
from django_budget import policies
from django_budget.choices import Priority, TransactionKind
from django_budget.exceptions import BucketArchivedError, InvalidTransactionError, UnbalancedSplitError
from django_budget.models import Bucket, Budget, BudgetTransaction
from django_budget.services import _validation as check
from django_budget.services._keys import key_reused, run_once_per_key
from django_decisioning.canonical import request_fingerprint
from django_money import Money

POST_INCOME_SCOPE = "django_budget.post_income"
POST_EXPENSE_SCOPE = "django_budget.post_expense"
POST_SPLIT_EXPENSE_SCOPE = "django_budget.post_split_expense"
MAX_SPLIT_PARTS = 100


@dataclass(frozen=True)
class SplitPart:
    """One part of a split expense: the bucket it is charged to and its share of the total.

    ``priority`` defaults to the bucket's and ``description`` to the split's.
    """

    bucket: Bucket
    amount: Money | Decimal | int
    priority: str | None = None
    description: str | None = None


def post_income(
    *,
    budget: Budget,
    amount: Money | Decimal | int,
    date: dt.date,
    description: str = "",
    reference: models.Model | None = None,
    idempotency_key: str | None = None,
    by: models.Model | None = None,
) -> BudgetTransaction:
    """Record an income of ``amount`` (> 0, in the budget's currency) on ``date``.

    ``reference`` names what caused it (an invoice, a deal: a saved instance of any model); see
    ``transactions_for_reference``.

    With an ``idempotency_key``, a repeat of the same request returns the transaction posted first
    and writes nothing, also after django-decisioning's key row expired (the key is stored on the
    transaction); concurrent repeats post once. Raises ``InvalidAmountError``/``FloatAmountError``,
    ``CurrencyMismatchError``, ``InvalidTransactionError`` (bad date, key or user, a description
    longer than its 255-character column, an unsaved reference) and ``IdempotencyKeyReusedError`` (the key
    was used for a different request: another amount, budget, reference, service...).
    """
    require_saved(budget, name="budget", error=InvalidTransactionError, model=Budget)
    require_saved(reference, name="reference", error=InvalidTransactionError, allow_none=True)
    value = check.amount(amount, budget=budget, what="amount")
    day = check.date(date)
    description = check.text(description, "description", check.column_length(BudgetTransaction, "description"))
    key = require_idempotency_key(idempotency_key, error=InvalidTransactionError)
    user: Any = require_user(by, error=InvalidTransactionError)  # AUTH_USER_MODEL, swappable
    request = _request("income", [{"amount": value, "description": description}], day, user, reference)
    row = BudgetTransaction(
        **generic_key_values("reference", reference),
        budget=budget,
        kind=TransactionKind.INCOME,
        amount=value,
        currency=budget.currency,
        date=day,
        effective_at=check.start_of_day(day),
        description=description,
        created_by=user,
    )
    [posted] = _post(scope=POST_INCOME_SCOPE, budget=budget, key=key, request=request, rows=[row], check=lambda: None)
    return posted


def post_expense(
    *,
    budget: Budget,
    bucket: Bucket,
    amount: Money | Decimal | int,
    date: dt.date,
    description: str = "",
    priority: str | None = None,
    reference: models.Model | None = None,
    idempotency_key: str | None = None,
    by: models.Model | None = None,
) -> BudgetTransaction:
    """Record an expense of ``amount`` (> 0, in the budget's currency) in ``bucket`` on ``date``.

    ``priority`` defaults to the bucket's; ``reference`` as for ``post_income``. The spending policy
    (``BUDGET_SPENDING_POLICY``) runs before anything is written; a replay of an idempotent request does
    not run it again.
    Raises, besides the errors of ``post_income``: ``InvalidTransactionError`` (a bucket of another
    budget, a date before the bucket's first month), ``BucketArchivedError``, ``SpendingRefusedError``
    (naming the rule), ``SpendingPolicyMisconfiguredError`` and ``ObligationsHookFailedError``.
    """
    [posted] = _post_expenses(
        scope=POST_EXPENSE_SCOPE,
        budget=budget,
        parts=[SplitPart(bucket=bucket, amount=amount, priority=priority, description=description)],
        total=None,
        date=date,
        description=description,
        reference=reference,
        idempotency_key=idempotency_key,
        by=by,
    )
    return posted


def post_split_expense(
    *,
    budget: Budget,
    total: Money | Decimal | int,
    parts: Sequence[SplitPart],
    date: dt.date,
    description: str = "",
    reference: models.Model | None = None,
    idempotency_key: str | None = None,
    by: models.Model | None = None,
) -> list[BudgetTransaction]:
    """Record one payment of ``total`` shared between buckets: one expense per part, all or none.

    The parts must add up exactly to ``total`` (``UnbalancedSplitError`` otherwise); they share a
    ``split_group`` and are numbered by ``split_index``, and each stores the key. The spending policy
    runs on every part. Each part can be voided on its own later (an item returned); every part names
    ``reference``. Raises the errors of ``post_expense`` too.
    """
    return _post_expenses(
        scope=POST_SPLIT_EXPENSE_SCOPE,
        budget=budget,
        parts=parts,
        total=total,
        date=date,
        description=description,
        reference=reference,
        idempotency_key=idempotency_key,
        by=by,
    )


def _post_expenses(
    *,
    scope: str,
    budget: Budget,
    parts: Sequence[SplitPart],
    total: Money | Decimal | int | None,
    date: dt.date,
    description: str,
    reference: models.Model | None,
    idempotency_key: str | None,
    by: models.Model | None,
) -> list[BudgetTransaction]:
    require_saved(budget, name="budget", error=InvalidTransactionError, model=Budget)
    require_saved(reference, name="reference", error=InvalidTransactionError, allow_none=True)
    if isinstance(parts, (str, bytes)) or not isinstance(parts, Sequence) or not parts:
        raise InvalidTransactionError("parts must be a non-empty list of SplitPart.")
    if len(parts) > MAX_SPLIT_PARTS:
        raise InvalidTransactionError(f"A split has at most {MAX_SPLIT_PARTS} parts, not {len(parts)}.")
    day = check.date(date)
    description_length = check.column_length(BudgetTransaction, "description")
    description = check.text(description, "description", description_length)
    key = require_idempotency_key(idempotency_key, error=InvalidTransactionError)
    user: Any = require_user(by, error=InvalidTransactionError)  # AUTH_USER_MODEL, swappable
    checked = []
    for index, part in enumerate(parts):
        if not isinstance(part, SplitPart):
            raise InvalidTransactionError(f"parts[{index}] must be a SplitPart, not {type(part).__name__}.")
        what = "amount" if total is None else f"parts[{index}].amount"
        bucket = require_saved(part.bucket, name="bucket", error=InvalidTransactionError, model=Bucket)
        if bucket.budget_id != budget.pk:
            raise InvalidTransactionError(f"Bucket {bucket.name!r} belongs to another budget than {budget.name!r}.")
        value = check.amount(part.amount, budget=budget, what=what)
        priority = (
            bucket.priority
            if part.priority is None
            else check.choice(part.priority, Priority, "priority", InvalidTransactionError)
        )
        text = (
            description
            if part.description is None
            else check.text(part.description, f"parts[{index}].description", description_length)
        )
        checked.append((bucket, value, priority, text))
    split_group = None
    if total is not None:
        expected = check.amount(total, budget=budget, what="total")
        actual = sum((value for _, value, _, _ in checked), Decimal(0))
        if actual != expected:
            raise UnbalancedSplitError(
                f"The parts add up to {actual} {budget.currency}, not to the total {expected} {budget.currency}."
            )
        split_group = uuid.uuid4()
    request = _request(
        "expense" if total is None else "split_expense",
        [
            {"bucket": str(bucket.pk), "amount": value, "priority": priority, "description": text}
            for bucket, value, priority, text in checked
        ],
        day,
        user,
        reference,
    )
    rows = [
        BudgetTransaction(
            **generic_key_values("reference", reference),
            budget=budget,
            kind=TransactionKind.EXPENSE,
            amount=value,
            currency=budget.currency,
            date=day,
            effective_at=check.start_of_day(day),
            bucket=bucket,
            priority=priority,
            description=text,
            split_group=split_group,
            split_index=index,
            created_by=user,
        )
        for index, (bucket, value, priority, text) in enumerate(checked)
    ]

    def check_state() -> None:
        # State checks and the policy run once we know this is no replay: a replayed request
        # returns what was posted even if the bucket was archived or the policy changed since.
        buckets = {bucket.pk: bucket for bucket, _, _, _ in checked}
        fresh = Bucket.objects.in_bulk(list(buckets))
        for bucket, value, priority, text in checked:
            current = fresh[bucket.pk]
            if current.is_archived:
                raise BucketArchivedError(f"Bucket {current.name!r} is archived: it takes no new expense.")
            if day < current.start_month:
                raise InvalidTransactionError(
                    f"{day} is before {current.start_month:%Y-%m}, the first month of bucket {current.name!r}."
                )
            policies.check_expense(
                budget=budget,
                bucket=current,
                amount=Money(value, budget.currency),
                priority=priority,
                date=day,
                description=text,
                by=user,
            )

    return _post(scope=scope, budget=budget, key=key, request=request, rows=rows, check=check_state)


def _post(
    *,
    scope: str,
    budget: Budget,
    key: str | None,
    request: dict[str, Any],
    rows: list[BudgetTransaction],
    check: Callable[[], None],
) -> list[BudgetTransaction]:
    """Replay what ``key`` posted, or run ``check`` and insert ``rows`` with the key; once per key.

    The rows store the key and the request's fingerprint (without the budget: the rows name it),
    so a retry finds them after django-decisioning's key row was purged.
    """
    fingerprint = request_fingerprint(request)
    for row in rows:
        row.idempotency_key = key
        row.request_fingerprint = fingerprint if key is not None else ""

    def write() -> list[BudgetTransaction]:
        with atomic():
            check()
            try:
                with atomic():
                    stamp_recorded_at(*rows)  # the parts of a split are one fact: known from one instant
                    for row in rows:
                        # Unsaved again when a rolled-back attempt had inserted it.
                        row._state.adding = True
                        row.save()
            except IntegrityError:
                # A posting of another service with this key committed first (the database made this
                # insert wait on the unique index until then): the same request is replayed, another refused.
                replay = _stored_rows(scope, budget, key, fingerprint) if key is not None else None
                if replay is None:
                    raise
                return replay
        return rows

    return run_once_per_key(
        scope=scope,
        key=key,
        func=write,
        payload={**request, "budget": str(budget.pk)},
        replay=lambda: _stored_rows(scope, budget, key, fingerprint) if key is not None else None,
    )


def _stored_rows(scope: str, budget: Budget, key: str, fingerprint: str) -> list[BudgetTransaction] | None:
    """The rows a posting with ``key`` wrote when this request repeats it, else ``None``.

    Raises ``IdempotencyKeyReusedError`` when ``key`` posted a different request (in this budget or
    another one).
    """
    postings = BudgetTransaction.objects.filter(idempotency_key=key, reverses__isnull=True)
    rows = list(postings.filter(budget=budget).order_by("split_index"))
    if not rows:
        if postings.exists():
            raise key_reused(scope, key)
        return None
    if rows[0].request_fingerprint != fingerprint:
        raise key_reused(scope, key)
    return rows


def _request(
    operation: str, lines: list[dict[str, Any]], day: dt.date, user: Any, reference: models.Model | None
) -> dict[str, Any]:
    request = {"operation": operation, "lines": lines, "date": day, "by": None if user is None else str(user.pk)}
    if reference is not None:  # absent otherwise: the fingerprints of earlier postings stay as they were
        model = reference._meta.concrete_model or type(reference)
        request["reference"] = f"{model._meta.label_lower}:{canonical_object_id(reference.pk)}"
    return request
