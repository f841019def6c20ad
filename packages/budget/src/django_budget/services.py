"""Write paths of django-budget: one function per decision surface.

Every service takes keyword arguments, validates all of them before its first write, runs in
``transaction.atomic()`` and raises a ``BudgetError`` subclass on refusal, leaving no row behind.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, models
from django.db.transaction import atomic
from django.utils import timezone

from django_basemodels.generic import generic_key_values
from django_basemodels.limits import text_within_limit
from django_basemodels.transactions import retry_on_deadlock
from django_budget import conf, policies
from django_budget.choices import BucketKind, Priority, TransactionKind
from django_budget.exceptions import (
    AlreadyVoided,
    BucketArchived,
    BucketNameTaken,
    CurrencyMismatch,
    FloatAmount,
    IdempotencyKeyReused,
    InvalidAmount,
    InvalidBucket,
    InvalidBudget,
    InvalidMonth,
    InvalidTransaction,
    UnbalancedSplit,
    VoidNotPermitted,
)
from django_budget.models import Bucket, Budget, BudgetTransaction, MonthlyAllocation
from django_budget.months import to_month
from django_decisioning.canonical import request_fingerprint
from django_decisioning.services import record_decision
from django_money import Money
from django_money.currencies import normalize_currency
from django_money.exceptions import MoneyError

IDEMPOTENCY_SCOPE = "django_budget.transaction"
VOID_IDEMPOTENCY_SCOPE = "django_budget.void"
VOID_ACTION = "django_budget.void_transaction"
PLACES = Decimal("0.0001")  # the 4 decimal places of every amount column
LIMIT = Decimal(10) ** 15  # amounts have at most 15 integer digits (19 digits, 4 of them decimal)
MAX_SPLIT_PARTS = 100
_UNSET: Any = object()


@dataclass(frozen=True)
class SplitPart:
    """One part of a split expense: the bucket it is charged to and its share of the total.

    ``priority`` defaults to the bucket's and ``description`` to the split's.
    """

    bucket: Bucket
    amount: Money | Decimal | int
    priority: str | None = None
    description: str | None = None


# --- budgets and buckets (configuration) -------------------------------------------------------


def create_budget(*, name: str, currency: str | None = None, owner: models.Model | None = None) -> Budget:
    """Create a budget holding amounts in one ``currency`` (default ``BUDGET_DEFAULT_CURRENCY``).

    ``owner`` is any saved model instance (a household, an organisation, a user) or ``None``.
    Raises ``InvalidBudget`` for an empty or too long name, a missing or unknown currency, or an
    unsaved owner.
    """
    name = _text(name, "name", _column_length(Budget, "name"), required=True, error=InvalidBudget)
    currency = conf.default_currency() if currency is None else currency
    if currency is None:
        raise InvalidBudget("currency is required (or set BUDGET_DEFAULT_CURRENCY).")
    try:
        currency = normalize_currency(currency)
    except (TypeError, MoneyError) as exc:
        raise InvalidBudget(f"currency {currency!r} is not a known currency: {exc}") from exc
    if owner is not None and (not isinstance(owner, models.Model) or owner.pk is None or owner._state.adding):
        raise InvalidBudget(f"owner must be a saved model instance or None, not {owner!r}.")
    budget = Budget(name=name, currency=currency, **generic_key_values("owner", owner))
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
    Raises ``InvalidBucket`` (bad name, kind, priority or rollover flag), ``BucketNameTaken``,
    ``InvalidAmount``/``FloatAmount``/``CurrencyMismatch`` for the limit, ``InvalidMonth``.
    """
    _require_saved(budget, Budget, "budget", InvalidBucket)
    name = _text(name, "name", _column_length(Bucket, "name"), required=True, error=InvalidBucket)
    kind = _choice(kind, BucketKind, "kind", InvalidBucket)
    priority = _choice(priority, Priority, "priority", InvalidBucket)
    if not isinstance(rollover, bool):
        raise InvalidBucket(f"rollover must be True or False, not {rollover!r}.")
    limit = _amount(monthly_limit, budget=budget, what="monthly_limit", allow_zero=True)
    first_month = to_month(timezone.localdate() if start_month is None else start_month)
    bucket = Bucket(
        budget=budget,
        name=name,
        kind=kind,
        priority=priority,
        monthly_limit=Money(limit, budget.currency),
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
    (set allocations for past months to keep their limits). Raises ``BucketArchived``, and the
    errors of ``create_bucket`` for the values given.
    """
    _require_saved(bucket, Bucket, "bucket", InvalidBucket)
    changes: dict[str, Any] = {}
    if name is not _UNSET:
        changes["name"] = _text(name, "name", _column_length(Bucket, "name"), required=True, error=InvalidBucket)
    if kind is not _UNSET:
        changes["kind"] = _choice(kind, BucketKind, "kind", InvalidBucket)
    if priority is not _UNSET:
        changes["priority"] = _choice(priority, Priority, "priority", InvalidBucket)
    if rollover is not _UNSET:
        if not isinstance(rollover, bool):
            raise InvalidBucket(f"rollover must be True or False, not {rollover!r}.")
        changes["rollover"] = rollover
    if monthly_limit is not _UNSET:
        limit = _amount(monthly_limit, budget=bucket.budget, what="monthly_limit", allow_zero=True)
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
    _require_saved(bucket, Bucket, "bucket", InvalidBucket)
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
    ``InvalidMonth`` (not a month, or before the bucket's first month), ``BucketArchived``,
    ``InvalidAmount``/``FloatAmount``/``CurrencyMismatch``.
    """
    _require_saved(bucket, Bucket, "bucket", InvalidBucket)
    first = to_month(month)
    value = _amount(amount, budget=bucket.budget, what="amount", allow_zero=True)
    if first < bucket.start_month:
        raise InvalidMonth(f"{first:%Y-%m} is before {bucket.start_month:%Y-%m}, the first month of {bucket.name!r}.")
    with atomic():
        current = Bucket.objects.select_for_update().get(pk=bucket.pk)
        if current.is_archived:
            raise BucketArchived(f"Bucket {current.name!r} is archived: it takes no allocation.")
        allocation, _ = MonthlyAllocation.objects.update_or_create(
            bucket=current, month=first, defaults={"amount": value, "currency": bucket.budget.currency}
        )
    return allocation


def clear_allocation(*, bucket: Bucket, month: dt.date | str) -> bool:
    """Remove the allocation of ``bucket`` for ``month``, so its monthly limit applies again; whether one existed."""
    _require_saved(bucket, Bucket, "bucket", InvalidBucket)
    first = to_month(month)
    with atomic():
        deleted, _ = MonthlyAllocation.objects.filter(bucket=bucket, month=first).delete()
    return deleted > 0


# --- transactions (facts) ----------------------------------------------------------------------


def post_income(
    *,
    budget: Budget,
    amount: Money | Decimal | int,
    date: dt.date,
    description: str = "",
    idempotency_key: str | None = None,
    by: models.Model | None = None,
) -> BudgetTransaction:
    """Record an income of ``amount`` (> 0, in the budget's currency) on ``date``.

    With an ``idempotency_key`` (unique per budget), a repeat of the same request returns the
    transaction posted first and writes nothing; concurrent repeats post once. Raises
    ``InvalidAmount``/``FloatAmount``, ``CurrencyMismatch``, ``InvalidTransaction`` (bad date,
    key or user, a description longer than its 255-character column) and ``IdempotencyKeyReused``
    (same key, different request).
    """
    _require_saved(budget, Budget, "budget", InvalidTransaction)
    value = _amount(amount, budget=budget, what="amount")
    day = _date(date)
    description = _text(description, "description", _column_length(BudgetTransaction, "description"))
    key = _idempotency_key(idempotency_key)
    user = _user(by, "by")
    fingerprint = _fingerprint("income", [{"amount": value, "description": description}], day, user)
    row = BudgetTransaction(
        budget=budget,
        kind=TransactionKind.INCOME,
        money=Money(value, budget.currency),
        date=day,
        effective_at=_start_of_day(day),
        description=description,
        idempotency_key=key,
        request_fingerprint=fingerprint if key else "",
        created_by=user,
    )
    [posted] = _post(budget=budget, key=key, fingerprint=fingerprint, rows=[row], check=lambda: None)
    return posted


def post_expense(
    *,
    budget: Budget,
    bucket: Bucket,
    amount: Money | Decimal | int,
    date: dt.date,
    description: str = "",
    priority: str | None = None,
    idempotency_key: str | None = None,
    by: models.Model | None = None,
) -> BudgetTransaction:
    """Record an expense of ``amount`` (> 0, in the budget's currency) in ``bucket`` on ``date``.

    ``priority`` defaults to the bucket's. The spending policy (``BUDGET_SPENDING_POLICY``) runs
    before anything is written; a replay of an idempotent request does not run it again.
    Raises, besides the errors of ``post_income``: ``InvalidTransaction`` (a bucket of another
    budget, a date before the bucket's first month), ``BucketArchived``, ``SpendingRefused``
    (naming the rule), ``SpendingPolicyMisconfigured`` and ``ObligationsHookFailed``.
    """
    [posted] = _post_expenses(
        budget=budget,
        parts=[SplitPart(bucket=bucket, amount=amount, priority=priority, description=description)],
        total=None,
        date=date,
        description=description,
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
    idempotency_key: str | None = None,
    by: models.Model | None = None,
) -> list[BudgetTransaction]:
    """Record one payment of ``total`` shared between buckets: one expense per part, all or none.

    The parts must add up exactly to ``total`` (``UnbalancedSplit`` otherwise); they share a
    ``split_group`` and are numbered by ``split_index``. The spending policy runs on every part.
    Each part can be voided on its own later (an item returned). Raises the errors of
    ``post_expense`` too.
    """
    return _post_expenses(
        budget=budget,
        parts=parts,
        total=total,
        date=date,
        description=description,
        idempotency_key=idempotency_key,
        by=by,
    )


def void_transaction(
    *,
    transaction: BudgetTransaction,
    reason: str,
    by: models.Model | None,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> BudgetTransaction:
    """Void a posted transaction by writing its reversal fact; the transaction itself is never edited.

    The reversal copies kind, amount, bucket, priority, ``date`` and ``effective_at`` of the
    original (it corrects the original's month) and records ``reason``, the user ``by`` (``None``
    for the system) and a ``Decision`` (actor ``by``, principal ``on_behalf_of``, target the
    original, evidence a snapshot of it). At most one reversal per transaction, also under
    concurrency (a row lock, and a unique column behind it).

    With an ``idempotency_key``, a repeat of the same request (same transaction, reason, ``by``
    and ``on_behalf_of``) returns the reversal the first call wrote and writes nothing, however
    often it is retried. The void is its own idempotency record: the request's fingerprint is
    stored on the reversal (``request_fingerprint``) and the key in its ``Decision``'s evidence
    (``idempotency_key``; a void row's ``idempotency_key`` column stays empty, keeping posting
    keys to postings). The key is scoped to the transaction voided.

    Raises ``VoidNotPermitted`` when ``by`` lacks ``BUDGET_VOID_PERMISSION``, ``AlreadyVoided``
    (carrying the existing ``reversal``) when the transaction was voided by another request (no
    key, or another key), ``IdempotencyKeyReused`` when it was voided with this key but for a
    different request, ``InvalidTransaction`` (a void fact given, an empty reason or one longer
    than ``BUDGET_MAX_TEXT_LENGTH``, an unsaved transaction or user, a malformed key).
    """
    _require_saved(transaction, BudgetTransaction, "transaction", InvalidTransaction)
    if transaction.reverses_id is not None:
        raise InvalidTransaction("This is a void fact: a void cannot be voided; post the transaction again instead.")
    reason = _text(reason, "reason", conf.max_text_length(), required=True)
    user = _user(by, "by")
    if on_behalf_of is not None and (
        not isinstance(on_behalf_of, models.Model) or on_behalf_of.pk is None or on_behalf_of._state.adding
    ):
        raise InvalidTransaction(f"on_behalf_of must be a saved model instance or None, not {on_behalf_of!r}.")
    key = _idempotency_key(idempotency_key)
    fingerprint = _void_fingerprint(transaction, reason, user, on_behalf_of) if key else ""
    permission = conf.void_permission()
    if user is not None and permission is not None and not user.has_perm(permission):
        raise VoidNotPermitted(f"{user} lacks the permission {permission} to void budget transactions.")
    with atomic():
        original = _locked_for_void(transaction)
        replay = _replayed_void(original, key, fingerprint)
        if replay is not None:
            return replay
        _refuse_voided(original)
        try:
            with atomic():
                decision = record_decision(
                    action=VOID_ACTION,
                    actor=user,
                    on_behalf_of=on_behalf_of,
                    target=original,
                    outcome="voided",
                    evidence={**_void_evidence(original, reason), "idempotency_key": key},
                )
                reversal = BudgetTransaction(
                    budget_id=original.budget_id,
                    kind=original.kind,
                    amount=original.amount,
                    currency=original.currency,
                    date=original.date,
                    effective_at=original.effective_at,
                    bucket_id=original.bucket_id,
                    priority=original.priority,
                    description=original.description,
                    split_group=original.split_group,
                    split_index=original.split_index,
                    reverses=original,
                    reason=reason,
                    request_fingerprint=fingerprint,
                    decision=decision,
                    created_by=user,
                )
                reversal.save()
        except IntegrityError:
            # The row lock (PostgreSQL, MariaDB) and the serialised writers (SQLite) make a second void
            # unlikely to get this far; should one, the unique reverses column refuses it here.
            replay = _replayed_void(original, key, fingerprint)
            if replay is not None:
                return replay
            _refuse_voided(original)
            raise
    return reversal


# --- helpers -----------------------------------------------------------------------------------


def _post_expenses(
    *,
    budget: Budget,
    parts: Sequence[SplitPart],
    total: Money | Decimal | int | None,
    date: dt.date,
    description: str,
    idempotency_key: str | None,
    by: models.Model | None,
) -> list[BudgetTransaction]:
    _require_saved(budget, Budget, "budget", InvalidTransaction)
    if isinstance(parts, (str, bytes)) or not isinstance(parts, Sequence) or not parts:
        raise InvalidTransaction("parts must be a non-empty list of SplitPart.")
    if len(parts) > MAX_SPLIT_PARTS:
        raise InvalidTransaction(f"A split has at most {MAX_SPLIT_PARTS} parts, not {len(parts)}.")
    day = _date(date)
    description_length = _column_length(BudgetTransaction, "description")
    description = _text(description, "description", description_length)
    key = _idempotency_key(idempotency_key)
    user = _user(by, "by")
    checked = []
    for index, part in enumerate(parts):
        if not isinstance(part, SplitPart):
            raise InvalidTransaction(f"parts[{index}] must be a SplitPart, not {type(part).__name__}.")
        what = "amount" if total is None else f"parts[{index}].amount"
        bucket = _require_saved(part.bucket, Bucket, "bucket", InvalidTransaction)
        if bucket.budget_id != budget.pk:
            raise InvalidTransaction(f"Bucket {bucket.name!r} belongs to another budget than {budget.name!r}.")
        value = _amount(part.amount, budget=budget, what=what)
        priority = (
            bucket.priority
            if part.priority is None
            else _choice(part.priority, Priority, "priority", InvalidTransaction)
        )
        text = (
            description
            if part.description is None
            else _text(part.description, f"parts[{index}].description", description_length)
        )
        checked.append((bucket, value, priority, text))
    split_group = None
    if total is not None:
        expected = _amount(total, budget=budget, what="total")
        actual = sum((value for _, value, _, _ in checked), Decimal(0))
        if actual != expected:
            raise UnbalancedSplit(
                f"The parts add up to {actual} {budget.currency}, not to the total {expected} {budget.currency}."
            )
        split_group = uuid.uuid4()
    fingerprint = _fingerprint(
        "expense" if total is None else "split_expense",
        [
            {"bucket": str(bucket.pk), "amount": value, "priority": priority, "description": text}
            for bucket, value, priority, text in checked
        ],
        day,
        user,
    )
    rows = [
        BudgetTransaction(
            budget=budget,
            kind=TransactionKind.EXPENSE,
            money=Money(value, budget.currency),
            date=day,
            effective_at=_start_of_day(day),
            bucket=bucket,
            priority=priority,
            description=text,
            idempotency_key=key,
            request_fingerprint=fingerprint if key else "",
            split_group=split_group,
            split_index=index,
            created_by=user,
        )
        for index, (bucket, value, priority, text) in enumerate(checked)
    ]

    def check() -> None:
        # State checks and the policy run once we know this is no replay: a replayed request
        # returns what was posted even if the bucket was archived or the policy changed since.
        buckets = {bucket.pk: bucket for bucket, _, _, _ in checked}
        fresh = Bucket.objects.in_bulk(list(buckets))
        for bucket, value, priority, text in checked:
            current = fresh[bucket.pk]
            if current.is_archived:
                raise BucketArchived(f"Bucket {current.name!r} is archived: it takes no new expense.")
            if day < current.start_month:
                raise InvalidTransaction(
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

    return _post(budget=budget, key=key, fingerprint=fingerprint, rows=rows, check=check)


@retry_on_deadlock
def _post(
    *,
    budget: Budget,
    key: str | None,
    fingerprint: str,
    rows: list[BudgetTransaction],
    check: Callable[[], None],
) -> list[BudgetTransaction]:
    """Replay what ``key`` posted, or run ``check`` and insert ``rows``; all in one transaction.

    Run again when the database breaks a deadlock by rolling it back, if it owns the transaction:
    on MariaDB/MySQL, requests waiting on a key whose first request rolls back each hold a shared
    lock on it and each want it exclusive. The next attempt replays the survivor's rows.
    """
    if key is not None:
        replay = _replay(budget, key, fingerprint)
        if replay is not None:
            return replay
    check()
    try:
        with atomic():
            for row in rows:
                # Unsaved again when a rolled-back attempt had inserted it.
                row._state.adding = True
                row.save()
    except IntegrityError:
        # A concurrent request with the same key committed first (the database made this
        # insert wait on the unique index until then): its rows are the answer.
        replay = _replay(budget, key, fingerprint) if key is not None else None
        if replay is None:
            raise
        return replay
    return rows


def _replay(budget: Budget, key: str, fingerprint: str) -> list[BudgetTransaction] | None:
    rows = list(BudgetTransaction.objects.filter(budget=budget, idempotency_key=key).order_by("split_index"))
    if not rows:
        return None
    if rows[0].request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"Idempotency key {key!r} was already used in budget {budget.name!r} for a different request.",
            scope=IDEMPOTENCY_SCOPE,
            key=key,
        )
    return rows


def _locked_for_void(transaction: BudgetTransaction) -> BudgetTransaction:
    """``transaction`` read again with its row locked until the end of the transaction: voids of it queue here."""
    if connection.features.has_select_for_update_of:
        # Its bucket is read in the same query, and only the transaction's row is locked.
        query = BudgetTransaction.objects.select_for_update(of=("self",)).select_related("bucket")
    else:
        # FOR UPDATE would lock the bucket of a join too (MariaDB/MySQL), and with it every expense
        # posted to that bucket meanwhile: the bucket is read afterwards, unlocked.
        query = BudgetTransaction.objects.select_for_update()
    return query.get(pk=transaction.pk)


def _refuse_voided(original: BudgetTransaction) -> None:
    existing = BudgetTransaction.objects.filter(reverses=original).first()
    if existing is not None:
        raise AlreadyVoided(f"{original} was already voided.", transaction=original, reversal=existing)


def _replayed_void(original: BudgetTransaction, key: str | None, fingerprint: str) -> BudgetTransaction | None:
    """The void of ``original`` made with ``key`` when this request repeats it, else ``None``.

    Raises ``IdempotencyKeyReused`` when ``key`` voided ``original`` for a different request.
    """
    if key is None:
        return None
    existing = BudgetTransaction.objects.filter(reverses=original).select_related("decision").first()
    if existing is None or existing.decision is None or existing.decision.evidence.get("idempotency_key") != key:
        return None
    if existing.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"Idempotency key {key!r} already voided {original} with a different request.",
            scope=VOID_IDEMPOTENCY_SCOPE,
            key=key,
        )
    return existing


def _void_fingerprint(transaction: BudgetTransaction, reason: str, user: Any, on_behalf_of: models.Model | None) -> str:
    return request_fingerprint(
        {
            "operation": "void",
            "transaction": str(transaction.pk),
            "reason": reason,
            "by": None if user is None else str(user.pk),
            "on_behalf_of": on_behalf_of,
        }
    )


def _void_evidence(original: BudgetTransaction, reason: str) -> dict[str, Any]:
    return {
        "transaction": original.pk,
        "kind": original.kind,
        "amount": original.amount,
        "currency": original.currency,
        "date": original.date,
        "bucket": original.bucket_id,
        "bucket_name": original.bucket.name if original.bucket else None,
        "priority": original.priority,
        "description": original.description,
        "reason": reason,
    }


def _fingerprint(operation: str, lines: list[dict[str, Any]], day: dt.date, user: Any) -> str:
    return request_fingerprint(
        {"operation": operation, "lines": lines, "date": day, "by": None if user is None else str(user.pk)}
    )


def _amount(value: Any, *, budget: Budget, what: str, allow_zero: bool = False) -> Decimal:
    """``value`` as a Decimal with 4 places, after refusing floats, other currencies and out-of-range amounts."""
    if isinstance(value, float):
        raise FloatAmount(
            f"{what} is a float ({value!r}), which is inexact: pass a Decimal or a Money, "
            f"such as Decimal({str(value)!r})."
        )
    if isinstance(value, Money):
        if value.currency != budget.currency:
            raise CurrencyMismatch(
                f"{what} is in {value.currency} but budget {budget.name!r} holds {budget.currency}.",
                expected=budget.currency,
                got=value.currency,
            )
        number = value.amount
    elif isinstance(value, Decimal) or (isinstance(value, int) and not isinstance(value, bool)):
        number = Decimal(value)
    else:
        raise InvalidAmount(f"{what} is a Money or a Decimal, not {type(value).__name__}.")
    if not number.is_finite():
        raise InvalidAmount(f"{what} must be a finite number, not {number}.")
    if number < 0 or (number == 0 and not allow_zero):
        raise InvalidAmount(f"{what} must be {'zero or more' if allow_zero else 'more than zero'}, not {number}.")
    if number >= LIMIT:
        raise InvalidAmount(f"{what} {number} has more than 15 integer digits.")
    stored = number.quantize(PLACES)
    if stored != number:
        raise InvalidAmount(f"{what} {number} has more than 4 decimal places: round it first.")
    return stored


def _require_saved(obj: Any, model: type[models.Model], what: str, error: type[Exception]) -> Any:
    if not isinstance(obj, model) or obj.pk is None or obj._state.adding:
        raise error(f"{what} must be a saved {model.__name__}, not {obj!r}.")
    return obj


def _text(
    value: Any, what: str, max_length: int, *, required: bool = False, error: type[Exception] = InvalidTransaction
) -> str:
    if not isinstance(value, str):
        raise error(f"{what} must be a string, not {type(value).__name__}.")
    value = value.strip()
    if required and not value:
        raise error(f"{what} must not be empty.")
    return text_within_limit(value, name=what, limit=max_length, error=error)


def _column_length(model: type[models.Model], field_name: str) -> int:
    """The ``max_length`` of a column: a longer value fails the insert on PostgreSQL and MariaDB, and is kept
    whole on SQLite."""
    return model._meta.get_field(field_name).max_length


def _choice(value: Any, choices: type[models.TextChoices], what: str, error: type[Exception]) -> str:
    if value not in choices.values:
        raise error(f"{what} must be one of {', '.join(choices.values)}, not {value!r}.")
    return str(value)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidTransaction(f"date must be a date, not {type(value).__name__}.")
    return value


def _start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the current time zone: the ``effective_at`` of a fact of that day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _idempotency_key(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > 255:
        raise InvalidTransaction(f"idempotency_key must be a string of 1 to 255 characters or None, not {value!r}.")
    return value


def _user(value: Any, what: str) -> Any:
    if value is None:
        return None
    return _require_saved(value, get_user_model(), what, InvalidTransaction)


def _refuse_taken_name(budget: Budget, name: str, exclude: Any) -> None:
    taken = Bucket.objects.filter(budget=budget, name=name, archived_at__isnull=True).exclude(pk=exclude)
    if taken.exists():
        raise BucketNameTaken(f"Budget {budget.name!r} already has a bucket named {name!r}.")


@retry_on_deadlock
def _insert_bucket(bucket: Bucket) -> None:
    """Insert ``bucket`` unless its budget has a live bucket of that name (``BucketNameTaken``).

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
        raise BucketArchived(f"Bucket {current.name!r} is archived: it cannot be changed.")
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
