"""django-budget: ``post_expense(...)``, ``void_transaction(...)``, ``post_income(...)`` and
``post_split_expense(...)``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from django_basemodels.fields import canonical_object_id
from django_budget import VoidNotPermittedError
from django_budget.models import Budget, BudgetTransaction
from django_budget.selectors import month_snapshot, month_totals
from django_budget.services import (
    VOID_ACTION,
    SplitPart,
    create_bucket,
    create_budget,
    post_expense,
    post_income,
    post_split_expense,
    update_bucket,
    void_transaction,
)
from django_decisioning.models import Decision
from django_decisioning.testing import assert_backdate_coherent
from django_money import Money
from django_parties.models import Organization
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
SALARY = Decimal("2500.0000")
GROCERIES_PART, HOME_PART = Decimal("90.0000"), Decimal("30.0000")  # a split of AMOUNT
NO_DECISION = (
    "{service} records no Decision: created_by is the only person on the fact and there is no on_behalf_of "
    "parameter; its undo, void_transaction(by=, on_behalf_of=), records one and is checked under Reversal"
)


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


def with_home_goods(world) -> SimpleNamespace:
    """The household, with a second bucket for a receipt split between groceries and home goods."""
    h = household(world)
    h.home = create_bucket(
        budget=h.budget,
        name="Home goods",
        kind="variable",
        monthly_limit=Money("200", "EUR"),
        priority="C",
        start_month=timezone.localdate() - dt.timedelta(days=62),
    )
    return h


def salary(h: SimpleNamespace, employer, *, day: dt.date | None = None, **options) -> BudgetTransaction:
    return post_income(
        budget=h.budget,
        amount=Money("2500.00", "EUR"),
        date=day or timezone.localdate(),
        description="Salary",
        reference=employer,
        **options,
    )


def split_receipt(h: SimpleNamespace, *, day: dt.date | None = None, **options) -> list[BudgetTransaction]:
    """One Walmart receipt of AMOUNT: GROCERIES_PART of food, HOME_PART of light bulbs at priority D."""
    return post_split_expense(
        budget=h.budget,
        total=Money("120.00", "EUR"),
        parts=[
            SplitPart(bucket=h.groceries, amount=Money("90.00", "EUR")),
            SplitPart(bucket=h.home, amount=Decimal("30"), priority="D", description="Light bulbs"),
        ],
        date=day or timezone.localdate(),
        description="Walmart receipt",
        **options,
    )


def bucket_spent(h: SimpleNamespace, bucket, day: dt.date, known_at: dt.datetime | None = None) -> Money:
    [row] = [row for row in month_snapshot(budget=h.budget, month=day, known_at=known_at) if row.bucket == bucket]
    return row.spent


def net_income(h: SimpleNamespace, when: dt.datetime, known_at: dt.datetime | None) -> Decimal:
    """Incomes minus their voids, as of ``when`` (as known at ``known_at``), through the package's as_of."""
    rows = BudgetTransaction.objects.filter(budget=h.budget).as_of(when, known_at=known_at).income()
    return sum((-row.amount if row.reverses_id else row.amount for row in rows), Decimal("0"))


def income_in_month(h: SimpleNamespace, day: dt.date, known_at: dt.datetime | None = None) -> Money:
    return month_totals(budget=h.budget, month=day, known_at=known_at).income


def reconstruct_posting(row: BudgetTransaction) -> tuple:
    """What a posting says it decided, from its own columns only."""
    return (
        row.kind,
        row.amount,
        row.currency,
        row.bucket_id,
        row.priority,
        row.date,
        row.description,
        row.split_group,
        row.split_index,
        row.reference_type_id,
        row.reference_id,
    )


def posting(
    kind: str,
    amount: Decimal,
    *,
    day: dt.date,
    description: str,
    bucket=None,
    priority: str = "",
    split_group=None,
    split_index: int = 0,
    reference=None,
) -> tuple:
    """What ``reconstruct_posting`` must read from a posting that was decided with these values."""
    reference_type = None if reference is None else ContentType.objects.get_for_model(reference).pk
    reference_id = "" if reference is None else canonical_object_id(reference.pk)
    bucket_id = None if bucket is None else bucket.pk
    return (
        kind,
        amount,
        "EUR",
        bucket_id,
        priority,
        day,
        description,
        split_group,
        split_index,
        reference_type,
        reference_id,
    )


def dated_backdate(h, txn, day, amount, *, in_month, net) -> BackdatePlan:
    """A transaction dated ``day``: effective at the start of that day, its month known from its record time."""
    txn.refresh_from_db()

    def check_fact():
        assert_backdate_coherent(txn, BudgetTransaction.objects.all())
        assert txn.effective_at == timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        assert in_month(h, day, txn.recorded_at - TICK) == Money("0", "EUR")
        assert in_month(h, day, txn.recorded_at) == Money(amount, "EUR")

    return BackdatePlan(
        fact=txn,
        effective_at=txn.effective_at,
        recorded_at=txn.recorded_at,
        view=lambda when, known_at: net(h, when, known_at),
        before=Decimal("0"),
        after=amount,
        known_before=Decimal("0"),
        check_fact=check_fact,
    )


class PostExpense(Surface):
    id = "budget.post_expense"
    call = "post_expense(budget=, bucket=, amount=, date=, idempotency_key=, by=)"
    not_applicable = {"delegation": NO_DECISION.format(service="post_expense")}
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
        return dated_backdate(h, expense(h, day=day), day, AMOUNT, in_month=spent_in_month, net=net_spent)

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


class PostIncome(Surface):
    id = "budget.post_income"
    call = "post_income(budget=, amount=, date=, description=, reference=, idempotency_key=, by=)"
    not_applicable = {"delegation": NO_DECISION.format(service="post_income")}
    notes = {
        "retry": "`idempotency_key` (stored on the row): one income; repeats return it; `month_totals` counts it once",
        "backdate": (
            "`date` yesterday (effective at its start in `TIME_ZONE`); `BudgetTransaction.objects.as_of(...).income()` "
            "and `month_totals(known_at=)`"
        ),
        "reversal": (
            "`void_transaction(transaction, reason=, by=)`: `VoidNotPermittedError` without "
            "`django_budget.void_budgettransaction` (held through an RBAC role); a new void fact, the month's "
            "income back to zero"
        ),
        "snapshot": (
            "amount, currency, date, description and the reference (the employer) are the row's own columns; the "
            "employer and the budget are renamed"
        ),
    }

    def retry(self, world):
        h = household(world)

        def call():
            return post_income(
                budget=fresh(h.budget),
                amount=Decimal("2500"),  # the same request as Money("2500.00", "EUR")
                date=timezone.localdate(),
                description="Salary",
                reference=fresh(world.principal),
                idempotency_key="payslip-42",
            )

        def check_after():
            assert income_in_month(h, timezone.localdate()) == Money(SALARY, "EUR")

        return RetryPlan(call=call, count=BudgetTransaction.objects.count, check_after=check_after)

    def backdate(self, world, effective_at):
        h = household(world)
        day = timezone.localdate(effective_at)
        txn = salary(h, world.principal, day=day)
        return dated_backdate(h, txn, day, SALARY, in_month=income_in_month, net=net_income)

    def reversal(self, world):
        h = household(world)
        txn = salary(h, world.principal)

        def undo(by, on_behalf_of):
            return void_transaction(fresh(txn), reason="Paid into the wrong budget", by=by, on_behalf_of=on_behalf_of)

        return ReversalPlan(
            original=txn,
            undo=undo,
            refusal=VoidNotPermittedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda void: void.decision,
            view=lambda: income_in_month(h, timezone.localdate()),
            view_after_undo=Money("0", "EUR"),
        )

    def snapshot(self, world):
        h = household(world)
        employer = world.principal
        txn = salary(h, employer, by=world.clerk)

        def mutate():
            Organization.objects.filter(pk=employer.pk).update(name="Clinic North and South")
            Budget.objects.filter(pk=h.budget.pk).update(name="Family")

        return SnapshotPlan(
            records=[
                (txn, posting("income", SALARY, day=timezone.localdate(), description="Salary", reference=employer)),
            ],
            reconstruct=reconstruct_posting,
            mutate=mutate,
            live=lambda: (fresh(employer).name, fresh(h.budget).name),
        )


class SplitKnownInPart(AssertionError):
    """As known at some instant, a split expense (written all or none) is partly there."""


class PostSplitExpense(Surface):
    id = "budget.post_split_expense"
    call = (
        "post_split_expense(budget=, total=, parts=[SplitPart(bucket=, amount=, priority=, description=)], date=, "
        "idempotency_key=, by=)"
    )
    not_applicable = {"delegation": NO_DECISION.format(service="post_split_expense")}
    notes = {
        "retry": (
            "`idempotency_key` (stored on every part): one split (one `split_group`, two parts); repeats return "
            "the same parts"
        ),
        "backdate": (
            "`date` yesterday: every part effective at its start in `TIME_ZONE`; `BudgetTransaction.objects.as_of` "
            "and `month_snapshot(known_at=)` per bucket"
        ),
        "reversal": (
            "one part voided on its own (`void_transaction`): `VoidNotPermittedError` without "
            "`django_budget.void_budgettransaction`; both parts stay byte-identical, the other bucket keeps its share"
        ),
        "snapshot": (
            "each part's amount, bucket, priority (the bucket's, or the one given), description, `split_group` and "
            "`split_index` are its own columns; both buckets are renamed and re-prioritised"
        ),
    }

    def retry(self, world):
        h = with_home_goods(world)

        def call():
            return post_split_expense(
                budget=fresh(h.budget),
                total=Decimal("120"),
                parts=[
                    SplitPart(bucket=fresh(h.groceries), amount=Decimal("90")),
                    SplitPart(bucket=fresh(h.home), amount=Decimal("30"), priority="D", description="Light bulbs"),
                ],
                date=timezone.localdate(),
                description="Walmart receipt",
                idempotency_key="receipt-4712",
            )

        def count():
            parts = BudgetTransaction.objects.originals().exclude(split_group=None)
            return parts.order_by().values("split_group").distinct().count()

        def check_after():
            today = timezone.localdate()
            spent = (bucket_spent(h, h.groceries, today), bucket_spent(h, h.home, today))
            assert spent == (Money(GROCERIES_PART, "EUR"), Money(HOME_PART, "EUR"))
            assert BudgetTransaction.objects.filter(budget=h.budget).count() == 2

        return RetryPlan(call=call, count=count, check_after=check_after)

    def backdate(self, world, effective_at):
        h = with_home_goods(world)
        day = timezone.localdate(effective_at)
        parts = split_receipt(h, day=day)
        for part in parts:
            part.refresh_from_db()
        first = parts[0]

        def check_fact():
            for part in parts:
                assert_backdate_coherent(part, BudgetTransaction.objects.all())
                assert part.effective_at == timezone.make_aware(dt.datetime.combine(day, dt.time.min))
            spent = (bucket_spent(h, h.groceries, day), bucket_spent(h, h.home, day))
            assert spent == (Money(GROCERIES_PART, "EUR"), Money(HOME_PART, "EUR"))
            # The split was written all or none: whatever a reader could have known, it is the whole split or nothing.
            nothing = (Money("0", "EUR"), Money("0", "EUR"))
            for part in parts:
                for known_at in (part.recorded_at - TICK, part.recorded_at):
                    known = (bucket_spent(h, h.groceries, day, known_at), bucket_spent(h, h.home, day, known_at))
                    if known not in (nothing, spent):
                        raise SplitKnownInPart(
                            f"as known at {known_at.isoformat()}, month_snapshot shows {known} of the split {spent}"
                        )

        return BackdatePlan(
            fact=first,
            effective_at=first.effective_at,
            recorded_at=first.recorded_at,
            view=lambda when, known_at: net_spent(h, when, known_at),
            before=Decimal("0"),
            after=AMOUNT,
            known_before=Decimal("0"),
            check_fact=check_fact,
        )

    def reversal(self, world):
        h = with_home_goods(world)
        food, bulbs = split_receipt(h)

        def undo(by, on_behalf_of):
            return void_transaction(fresh(bulbs), reason="Bulbs returned", by=by, on_behalf_of=on_behalf_of)

        def spent():
            today = timezone.localdate()
            return (bucket_spent(h, h.groceries, today), bucket_spent(h, h.home, today))

        return ReversalPlan(
            original=bulbs,
            also_preserved=[food],
            undo=undo,
            refusal=VoidNotPermittedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda void: void.decision,
            view=spent,
            view_after_undo=(Money(GROCERIES_PART, "EUR"), Money("0", "EUR")),
        )

    def snapshot(self, world):
        h = with_home_goods(world)
        food, bulbs = split_receipt(h, by=world.clerk)
        group, today = food.split_group, timezone.localdate()
        assert group is not None and bulbs.split_group == group

        def mutate():
            update_bucket(bucket=h.groceries, name="Food", priority="A", monthly_limit=Decimal("500"))
            update_bucket(bucket=h.home, name="House", priority="B")

        def live():
            return [(fresh(bucket).name, fresh(bucket).priority) for bucket in (h.groceries, h.home)]

        return SnapshotPlan(
            records=[
                (
                    food,
                    posting(
                        "expense",
                        GROCERIES_PART,
                        day=today,
                        description="Walmart receipt",
                        bucket=h.groceries,
                        priority="B",
                        split_group=group,
                        split_index=0,
                    ),
                ),
                (
                    bulbs,
                    posting(
                        "expense",
                        HOME_PART,
                        day=today,
                        description="Light bulbs",
                        bucket=h.home,
                        priority="D",
                        split_group=group,
                        split_index=1,
                    ),
                ),
            ],
            reconstruct=reconstruct_posting,
            mutate=mutate,
            live=live,
        )


SURFACES = [PostExpense(), VoidTransaction(), PostIncome(), PostSplitExpense()]
