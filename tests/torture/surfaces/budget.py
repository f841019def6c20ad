"""django-budget: ``post_expense(...)`` and ``void_transaction(...)``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from django_budget import VoidNotPermittedError
from django_budget.models import BudgetTransaction
from django_budget.selectors import month_snapshot
from django_budget.services import (
    VOID_ACTION,
    create_bucket,
    create_budget,
    post_expense,
    update_bucket,
    void_transaction,
)
from django_decisioning.models import Decision
from django_decisioning.testing import assert_backdate_coherent
from django_money import Money
from tests.torture.surfaces import (
    BackdatePlan,
    DelegationPlan,
    RetryPlan,
    ReversalPlan,
    SnapshotPlan,
    Surface,
    fresh,
)

AMOUNT = Decimal("120.0000")
TICK = dt.timedelta(microseconds=1)


def household(world) -> SimpleNamespace:
    budget = create_budget(name="Home", currency="EUR", owner=world.principal)
    groceries = create_bucket(
        budget=budget,
        name="Groceries",
        kind="essentials",
        monthly_limit=Money("900", "EUR"),
        priority="B",
        start_month=timezone.localdate() - dt.timedelta(days=62),
    )
    return SimpleNamespace(budget=budget, groceries=groceries)


def expense(h: SimpleNamespace, *, day: dt.date | None = None, **options) -> BudgetTransaction:
    return post_expense(
        budget=h.budget,
        bucket=h.groceries,
        amount=Money("120.00", "EUR"),
        date=day or timezone.localdate(),
        description="Walmart groceries",
        **options,
    )


def net_spent(h: SimpleNamespace, when: dt.datetime, known_at: dt.datetime | None) -> Decimal:
    """Expenses minus their voids, as of ``when`` (as known at ``known_at``), through the package's as_of."""
    rows = BudgetTransaction.objects.filter(budget=h.budget).as_of(when, known_at=known_at).expenses()
    return sum((-row.amount if row.reverses_id else row.amount for row in rows), Decimal("0"))


def spent_in_month(h: SimpleNamespace, day: dt.date, known_at: dt.datetime | None) -> Money:
    [row] = [row for row in month_snapshot(budget=h.budget, month=day, known_at=known_at) if row.bucket == h.groceries]
    return row.spent


class PostExpense(Surface):
    id = "budget.post_expense"
    call = "post_expense(budget=, bucket=, amount=, date=, idempotency_key=, by=)"
    not_applicable = {
        "delegation": (
            "post_expense records no Decision: created_by is the only person on the fact and there is no "
            "on_behalf_of parameter; its undo, void_transaction(by=, on_behalf_of=), records one and is "
            "checked under Reversal"
        ),
    }
    notes = {
        "retry": "`idempotency_key` (stored on the row): one `BudgetTransaction`; repeats return it",
        "backdate": (
            "`date` yesterday (effective at its start in `TIME_ZONE`, not UTC); `BudgetTransaction.objects.as_of` "
            "and `month_snapshot(known_at=)`"
        ),
        "reversal": (
            "`void_transaction(transaction, reason=, by=)`: `VoidNotPermittedError` without "
            "`django_budget.void_budgettransaction` (held through an RBAC role); a new void fact"
        ),
        "snapshot": (
            "amount, currency and the bucket's priority are copied on the fact; the bucket is renamed, "
            "re-prioritised and re-limited"
        ),
    }

    def retry(self, world):
        h = household(world)

        def call():
            return post_expense(
                budget=fresh(h.budget),
                bucket=fresh(h.groceries),
                amount=Decimal("120"),  # the same request as Money("120.00", "EUR")
                date=timezone.localdate(),
                description="Walmart groceries",
                idempotency_key="receipt-4711",
            )

        def check_after():
            assert spent_in_month(h, timezone.localdate(), None) == Money(AMOUNT, "EUR")

        return RetryPlan(call=call, count=BudgetTransaction.objects.count, check_after=check_after)

    def backdate(self, world, effective_at):
        h = household(world)
        day = timezone.localdate(effective_at)
        txn = expense(h, day=day)
        txn.refresh_from_db()

        def check_fact():
            assert_backdate_coherent(txn, BudgetTransaction.objects.all())
            assert txn.effective_at == timezone.make_aware(dt.datetime.combine(day, dt.time.min))
            assert spent_in_month(h, day, txn.recorded_at - TICK) == Money("0", "EUR")
            assert spent_in_month(h, day, txn.recorded_at) == Money(AMOUNT, "EUR")

        return BackdatePlan(
            fact=txn,
            effective_at=txn.effective_at,
            recorded_at=txn.recorded_at,
            view=lambda when, known_at: net_spent(h, when, known_at),
            before=Decimal("0"),
            after=AMOUNT,
            known_before=Decimal("0"),
            check_fact=check_fact,
        )

    def reversal(self, world):
        h = household(world)
        txn = expense(h)

        def undo(by, on_behalf_of):
            return void_transaction(fresh(txn), reason="Charged twice", by=by, on_behalf_of=on_behalf_of)

        return ReversalPlan(
            original=txn,
            undo=undo,
            refusal=VoidNotPermittedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda void: void.decision,
            view=lambda: spent_in_month(h, timezone.localdate(), None),
            view_after_undo=Money("0", "EUR"),
        )

    def snapshot(self, world):
        h = household(world)
        txn = expense(h, by=world.clerk)

        def reconstruct(row):
            return (row.kind, row.amount, row.currency, row.priority, row.bucket_id, row.date, row.description)

        def mutate():
            update_bucket(bucket=h.groceries, name="Food", priority="C", monthly_limit=Decimal("500"))

        def live():
            bucket = fresh(h.groceries)
            return (bucket.name, bucket.priority, bucket.monthly_limit_amount)

        return SnapshotPlan(
            records=[
                (txn, ("expense", AMOUNT, "EUR", "B", h.groceries.pk, timezone.localdate(), "Walmart groceries")),
            ],
            reconstruct=reconstruct,
            mutate=mutate,
            live=live,
        )


class VoidTransaction(Surface):
    id = "budget.void_transaction"
    call = "void_transaction(transaction, reason=, by=, on_behalf_of=, idempotency_key=)"
    not_applicable = {
        "reversal": (
            "a void cannot be voided (InvalidTransaction, by design: post the transaction again); the void "
            "itself is the reversal checked under budget.post_expense"
        ),
    }
    notes = {
        "retry": (
            "`idempotency_key`: one void; repeats return it (the key stored on the void row under a unique "
            "constraint, so also after the key row is purged); without a key a repeat is `AlreadyVoidedError`"
        ),
        "backdate": (
            "the void copies the original's `effective_at` (yesterday) and is recorded now: "
            "`as_of(yesterday, known_at=<before the void>)` still shows the expense"
        ),
        "delegation": "`by=`/`on_behalf_of=` on the `Decision` `django_budget.void_transaction` (`void.decision`)",
        "snapshot": (
            "the `Decision`'s evidence keeps amount, bucket name and priority of the original; the bucket is edited"
        ),
    }

    def retry(self, world):
        h = household(world)
        txn = expense(h)

        def call():
            return void_transaction(
                fresh(txn),
                reason="Charged twice",
                by=fresh(world.manager),
                on_behalf_of=fresh(world.principal),
                idempotency_key="void-receipt-4711",
            )

        def check_after():
            assert Decision.objects.for_action(VOID_ACTION).for_target(txn).count() == 1
            assert spent_in_month(h, timezone.localdate(), None) == Money("0", "EUR")

        return RetryPlan(
            call=call,
            count=BudgetTransaction.objects.filter(reverses=txn).count,
            check_after=check_after,
        )

    def backdate(self, world, effective_at):
        h = household(world)
        day = timezone.localdate(effective_at)
        txn = expense(h, day=day)
        void = void_transaction(transaction=txn, reason="Charged twice", by=world.manager)
        void.refresh_from_db()

        def check_fact():
            assert_backdate_coherent(void, BudgetTransaction.objects.all())
            assert spent_in_month(h, day, void.recorded_at - TICK) == Money(AMOUNT, "EUR")
            assert spent_in_month(h, day, void.recorded_at) == Money("0", "EUR")

        return BackdatePlan(
            fact=void,
            effective_at=void.effective_at,
            recorded_at=void.recorded_at,
            view=lambda when, known_at: net_spent(h, when, known_at),
            before=Decimal("0"),  # neither the expense nor its void were effective yet
            after=Decimal("0"),  # both are: the void cancels the expense in its own month
            known_before=AMOUNT,  # before the void was recorded, the expense still counted
            check_fact=check_fact,
        )

    def delegation(self, world):
        h = household(world)
        txn = expense(h)
        void = void_transaction(transaction=txn, reason="Charged twice", by=world.manager, on_behalf_of=world.principal)
        return DelegationPlan(record=void.decision, actor=world.manager)

    def snapshot(self, world):
        h = household(world)
        txn = expense(h)
        void = void_transaction(transaction=txn, reason="Charged twice", by=world.manager)

        def reconstruct(row):
            evidence = row.evidence
            return (
                evidence["kind"],
                Decimal(evidence["amount"]),
                evidence["currency"],
                evidence["bucket_name"],
                evidence["priority"],
                evidence["reason"],
            )

        def mutate():
            update_bucket(bucket=h.groceries, name="Food", priority="C")

        return SnapshotPlan(
            records=[(void.decision, ("expense", AMOUNT, "EUR", "Groceries", "B", "Charged twice"))],
            reconstruct=reconstruct,
            mutate=mutate,
            live=lambda: (fresh(h.groceries).name, fresh(h.groceries).priority),
        )


SURFACES = [PostExpense(), VoidTransaction()]
