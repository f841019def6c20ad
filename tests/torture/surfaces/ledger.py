"""django-ledger: ``post_transaction(...)``, ``reverse_transaction(txn, ...)``, ``post_entry(...)`` and
``reverse_entry(entry, ...)``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType

from django_basemodels.fields import canonical_object_id
from django_catalog.models import CatalogItem
from django_decisioning.models import Decision
from django_decisioning.testing import assert_backdate_coherent
from django_ledger import EntrySpec, ReversalNotAuthorizedError
from django_ledger.models import Account, Entry, Transaction
from django_ledger.selectors import get_balance
from django_ledger.services import (
    REVERSE_ENTRY_ACTION,
    open_account,
    post_entry,
    post_transaction,
    post_transactions,
    reverse_entry,
    reverse_transaction,
)
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


def suspense() -> Account:
    """Where ``reverse_entry(offset_account=)`` puts the balancing leg of a correction."""
    return open_account(code="1999", name="Suspense", account_type="asset", currency="USD")


def cash_entry(txn: Transaction, cash: Account) -> Entry:
    return Entry.objects.get(transaction=txn, account=cash)


def balance(account, when=None, known_at=None) -> Decimal:
    return get_balance(fresh(account), as_of=when, known_at=known_at).amount


def entries_of(txn: Transaction) -> list[tuple]:
    rows = Entry._base_manager.filter(transaction_id=txn.pk).order_by("entry_type", "account__code")
    return [(row.account_id, row.entry_type, row.amount, row.currency) for row in rows]


def entries_with_source(txn: Transaction) -> list[tuple]:
    rows = Entry._base_manager.filter(transaction_id=txn.pk).order_by("entry_type", "account__code")
    return [
        (row.account_id, row.entry_type, row.amount, row.currency, row.source_type_id, row.source_id) for row in rows
    ]


def evidence_lines(decision: Decision) -> list[tuple]:
    return sorted(
        (line["account"], line["entry_type"], Decimal(line["amount"]), line["currency"])
        for line in decision.evidence["entries"]
    )


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
        entry = cash_entry(txn, cash)

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


class PostEntry(Surface):
    id = "ledger.post_entry"
    call = (
        "post_entry(debit=, credit=, amount=, description=, source=, effective_at=, idempotency_key=, by=, "
        "on_behalf_of=)"
    )
    notes = {
        "retry": "`idempotency_key` (a `Money` amount): one two-entry `Transaction`; repeats return it",
        "backdate": "`effective_at` a day ago; `get_balance(account, as_of=, known_at=)` and `Entry.objects.as_of`",
        "reversal": (
            "`reverse_entry(entry, reason=, by=)` without an offset account (the other leg is mirrored too): "
            "`ReversalNotAuthorizedError` without `django_ledger.reverse_transaction` (held through an RBAC role); "
            "a new mirrored transaction, both balances back to zero"
        ),
        "delegation": "`by=`/`on_behalf_of=` record a `Decision` `django_ledger.post_transaction`",
        "snapshot": (
            "amounts, currency and the source on both entries, codes and amounts in the `Decision`'s evidence; "
            "the account is renamed and recoded, the source item's price changed"
        ),
    }

    def retry(self, world):
        cash, sales = accounts()

        def call():
            return post_entry(
                debit=fresh(cash),
                credit=fresh(sales),
                amount=Money(AMOUNT, "USD"),
                description="Cash sale",
                idempotency_key="torture-entry-1",
            )

        def check_after():
            assert (balance(cash), balance(sales)) == (AMOUNT, AMOUNT)

        return RetryPlan(call=call, count=Transaction.objects.count, check_after=check_after)

    def backdate(self, world, effective_at):
        cash, sales = accounts()
        txn = post_entry(debit=cash, credit=sales, amount=AMOUNT, description="Cash sale", effective_at=effective_at)
        entry = cash_entry(txn, cash)
        return BackdatePlan(
            fact=entry,
            queryset=Entry.objects.all(),
            effective_at=entry.effective_at,
            recorded_at=entry.recorded_at,
            view=lambda when, known_at: (balance(cash, when, known_at), balance(sales, when, known_at)),
            before=(Decimal("0"), Decimal("0")),
            after=(AMOUNT, AMOUNT),
            known_before=(Decimal("0"), Decimal("0")),
        )

    def reversal(self, world):
        cash, sales = accounts()
        txn = post_entry(debit=cash, credit=sales, amount=AMOUNT, description="Cash sale")
        entry = cash_entry(txn, cash)

        def undo(by, on_behalf_of):
            return reverse_entry(fresh(entry), reason="Rung up twice", by=by, on_behalf_of=on_behalf_of)

        return ReversalPlan(
            original=entry,
            also_preserved=[txn, *Entry.objects.filter(transaction=txn).exclude(pk=entry.pk)],
            undo=undo,
            refusal=ReversalNotAuthorizedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda reversing: decision_for(REVERSE_ENTRY_ACTION, entry),
            view=lambda: (balance(cash), balance(sales)),
            view_after_undo=(Decimal("0"), Decimal("0")),
        )

    def delegation(self, world):
        cash, sales = accounts()
        txn = post_entry(
            debit=cash,
            credit=sales,
            amount=AMOUNT,
            description="Cash sale",
            by=world.clerk,
            on_behalf_of=world.principal,
        )
        return DelegationPlan(record=decision_for("django_ledger.post_transaction", txn))

    def snapshot(self, world):
        cash, sales = accounts()
        item = blood_test()
        txn = post_entry(debit=cash, credit=sales, amount=AMOUNT, description="Cash sale", source=item, by=world.clerk)
        decision = decision_for("django_ledger.post_transaction", txn)
        item_type, item_id = ContentType.objects.get_for_model(CatalogItem).pk, canonical_object_id(item.pk)

        def reconstruct(row):
            if isinstance(row, Decision):
                return (row.evidence["description"], evidence_lines(row))
            return (row.description, entries_with_source(row))

        def mutate():
            Account.objects.filter(pk=cash.pk).update(code="1001", name="Cash drawer")
            CatalogItem.objects.filter(pk=item.pk).update(price_amount=Decimal("40.0000"), display_name="Blood panel")

        def live():
            return (fresh(cash).code, fresh(cash).name, fresh(item).price_amount, fresh(item).display_name)

        return SnapshotPlan(
            records=[
                (
                    txn,
                    (
                        "Cash sale",
                        [
                            (sales.pk, "credit", AMOUNT, "USD", item_type, item_id),
                            (cash.pk, "debit", AMOUNT, "USD", item_type, item_id),
                        ],
                    ),
                ),
                (decision, ("Cash sale", [("1000", "debit", AMOUNT, "USD"), ("4000", "credit", AMOUNT, "USD")])),
            ],
            reconstruct=reconstruct,
            mutate=mutate,
            live=live,
        )


class ReverseEntry(Surface):
    id = "ledger.reverse_entry"
    call = "reverse_entry(entry, reason=, by=, on_behalf_of=, offset_account=, effective_at=, idempotency_key=)"
    notes = {
        "retry": (
            "`idempotency_key`, with an `offset_account`: one reversing entry; repeats return it (the key stored "
            "on its transaction)"
        ),
        "backdate": (
            "a sale 3 days ago, its cash entry reversed with `effective_at` a day ago; `get_balance(as_of=, known_at=)`"
        ),
        "reversal": (
            "a correction to a suspense account is a posted transaction: `reverse_entry` of its reversing entry "
            "mirrors both its legs under the same permission; the sale and the correction stay byte-identical"
        ),
        "delegation": "`by=`/`on_behalf_of=` on the `Decision` `django_ledger.reverse_entry` (target: the entry)",
        "snapshot": (
            "the `Decision`'s evidence keeps the entry's code and amount, the offset account's code and the reason, "
            "the new entries their accounts, sides and amounts; both accounts are recoded"
        ),
    }

    def retry(self, world):
        cash, sales = accounts()
        hold = suspense()
        entry = cash_entry(sale(cash, sales), cash)

        def call():
            return reverse_entry(
                fresh(entry),
                reason="Counted short",
                offset_account=fresh(hold),
                by=fresh(world.manager),
                idempotency_key="torture-correction-1",
            )

        def check_after():
            assert (balance(cash), balance(hold), balance(sales)) == (Decimal("0"), AMOUNT, AMOUNT)

        return RetryPlan(call=call, count=Entry.objects.filter(reverses=entry).count, check_after=check_after)

    def backdate(self, world, effective_at):
        cash, sales = accounts()
        entry = cash_entry(sale(cash, sales, effective_at=effective_at - dt.timedelta(days=2)), cash)
        reversing = reverse_entry(entry, reason="Goods returned", by=world.manager, effective_at=effective_at)
        reversing.refresh_from_db()
        return BackdatePlan(
            fact=reversing,
            queryset=Entry.objects.all(),
            effective_at=reversing.effective_at,
            recorded_at=reversing.recorded_at,
            view=lambda when, known_at: balance(cash, when, known_at),
            before=AMOUNT,
            after=Decimal("0"),
            known_before=AMOUNT,
        )

    def reversal(self, world):
        cash, sales = accounts()
        hold = suspense()
        txn = sale(cash, sales)
        correction = reverse_entry(cash_entry(txn, cash), reason="Counted short", offset_account=hold, by=world.manager)

        def undo(by, on_behalf_of):
            return reverse_entry(fresh(correction), reason="Found the money", by=by, on_behalf_of=on_behalf_of)

        return ReversalPlan(
            original=correction,
            also_preserved=[
                txn,
                fresh(correction).transaction,
                *Entry.objects.filter(transaction__in=[txn.pk, correction.transaction_id]).exclude(pk=correction.pk),
            ],
            undo=undo,
            refusal=ReversalNotAuthorizedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda again: decision_for(REVERSE_ENTRY_ACTION, correction),
            view=lambda: (balance(cash), balance(hold)),
            view_after_undo=(AMOUNT, Decimal("0")),
        )

    def delegation(self, world):
        cash, sales = accounts()
        entry = cash_entry(sale(cash, sales), cash)
        reverse_entry(entry, reason="Goods returned", by=world.manager, on_behalf_of=world.principal)
        return DelegationPlan(record=decision_for(REVERSE_ENTRY_ACTION, entry), actor=world.manager)

    def snapshot(self, world):
        cash, sales = accounts()
        hold = suspense()
        entry = cash_entry(sale(cash, sales), cash)
        reversing = reverse_entry(entry, reason="Counted short", offset_account=hold, by=world.manager)
        decision = decision_for(REVERSE_ENTRY_ACTION, entry)

        def reconstruct(row):
            if isinstance(row, Decision):
                return (row.evidence["reason"], row.evidence["offset_account"], evidence_lines(row))
            rows = Entry._base_manager.filter(transaction_id=row.transaction_id).order_by("entry_type")
            return [(item.account_id, item.entry_type, item.amount, item.currency, item.reverses_id) for item in rows]

        def mutate():
            Account.objects.filter(pk=cash.pk).update(code="1001", name="Cash drawer")
            Account.objects.filter(pk=hold.pk).update(code="1998", name="Clearing")

        return SnapshotPlan(
            records=[
                (decision, ("Counted short", "1999", [("1000", "debit", AMOUNT, "USD")])),
                (
                    reversing,
                    [(cash.pk, "credit", AMOUNT, "USD", entry.pk), (hold.pk, "debit", AMOUNT, "USD", None)],
                ),
            ],
            reconstruct=reconstruct,
            mutate=mutate,
            live=lambda: (fresh(cash).code, fresh(hold).code, fresh(hold).name),
        )


def payroll(cash, sales, *, source=None, effective_at=None, **options) -> list[Transaction]:
    """Two cash sales of AMOUNT posted in one call (a bank import): the batch every ledger test starts from."""
    dated = {"effective_at": effective_at} if effective_at is not None else {}
    return post_transactions(
        transactions=[
            {
                "entries": [
                    EntrySpec.debit(cash, AMOUNT, source=source),
                    EntrySpec.credit(sales, AMOUNT, source=source),
                ],
                "description": f"Cash sale {number}",
                **dated,
            }
            for number in (1, 2)
        ],
        **options,
    )


class PostTransactions(Surface):
    id = "ledger.post_transactions"
    call = (
        "post_transactions(transactions=[{entries=, description=, effective_at=, idempotency_key=}], by=, "
        "on_behalf_of=, idempotency_key=)"
    )
    notes = {
        "retry": "`idempotency_key` of the call: two `Transaction`s once; repeats return the same two",
        "backdate": (
            "both transactions of the batch `effective_at` a day ago; `get_balance(account, as_of=, known_at=)` "
            "and `Entry.objects.as_of`"
        ),
        "reversal": (
            "`reverse_transaction(txn, reason=, by=)` of one transaction of the batch: `ReversalNotAuthorizedError` "
            "without `django_ledger.reverse_transaction`; a new mirrored transaction, the other one untouched"
        ),
        "delegation": "`by=`/`on_behalf_of=` record one `Decision` `django_ledger.post_transactions` per transaction",
        "snapshot": (
            "amounts and currency on the entries, codes and amounts in each `Decision`'s evidence; the account is "
            "renamed and recoded, the source item's price changed"
        ),
    }

    def retry(self, world):
        cash, sales = accounts()

        def call():
            return payroll(fresh(cash), fresh(sales), idempotency_key="torture-import-1")

        def check_after():
            assert balance(cash) == 2 * AMOUNT

        return RetryPlan(call=call, count=lambda: Transaction.objects.count() // 2, check_after=check_after)

    def backdate(self, world, effective_at):
        cash, sales = accounts()
        _first, second = payroll(cash, sales, effective_at=effective_at)
        entry = cash_entry(second, cash)
        return BackdatePlan(
            fact=entry,
            queryset=Entry.objects.all(),
            effective_at=entry.effective_at,
            recorded_at=entry.recorded_at,
            view=lambda when, known_at: balance(cash, when, known_at),
            before=Decimal("0"),
            after=2 * AMOUNT,
            known_before=Decimal("0"),
        )

    def reversal(self, world):
        cash, sales = accounts()
        first, second = payroll(cash, sales)

        def undo(by, on_behalf_of):
            return reverse_transaction(fresh(first), reason="Imported twice", by=by, on_behalf_of=on_behalf_of)

        return ReversalPlan(
            original=first,
            also_preserved=[second, *Entry.objects.filter(transaction__in=[first, second])],
            undo=undo,
            refusal=ReversalNotAuthorizedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda reversal: decision_for("django_ledger.reverse_transaction", first),
            view=lambda: balance(cash),
            view_after_undo=AMOUNT,
        )

    def delegation(self, world):
        cash, sales = accounts()
        first, _second = payroll(cash, sales, by=world.clerk, on_behalf_of=world.principal)
        return DelegationPlan(record=decision_for("django_ledger.post_transactions", first))

    def snapshot(self, world):
        cash, sales = accounts()
        item = blood_test()
        first, _second = payroll(cash, sales, source=item, by=world.clerk)
        decision = decision_for("django_ledger.post_transactions", first)

        def reconstruct(row):
            if isinstance(row, Decision):
                return evidence_lines(row)
            return (row.description, entries_of(row))

        def mutate():
            Account.objects.filter(pk=cash.pk).update(code="1001", name="Cash drawer")
            CatalogItem.objects.filter(pk=item.pk).update(price_amount=Decimal("40.0000"))

        def live():
            return (fresh(cash).code, fresh(cash).name, fresh(item).price_amount)

        return SnapshotPlan(
            records=[
                (first, ("Cash sale 1", [(sales.pk, "credit", AMOUNT, "USD"), (cash.pk, "debit", AMOUNT, "USD")])),
                (decision, [("1000", "debit", AMOUNT, "USD"), ("4000", "credit", AMOUNT, "USD")]),
            ],
            reconstruct=reconstruct,
            mutate=mutate,
            live=live,
        )


SURFACES = [PostTransaction(), PostTransactions(), ReverseTransaction(), PostEntry(), ReverseEntry()]
