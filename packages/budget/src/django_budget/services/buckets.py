"""Configuration: budgets, their buckets and the monthly allocations of a bucket."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models
from django.db.transaction import atomic
from django.utils import timezone

from django_basemodels import InvalidOrgError, OrgLike, org_key
from django_basemodels.arguments import require_saved
from django_basemodels.generic import generic_key_values
from django_basemodels.transactions import retry_on_deadlock
from django_budget import conf
from django_budget.choices import BucketKind, Priority
from django_budget.exceptions import (
    BucketArchivedError,
    BucketNameTakenError,
    InvalidBucketError,
    InvalidBudgetError,
    InvalidMonthError,
)
from django_budget.models import Bucket, Budget, MonthlyAllocation
from django_budget.months import to_month
from django_budget.services import _validation as check
from django_money import Money
from django_money.currencies import normalize_currency
from django_money.exceptions import MoneyError

_UNSET: Any = object()


def create_budget(
    *, name: str, currency: str | None = None, owner: models.Model | None = None, org: OrgLike = None
) -> Budget:
    """Create a budget holding amounts in one ``currency`` (default ``BUDGET_DEFAULT_CURRENCY``).

    ``org`` is the organization the budget, its buckets and transactions belong to: a saved model instance
    (a household, a company), a string key of your own, or ``None`` (no organization). ``owner`` is any
    saved model instance (a household, an organisation, a user) or ``None``.
    Raises ``InvalidBudgetError`` for an empty or too long name, a missing or unknown currency, an
    unsaved owner, or an ``org`` that names no organization (an unsaved instance, an empty string...).
    """
    name = check.text(name, "name", check.column_length(Budget, "name"), required=True, error=InvalidBudgetError)
    currency = conf.default_currency() if currency is None else currency
    if currency is None:
        raise InvalidBudgetError("currency is required (or set BUDGET_DEFAULT_CURRENCY).")
    try:
        currency = normalize_currency(currency)
    except (TypeError, MoneyError) as exc:
        raise InvalidBudgetError(f"currency {currency!r} is not a known currency: {exc}") from exc
    require_saved(owner, name="owner", error=InvalidBudgetError, allow_none=True)
    try:
        key = org_key(org)
    except InvalidOrgError as exc:
        raise InvalidBudgetError(f"org: {exc}") from exc
    budget = Budget(name=name, currency=currency, org_key=key, **generic_key_values("owner", owner))
    with atomic():
        budget.save()
    return budget


def create_bucket(
    *,
    budget: Budget,
    name: str,
    kind: str,
    monthly_limit: Money | Decimal | int,
    priority: str = Priority.B,
    rollover: bool = False,
    start_month: dt.date | str | None = None,
) -> Bucket:
    """Create a bucket of ``budget`` with a ``monthly_limit`` (zero allowed: an informational bucket).

    ``start_month`` (default: the current month) is the first month the bucket counts in:
    expenses dated earlier are refused and rollover carry-over is summed from it.
    Raises ``InvalidBucketError`` (bad name, kind, priority or rollover flag), ``BucketNameTakenError``,
    ``InvalidAmountError``/``FloatAmountError``/``CurrencyMismatchError`` for the limit, ``InvalidMonthError``.
    """
    require_saved(budget, name="budget", error=InvalidBucketError, model=Budget)
    name = check.text(name, "name", check.column_length(Bucket, "name"), required=True, error=InvalidBucketError)
    kind = check.choice(kind, BucketKind, "kind", InvalidBucketError)
    priority = check.choice(priority, Priority, "priority", InvalidBucketError)
    if not isinstance(rollover, bool):
        raise InvalidBucketError(f"rollover must be True or False, not {rollover!r}.")
    limit = check.amount(monthly_limit, budget=budget, what="monthly_limit", allow_zero=True)
    first_month = to_month(timezone.localdate() if start_month is None else start_month)
    bucket = Bucket(
        budget=budget,
        name=name,
        kind=kind,
        priority=priority,
        monthly_limit_amount=limit,
        monthly_limit_currency=budget.currency,
        rollover=rollover,
        start_month=first_month,
    )
    _insert_bucket(bucket)
    return bucket


def update_bucket(
    *,
    bucket: Bucket,
    name: str = _UNSET,
    kind: str = _UNSET,
    priority: str = _UNSET,
    monthly_limit: Money | Decimal | int = _UNSET,
    rollover: bool = _UNSET,
) -> Bucket:
    """Change the given settings of a bucket that is not archived; the others stay as they are.

    A new monthly limit applies to every month without an allocation, past months included
    (set allocations for past months to keep their limits). Raises ``BucketArchivedError``, and the
    errors of ``create_bucket`` for the values given.
    """
    require_saved(bucket, name="bucket", error=InvalidBucketError, model=Bucket)
    changes: dict[str, Any] = {}
    if name is not _UNSET:
        changes["name"] = check.text(
            name, "name", check.column_length(Bucket, "name"), required=True, error=InvalidBucketError
        )
    if kind is not _UNSET:
        changes["kind"] = check.choice(kind, BucketKind, "kind", InvalidBucketError)
    if priority is not _UNSET:
        changes["priority"] = check.choice(priority, Priority, "priority", InvalidBucketError)
    if rollover is not _UNSET:
        if not isinstance(rollover, bool):
            raise InvalidBucketError(f"rollover must be True or False, not {rollover!r}.")
        changes["rollover"] = rollover
    if monthly_limit is not _UNSET:
        limit = check.amount(monthly_limit, budget=bucket.budget, what="monthly_limit", allow_zero=True)
        changes["monthly_limit_amount"] = limit
    current = _update_bucket(bucket.pk, changes)
    for field in (*changes, "updated_at"):
        setattr(bucket, field, getattr(current, field))
    return bucket


def archive_bucket(*, bucket: Bucket) -> Bucket:
    """Archive a bucket: it takes no new expense nor allocation and leaves the snapshots of later months.

    Its transactions stay, and so do the snapshots of the months up to the one it is archived in.
    Archiving an archived bucket changes nothing (the first time is kept).
    """
    require_saved(bucket, name="bucket", error=InvalidBucketError, model=Bucket)
    with atomic():
        current = Bucket.objects.select_for_update().get(pk=bucket.pk)
        if current.archived_at is None:
            current.archived_at = timezone.now()
            current.save(update_fields=["archived_at", "updated_at"])
    bucket.archived_at, bucket.updated_at = current.archived_at, current.updated_at
    return bucket


def set_allocation(*, bucket: Bucket, month: dt.date | str, amount: Money | Decimal | int) -> MonthlyAllocation:
    """Set the limit of ``bucket`` for one ``month`` to ``amount`` (zero allowed), replacing its monthly limit there.

    Allocations are configuration: setting one again overwrites it in place. Raises
    ``InvalidMonthError`` (not a month, or before the bucket's first month), ``BucketArchivedError``,
    ``InvalidAmountError``/``FloatAmountError``/``CurrencyMismatchError``.
    """
    require_saved(bucket, name="bucket", error=InvalidBucketError, model=Bucket)
    first = to_month(month)
    value = check.amount(amount, budget=bucket.budget, what="amount", allow_zero=True)
    if first < bucket.start_month:
        raise InvalidMonthError(
            f"{first:%Y-%m} is before {bucket.start_month:%Y-%m}, the first month of {bucket.name!r}."
        )
    with atomic():
        current = Bucket.objects.select_for_update().get(pk=bucket.pk)
        if current.is_archived:
            raise BucketArchivedError(f"Bucket {current.name!r} is archived: it takes no allocation.")
        allocation, _ = MonthlyAllocation.objects.update_or_create(
            bucket=current, month=first, defaults={"amount": value, "currency": bucket.budget.currency}
        )
    return allocation


def clear_allocation(*, bucket: Bucket, month: dt.date | str) -> bool:
    """Remove the allocation of ``bucket`` for ``month``, so its monthly limit applies again; whether one existed."""
    require_saved(bucket, name="bucket", error=InvalidBucketError, model=Bucket)
    first = to_month(month)
    with atomic():
        deleted, _ = MonthlyAllocation.objects.filter(bucket=bucket, month=first).delete()
    return deleted > 0


def _refuse_taken_name(budget: Budget, name: str, exclude: Any) -> None:
    taken = Bucket.objects.filter(budget=budget, name=name, archived_at__isnull=True).exclude(pk=exclude)
    if taken.exists():
        raise BucketNameTakenError(f"Budget {budget.name!r} already has a bucket named {name!r}.")


@retry_on_deadlock
def _insert_bucket(bucket: Bucket) -> None:
    """Insert ``bucket`` unless its budget has a live bucket of that name (``BucketNameTakenError``).

    Run again when the database breaks a deadlock by rolling it back, if it owns the transaction:
    on MariaDB/MySQL, requests waiting on a name whose first request rolls back each hold a shared
    lock on it and each want it exclusive. The next attempt finds the survivor's bucket.
    """
    _refuse_taken_name(bucket.budget, bucket.name, exclude=None)
    _save_bucket(bucket, force_insert=True)


@retry_on_deadlock
def _update_bucket(pk: Any, changes: dict[str, Any]) -> Bucket:
    """Apply ``changes`` to the bucket ``pk`` under its row lock; run again after a deadlock, as ``_insert_bucket``."""
    current = Bucket.objects.select_for_update().get(pk=pk)
    if current.is_archived:
        raise BucketArchivedError(f"Bucket {current.name!r} is archived: it cannot be changed.")
    if "name" in changes and changes["name"] != current.name:
        _refuse_taken_name(current.budget, changes["name"], exclude=current.pk)
    for field, value in changes.items():
        setattr(current, field, value)
    _save_bucket(current, update_fields=[*changes, "updated_at"])
    return current


def _save_bucket(bucket: Bucket, **kwargs: Any) -> None:
    try:
        with atomic():
            bucket.save(**kwargs)
    except IntegrityError:
        # A concurrent request may have taken the name between our check and this write.
        _refuse_taken_name(bucket.budget, bucket.name, exclude=bucket.pk)
        raise
