"""django-ledger: ``post_transaction(...)`` and ``reverse_transaction(txn, ...)``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django_catalog.models import CatalogItem
from django_decisioning.models import Decision
from django_decisioning.testing import assert_backdate_coherent
from django_ledger import EntrySpec, ReversalNotAuthorizedError
from django_ledger.models import Account, Entry, Transaction
from django_ledger.selectors import get_balance
from django_ledger.services import open_account, post_transaction, reverse_transaction
from tests.torture.surfaces import (
    BackdatePlan,
    DelegationPlan,
    RetryPlan,
    ReversalPlan,
    SnapshotPlan,
    Surface,
    fresh,
)
from tests.torture.surfaces.catalog import blood_test

AMOUNT = Decimal("25.0000")
TICK = dt.timedelta(microseconds=1)


def accounts() -> tuple[Account, Account]:
    cash = open_account(code="1000", name="Cash", account_type="asset", currency="USD")
    sales = open_account(code="4000", name="Sales", account_type="revenue", currency="USD")
    return cash, sales


def sale(cash, sales, *, source=None, **options) -> Transaction:
    """A cash sale of AMOUNT: the transaction every ledger test starts from."""
    return post_transaction(
        entries=[EntrySpec.debit(cash, AMOUNT, source=source), EntrySpec.credit(sales, AMOUNT, source=source)],
        description="Cash sale",
        **options,
    )


def balance(account, when=None, known_at=None) -> Decimal:
    return get_balance(fresh(account), as_of=when, known_at=known_at).amount


def entries_of(txn: Transaction) -> list[tuple]:
    rows = Entry._base_manager.filter(transaction_id=txn.pk).order_by("entry_type", "account__code")
    return [(row.account_id, row.entry_type, row.amount, row.currency) for row in rows]


def decision_for(action: str, target) -> Decision:
    return Decision.objects.for_action(action).for_target(target).get()


class PostTransaction(Surface):
    id = "ledger.post_transaction"
    call = "post_transaction(entries=, description=, effective_at=, idempotency_key=, by=, on_behalf_of=)"
    notes = {
        "retry": "`idempotency_key`: one `Transaction`; repeats return it",
        "backdate": "`effective_at` a day ago; `get_balance(account, as_of=, known_at=)` and `Entry.objects.as_of`",
        "reversal": (
            "`reverse_transaction(txn, reason=, by=)`: `ReversalNotAuthorizedError` without "
            "`django_ledger.reverse_transaction` (held through an RBAC role); a new mirrored transaction"
        ),
        "delegation": "`by=`/`on_behalf_of=` record a `Decision` `django_ledger.post_transaction`",
        "snapshot": (
            "amounts and currency on the entries, codes and amounts in the `Decision`'s evidence; the account is "
            "renamed and recoded, the source item's price changed"
        ),
    }

    def retry(self, world):
        cash, sales = accounts()

        def call():
            return sale(fresh(cash), fresh(sales), idempotency_key="torture-sale-1")

        def check_after():
            assert balance(cash) == AMOUNT

        return RetryPlan(call=call, count=Transaction.objects.count, check_after=check_after)

    def backdate(self, world, effective_at):
        cash, sales = accounts()
        txn = sale(cash, sales, effective_at=effective_at)
        entry = Entry.objects.get(transaction=txn, account=cash)

        def check_fact():
            assert_backdate_coherent(entry, Entry.objects.all())
            # The transaction's own times: effective_at, and posted_at as its record time.
            stored = fresh(txn)
            assert stored.effective_at == entry.effective_at and stored.posted_at == entry.recorded_at

            def seen(when, known_at=None):
                return Transaction.objects.as_of(when, known_at=known_at).filter(pk=txn.pk).exists()

            assert seen(stored.effective_at) and not seen(stored.effective_at - TICK)
            assert seen(stored.effective_at, stored.posted_at)
            assert not seen(stored.posted_at, stored.posted_at - TICK)

        return BackdatePlan(
            fact=entry,
            check_fact=check_fact,
            effective_at=entry.effective_at,
            recorded_at=entry.recorded_at,
            view=lambda when, known_at: balance(cash, when, known_at),
            before=Decimal("0"),
            after=AMOUNT,
            known_before=Decimal("0"),
        )

    def reversal(self, world):
        cash, sales = accounts()
        txn = sale(cash, sales)

        def undo(by, on_behalf_of):
            return reverse_transaction(fresh(txn), reason="Goods returned", by=by, on_behalf_of=on_behalf_of)

        return ReversalPlan(
            original=txn,
            also_preserved=list(Entry.objects.filter(transaction=txn)),
            undo=undo,
            refusal=ReversalNotAuthorizedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda reversal: decision_for("django_ledger.reverse_transaction", txn),
            view=lambda: balance(cash),
            view_after_undo=Decimal("0"),
        )

    def delegation(self, world):
        cash, sales = accounts()
        txn = sale(cash, sales, by=world.clerk, on_behalf_of=world.principal)
        return DelegationPlan(record=decision_for("django_ledger.post_transaction", txn))

    def snapshot(self, world):
        cash, sales = accounts()
        item = blood_test()
        txn = sale(cash, sales, source=item, by=world.clerk)
        decision = decision_for("django_ledger.post_transaction", txn)

        def reconstruct(row):
            if isinstance(row, Decision):
                return sorted(
                    (line["account"], line["entry_type"], Decimal(line["amount"]), line["currency"])
                    for line in row.evidence["entries"]
                )
            return (row.description, entries_of(row))

        def mutate():
            Account.objects.filter(pk=cash.pk).update(code="1001", name="Cash drawer")
            CatalogItem.objects.filter(pk=item.pk).update(price_amount=Decimal("40.0000"))

        def live():
            return (fresh(cash).code, fresh(cash).name, fresh(item).price_amount)

        return SnapshotPlan(
            records=[
                (txn, ("Cash sale", [(sales.pk, "credit", AMOUNT, "USD"), (cash.pk, "debit", AMOUNT, "USD")])),
                (decision, [("1000", "debit", AMOUNT, "USD"), ("4000", "credit", AMOUNT, "USD")]),
            ],
            reconstruct=reconstruct,
            mutate=mutate,
            live=live,
        )


class ReverseTransaction(Surface):
    id = "ledger.reverse_transaction"
    call = "reverse_transaction(txn, reason=, by=, on_behalf_of=, effective_at=, idempotency_key=)"
    notes = {
        "retry": "`idempotency_key`: one reversal; repeats return it (without a key a repeat is `AlreadyReversed`)",
        "backdate": "a sale 3 days ago reversed with `effective_at` a day ago; `get_balance(as_of=, known_at=)`",
        "reversal": "a reversal is a posted transaction and is reversed in turn, under the same permission",
        "delegation": "`by=`/`on_behalf_of=` on the `Decision` `django_ledger.reverse_transaction`",
        "snapshot": "the `Decision`'s evidence keeps the original's codes, amounts and reason; the account is recoded",
    }

    def retry(self, world):
        cash, sales = accounts()
        txn = sale(cash, sales)

        def call():
            return reverse_transaction(
                fresh(txn), reason="Goods returned", by=fresh(world.manager), idempotency_key="torture-refund-1"
            )

        def check_after():
            assert balance(cash) == Decimal("0")

        return RetryPlan(call=call, count=Transaction.objects.filter(reverses=txn).count, check_after=check_after)

    def backdate(self, world, effective_at):
        cash, sales = accounts()
        txn = sale(cash, sales, effective_at=effective_at - dt.timedelta(days=2))
        reversal = reverse_transaction(txn, reason="Goods returned", by=world.manager, effective_at=effective_at)
        entry = Entry.objects.get(transaction=reversal, account=cash)
        return BackdatePlan(
            fact=entry,
            queryset=Entry.objects.all(),
            effective_at=entry.effective_at,
            recorded_at=entry.recorded_at,
            view=lambda when, known_at: balance(cash, when, known_at),
            before=AMOUNT,
            after=Decimal("0"),
            known_before=AMOUNT,
        )

    def reversal(self, world):
        cash, sales = accounts()
        txn = sale(cash, sales)
        refund = reverse_transaction(txn, reason="Goods returned", by=world.manager)

        def undo(by, on_behalf_of):
            return reverse_transaction(fresh(refund), reason="Returned in error", by=by, on_behalf_of=on_behalf_of)

        return ReversalPlan(
            original=refund,
            also_preserved=[txn, *Entry.objects.filter(transaction__in=[txn, refund])],
            undo=undo,
            refusal=ReversalNotAuthorizedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda again: decision_for("django_ledger.reverse_transaction", refund),
            view=lambda: balance(cash),
            view_after_undo=AMOUNT,
        )

    def delegation(self, world):
        cash, sales = accounts()
        txn = sale(cash, sales)
        reverse_transaction(txn, reason="Goods returned", by=world.manager, on_behalf_of=world.principal)
        return DelegationPlan(record=decision_for("django_ledger.reverse_transaction", txn), actor=world.manager)

    def snapshot(self, world):
        cash, sales = accounts()
        txn = sale(cash, sales)
        reverse_transaction(txn, reason="Goods returned", by=world.manager)
        decision = decision_for("django_ledger.reverse_transaction", txn)

        def reconstruct(row):
            lines = sorted(
                (line["account"], line["entry_type"], Decimal(line["amount"]), line["currency"])
                for line in row.evidence["entries"]
            )
            return (row.evidence["reason"], row.evidence["description"], lines)

        def mutate():
            Account.objects.filter(pk=cash.pk).update(code="1001", name="Cash drawer")

        return SnapshotPlan(
            records=[
                (
                    decision,
                    (
                        "Goods returned",
                        "Cash sale",
                        [("1000", "debit", AMOUNT, "USD"), ("4000", "credit", AMOUNT, "USD")],
                    ),
                )
            ],
            reconstruct=reconstruct,
            mutate=mutate,
            live=lambda: (fresh(cash).code, fresh(cash).name),
        )


SURFACES = [PostTransaction(), ReverseTransaction()]
