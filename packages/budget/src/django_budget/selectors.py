"""Read paths of django-budget: the budgets of an organization, the month snapshot of every bucket, and a
month's totals.

Nothing here is stored: spent amounts are summed from the transaction facts on every call, in
a fixed number of queries whatever the number of buckets, months and transactions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from django_basemodels import ANY_ORG, OrgLike, require_saved
from django_budget.choices import TransactionKind
from django_budget.exceptions import InvalidTransactionError
from django_budget.models import Bucket, Budget, BudgetTransaction, MonthlyAllocation
from django_budget.months import months_between, next_month, to_month
from django_decisioning.querysets import require_aware
from django_money import Money

if TYPE_CHECKING:
    from django_basemodels.tenancy import _AnyOrg
    from django_budget.querysets import BudgetQuerySet, BudgetTransactionQuerySet

PLACES = Decimal("0.0001")
ZERO = Decimal(0).quantize(PLACES)


@dataclass(frozen=True)
class BucketMonth:
    """One bucket in one month.

    - ``limit``: the month's allocation if there is one, else the bucket's monthly limit;
    - ``spent``: expenses dated in the month minus the voided ones;
    - ``remaining``: ``limit - spent`` (negative when overspent);
    - ``carry_over``: for a rollover bucket, the sum of ``limit - spent`` over every month from
      its ``start_month`` to the month before (negative when it was overspent); zero otherwise;
    - ``available``: ``remaining + carry_over``.
    """

    bucket: Bucket
    month: dt.date
    limit: Money
    limit_is_allocation: bool
    spent: Money
    remaining: Money
    carry_over: Money
    available: Money


@dataclass(frozen=True)
class MonthTotals:
    """A budget's income and expenses dated in one month, voided ones left out; ``net = income - spent``."""

    month: dt.date
    income: Money
    spent: Money
    net: Money


def budgets(*, org: OrgLike | _AnyOrg = ANY_ORG) -> BudgetQuerySet:
    """The budgets of ``org``, by name: ``ANY_ORG`` (the default) every budget, as before organizations;
    ``None`` the budgets of no organization; an organization (a saved instance or a string key) its own.

    A queryset, evaluated lazily (one query). Raises ``django_basemodels.InvalidOrgError`` for an ``org``
    that names no organization (an unsaved instance, an empty string, another type).
    """
    return Budget.objects.for_org(org).order_by("name", "id")


def transactions_for_reference(reference: models.Model) -> BudgetTransactionQuerySet:
    """Every transaction that names ``reference`` (an invoice, an obligation, a deal), postings and the voids
    of them, in date order; one query. Raises ``InvalidTransactionError`` for an unsaved instance."""
    require_saved(reference, name="reference", error=InvalidTransactionError)
    return BudgetTransaction.objects.for_reference(reference).order_by("date", "recorded_at", "split_index", "id")


def month_snapshot(*, budget: Budget, month: dt.date | str, known_at: dt.datetime | None = None) -> list[BucketMonth]:
    """Every bucket of ``budget`` counting in ``month``, with its limit, spending and carry-over.

    Buckets whose ``start_month`` is after ``month``, and archived buckets from the month after
    the one they were archived in (in the current time zone), are left out. Rows come in bucket
    order (priority, name).

    ``known_at`` (aware datetime) restricts the transactions to those recorded by then: what
    the budget looked like at that time, a void recorded later not yet applied. Limits and
    allocations are configuration and always count as they are now.

    Always three queries (buckets, allocations, transactions), whatever the number of buckets,
    months and transactions. Raises ``InvalidMonthError`` (not a month, or 9999-12, which has no month
    after it), and ``ValueError`` for a naive ``known_at``.
    """
    first = to_month(month)
    following = next_month(first)
    if known_at is not None:
        require_aware(known_at, "known_at")
    buckets = [
        bucket
        for bucket in Bucket.objects.filter(budget=budget, start_month__lte=first).order_by("priority", "name", "id")
        if bucket.archived_at is None or to_month(timezone.localdate(bucket.archived_at)) >= first
    ]
    # In the window [start_month, month) of each bucket: the months with an allocation, and their sum.
    in_history = Q(month__lt=first, month__gte=F("bucket__start_month"))
    allocations = {
        row["bucket_id"]: row
        for row in MonthlyAllocation.objects.filter(bucket__budget=budget, month__lte=first)
        .values("bucket_id")
        .annotate(
            current=Sum("amount", filter=Q(month=first)),
            current_count=Count("id", filter=Q(month=first)),
            history=Sum("amount", filter=in_history),
            history_count=Count("id", filter=in_history),
        )
        .order_by()
    }
    facts = BudgetTransaction.objects.filter(budget=budget, kind=TransactionKind.EXPENSE, date__lt=following)
    if known_at is not None:
        facts = facts.filter(recorded_at__lte=known_at)
    this_month = Q(date__gte=first)
    history = Q(date__lt=first, date__gte=F("bucket__start_month"))
    posted, voided = Q(reverses__isnull=True), Q(reverses__isnull=False)
    spending = {
        row["bucket_id"]: row
        for row in facts.values("bucket_id")
        .annotate(
            posted=Sum("amount", filter=this_month & posted),
            voided=Sum("amount", filter=this_month & voided),
            history_posted=Sum("amount", filter=history & posted),
            history_voided=Sum("amount", filter=history & voided),
        )
        .order_by()
    }
    currency = budget.currency
    rows = []
    for bucket in buckets:
        allocated: Mapping[str, Any] = allocations.get(bucket.pk, {})
        spent_rows: Mapping[str, Any] = spending.get(bucket.pk, {})
        has_allocation = bool(allocated.get("current_count"))
        limit = _sum(allocated.get("current") if has_allocation else bucket.monthly_limit_amount)
        spent = _sum(spent_rows.get("posted")) - _sum(spent_rows.get("voided"))
        carry_over = ZERO
        if bucket.rollover:
            months = months_between(bucket.start_month, first)
            allocated_months = allocated.get("history_count") or 0
            history_limits = _sum(bucket.monthly_limit_amount) * (months - allocated_months) + _sum(
                allocated.get("history")
            )
            history_spent = _sum(spent_rows.get("history_posted")) - _sum(spent_rows.get("history_voided"))
            carry_over = history_limits - history_spent
        remaining = limit - spent
        rows.append(
            BucketMonth(
                bucket=bucket,
                month=first,
                limit=Money(limit, currency),
                limit_is_allocation=has_allocation,
                spent=Money(spent, currency),
                remaining=Money(remaining, currency),
                carry_over=Money(carry_over, currency),
                available=Money(remaining + carry_over, currency),
            )
        )
    return rows


def month_totals(*, budget: Budget, month: dt.date | str, known_at: dt.datetime | None = None) -> MonthTotals:
    """Income and expenses of ``budget`` dated in ``month``, voided transactions left out; one query.

    ``known_at`` as in ``month_snapshot``. Raises ``InvalidMonthError`` (as ``month_snapshot``), ``ValueError``
    for a naive ``known_at``.
    """
    first = to_month(month)
    facts = BudgetTransaction.objects.filter(budget=budget).in_month(first)
    if known_at is not None:
        facts = facts.known_at(known_at)
    posted, voided = Q(reverses__isnull=True), Q(reverses__isnull=False)
    income, expense = Q(kind=TransactionKind.INCOME), Q(kind=TransactionKind.EXPENSE)
    sums = facts.aggregate(
        income_posted=Sum("amount", filter=income & posted),
        income_voided=Sum("amount", filter=income & voided),
        spent_posted=Sum("amount", filter=expense & posted),
        spent_voided=Sum("amount", filter=expense & voided),
    )
    income_total = _sum(sums["income_posted"]) - _sum(sums["income_voided"])
    spent_total = _sum(sums["spent_posted"]) - _sum(sums["spent_voided"])
    currency = budget.currency
    return MonthTotals(
        month=first,
        income=Money(income_total, currency),
        spent=Money(spent_total, currency),
        net=Money(income_total - spent_total, currency),
    )


def _sum(value: Any) -> Decimal:
    # Quantized so that both databases give the same figures (SQLite drops trailing zeros).
    return ZERO if value is None else Decimal(value).quantize(PLACES)
