"""django-catalog: ``commit_basket(basket, user, *, on_behalf_of=None)``, ``add_item``, ``record_dispense``,
``reverse_dispense`` and ``cancel_work_item``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from django_catalog import CatalogPermissionDeniedError
from django_catalog.models import (
    Basket,
    BasketItem,
    CatalogItem,
    DispenseLog,
    DispenseReversal,
    WorkItem,
    WorkItemCancellation,
)
from django_catalog.services import (
    CANCEL_WORK_ITEM_ACTION,
    COMMIT_ACTION,
    REVERSE_DISPENSE_ACTION,
    add_item,
    cancel_work_item,
    commit_basket,
    complete_work_item,
    get_or_create_draft_basket,
    record_dispense,
    reverse_dispense,
    start_work_item,
)
from django_decisioning.models import Decision
from django_decisioning.testing import assert_backdate_coherent
from tests.torture.surfaces import (
    BackdatePlan,
    DelegationPlan,
    RetryPlan,
    ReversalPlan,
    SnapshotPlan,
    Surface,
    fresh,
)
from tests.torture.surfaces.encounters import new_visit


def blood_test() -> CatalogItem:
    return CatalogItem.objects.create(
        kind=CatalogItem.Kind.SERVICE,
        service_category="lab",
        display_name="Blood Test",
        routing="lab",
        price_amount=Decimal("25.0000"),
        price_currency="USD",
    )


def filled_basket(world) -> tuple[Basket, CatalogItem]:
    item = blood_test()
    basket = get_or_create_draft_basket(new_visit(world), world.clerk)
    add_item(basket=basket, catalog_item=item, by=world.clerk, idempotency_key="torture-line-1")
    return basket, item


class CommitBasket(Surface):
    id = "catalog.commit_basket"
    call = "commit_basket(basket, user, *, on_behalf_of=)"
    not_applicable = {
        "backdate": (
            "commit_basket takes no effective_at: a commit is effective when it is recorded "
            "(its Decision has effective_at == recorded_at); the catalog's backdatable fact is "
            "record_dispense(effective_at=), outside this surface"
        ),
        "reversal": (
            "a committed basket has no undo: cancel_basket refuses it (BasketNotDraftError); each work item "
            "it made is cancelled on its own (cancel_work_item records an append-only WorkItemCancellation), "
            "and a dispense is undone by reverse_dispense (catalog.record_dispense below)"
        ),
    }
    notes = {
        "retry": "the basket's status is the idempotency record: one commit `Decision`, one work item",
        "delegation": "`user`/`on_behalf_of=` on the commit `Decision` `django_catalog.commit_basket`",
        "snapshot": "name, price, currency and board on the basket item and in the commit `Decision`'s evidence",
    }

    def retry(self, world):
        basket, _ = filled_basket(world)

        def check_after():
            assert WorkItem.objects.filter(basket=basket).count() == 1
            assert fresh(basket).status == Basket.Status.COMMITTED

        return RetryPlan(
            call=lambda: commit_basket(fresh(basket), fresh(world.clerk)),
            count=Decision.objects.for_action(COMMIT_ACTION).count,
            check_after=check_after,
        )

    def delegation(self, world):
        basket, _ = filled_basket(world)
        commit_basket(basket, world.clerk, on_behalf_of=world.principal)
        return DelegationPlan(record=Decision.objects.for_action(COMMIT_ACTION).for_target(basket).get())

    def snapshot(self, world):
        basket, item = filled_basket(world)
        [work_item] = commit_basket(basket, world.clerk)
        decision = Decision.objects.for_action(COMMIT_ACTION).for_target(basket).get()
        basket_item = BasketItem.objects.get(basket=basket)

        def reconstruct(row):
            if isinstance(row, Decision):
                [line] = row.evidence["items"]
                return (line["display_name"], Decimal(line["price_amount"]), line["price_currency"], line["board"])
            if isinstance(row, WorkItem):
                return (row.display_name, row.board)
            return (
                row.display_name_snapshot,
                row.price_amount_snapshot,
                row.price_currency_snapshot,
                row.routing_snapshot,
            )

        def mutate():
            CatalogItem.objects.filter(pk=item.pk).update(
                display_name="Blood Test (full panel)", price_amount=Decimal("40.0000"), routing="lab-annex"
            )

        def live():
            row = fresh(item)
            return (row.display_name, row.price_amount, row.price_currency, row.routing)

        return SnapshotPlan(
            records=[
                (decision, ("Blood Test", Decimal("25.0000"), "USD", "lab")),
                (basket_item, ("Blood Test", Decimal("25.0000"), "USD", "lab")),
                (work_item, ("Blood Test", "lab")),
            ],
            reconstruct=reconstruct,
            mutate=mutate,
            live=live,
        )


RECORD_DISPENSE_ACTION = "django_catalog.record_dispense"
ADD_ITEM_SCOPE = "django_catalog.add_item"


def amoxicillin() -> CatalogItem:
    return CatalogItem.objects.create(
        kind=CatalogItem.Kind.STOCK_ITEM,
        display_name="Amoxicillin 500 mg",
        stock_sku="AMOX-500",
        routing="pharmacy",
        price_amount=Decimal("4.5000"),
        price_currency="USD",
    )


def pharmacy_work_item(world, *, started_at=None) -> WorkItem:
    """A committed basket's work item for two units of a stock item, ready to dispense."""
    basket = get_or_create_draft_basket(new_visit(world, started_at=started_at), world.clerk)
    add_item(basket=basket, catalog_item=amoxicillin(), by=world.clerk, quantity=2)
    [work_item] = commit_basket(basket, world.clerk)
    return work_item


class AddItem(Surface):
    id = "catalog.add_item"
    call = "add_item(basket=, catalog_item=, by=, quantity=, idempotency_key=)"
    not_applicable = {
        "backdate": "adding to a draft basket is not a fact in business time: the basket's commit is the decision",
        "reversal": "a draft basket's line is removed (remove_item) or the basket cancelled: nothing is decided yet",
        "delegation": (
            "a line of a draft basket records no Decision and takes no on_behalf_of: the commit that makes the "
            "basket a decision records the principal (catalog.commit_basket)"
        ),
        "snapshot": (
            "a draft line holds no snapshot yet: the item's name, price and board are copied onto it when the "
            "basket is committed, the decision (catalog.commit_basket's Snapshot test)"
        ),
    }
    notes = {"retry": "`idempotency_key`: one `BasketItem` (the key is stored on it, unique per basket)"}

    def retry(self, world):
        item = blood_test()
        basket = get_or_create_draft_basket(new_visit(world), world.clerk)

        def call():
            return add_item(
                basket=fresh(basket), catalog_item=fresh(item), by=fresh(world.clerk), idempotency_key="torture-add"
            )

        return RetryPlan(call=call, count=BasketItem.objects.filter(basket=basket).count)


class RecordDispense(Surface):
    id = "catalog.record_dispense"
    call = "record_dispense(work_item=, by=, quantity=, effective_at=, lot=, on_behalf_of=, idempotency_key=)"
    notes = {
        "retry": "`idempotency_key`: one `DispenseLog` (one per work item, the key stored on it)",
        "backdate": (
            "`effective_at` a day ago; `DispenseLog.objects.net_quantity(as_of=)` and `as_of(when, known_at=)`"
        ),
        "reversal": (
            "`reverse_dispense(dispense, reason=, by=)`: `CatalogPermissionDeniedError` without "
            "`django_catalog.add_dispensereversal` (held through an RBAC role); a new `DispenseReversal`"
        ),
        "delegation": "`by=`/`on_behalf_of=` on the `Decision` `django_catalog.record_dispense`",
        "snapshot": "the record and its `Decision` keep the item's name and stock code; the item is renamed",
    }

    def retry(self, world):
        work_item = pharmacy_work_item(world)

        def call():
            return record_dispense(
                work_item=fresh(work_item), by=fresh(world.clerk), lot="A-1", idempotency_key="torture-dispense"
            )

        return RetryPlan(call=call, count=DispenseLog.objects.filter(work_item=work_item).count)

    def backdate(self, world, effective_at):
        work_item = pharmacy_work_item(world, started_at=effective_at - dt.timedelta(days=2))
        dispense = record_dispense(work_item=work_item, by=world.clerk, effective_at=effective_at)
        dispense.refresh_from_db()
        mine = DispenseLog.objects.filter(work_item=work_item)

        def view(when, known_at):
            if known_at is None:
                return mine.net_quantity(as_of=when)
            return sum(mine.as_of(when, known_at=known_at).values_list("quantity", flat=True))

        return BackdatePlan(
            fact=dispense,
            queryset=DispenseLog.objects.all(),
            effective_at=dispense.effective_at,
            recorded_at=dispense.recorded_at,
            view=view,
            before=0,
            after=2,
            known_before=0,
        )

    def reversal(self, world):
        work_item = pharmacy_work_item(world)
        dispense = record_dispense(work_item=work_item, by=world.clerk)

        def undo(by, on_behalf_of):
            return reverse_dispense(fresh(dispense), reason="wrong patient", by=by, on_behalf_of=on_behalf_of)

        return ReversalPlan(
            original=dispense,
            undo=undo,
            refusal=CatalogPermissionDeniedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda reversal: (
                Decision.objects.for_action(REVERSE_DISPENSE_ACTION).for_target(dispense).get()
            ),
            view=lambda: DispenseLog.objects.filter(work_item=work_item).net_quantity(),
            view_after_undo=0,
        )

    def delegation(self, world):
        dispense = record_dispense(work_item=pharmacy_work_item(world), by=world.clerk, on_behalf_of=world.principal)
        return DelegationPlan(record=Decision.objects.for_action(RECORD_DISPENSE_ACTION).for_target(dispense).get())

    def snapshot(self, world):
        work_item = pharmacy_work_item(world)
        dispense = record_dispense(work_item=work_item, by=world.clerk, lot="A-1")
        decision = Decision.objects.for_action(RECORD_DISPENSE_ACTION).for_target(dispense).get()
        item = work_item.catalog_item

        def reconstruct(row):
            if isinstance(row, Decision):
                return (row.evidence["display_name"], row.evidence["stock_sku"], row.evidence["quantity"])
            return (row.display_name_snapshot, row.stock_sku_snapshot, row.quantity)

        return SnapshotPlan(
            records=[
                (dispense, ("Amoxicillin 500 mg", "AMOX-500", 2)),
                (decision, ("Amoxicillin 500 mg", "AMOX-500", 2)),
            ],
            reconstruct=reconstruct,
            mutate=lambda: CatalogItem.objects.filter(pk=item.pk).update(
                display_name="Amoxicillin 500 mg (generic)", stock_sku="AMOX-500-G"
            ),
            live=lambda: (fresh(item).display_name, fresh(item).stock_sku),
        )


TICK = dt.timedelta(microseconds=1)


def net_dispensed(dispenses, when: dt.datetime, known_at: dt.datetime | None) -> int:
    """Units of ``dispenses`` standing at ``when`` (as known at ``known_at``): dispensed, less reversed."""
    if known_at is None:
        return dispenses.net_quantity(as_of=when)
    reversed_then = DispenseReversal.objects.as_of(when, known_at=known_at).values("dispense")
    return sum(
        dispenses.as_of(when, known_at=known_at).exclude(pk__in=reversed_then).values_list("quantity", flat=True)
    )


class ReverseDispense(Surface):
    id = "catalog.reverse_dispense"
    call = "reverse_dispense(dispense, reason=, by=, on_behalf_of=, effective_at=, idempotency_key=)"
    not_applicable = {
        "reversal": (
            "a reversal is final, by the package's design: reverse_dispense takes a DispenseLog only (a "
            "DispenseReversal passed to it is NotReversibleError), a record is reversed once (one-to-one key; "
            "a second reversal is NotReversibleError) and record_dispense gives the work item no second record "
            "(AlreadyDispensedError; a repeat of the first request returns the reversed record): a reversal made in "
            "error is corrected by ordering the item again and dispensing the new work item; the reversal's own "
            "authority is checked under catalog.record_dispense"
        ),
    }
    notes = {
        "retry": (
            "`idempotency_key`: one `DispenseReversal` (the key stored on it) and one `Decision` "
            "`django_catalog.reverse_dispense`; repeats return it (without a key a different repeat is "
            "`NotReversibleError`)"
        ),
        "backdate": (
            "a dispense 2 days before, reversed with `effective_at` a day ago; `DispenseReversal.objects.as_of`, "
            "`DispenseLog.objects.net_quantity(as_of=)` and the records `as_of(when, known_at=)` net of the "
            "reversals known then; the `Decision` carries the same `effective_at`"
        ),
        "delegation": "`by=`/`on_behalf_of=` on the `Decision` `django_catalog.reverse_dispense` (target: the record)",
        "snapshot": (
            "the `Decision`'s evidence keeps quantity, lot and reason, the reversal its reason and the dispense "
            "record it points at (name, quantity, lot); the item is renamed and re-coded, the work item completed"
        ),
    }

    def retry(self, world):
        work_item = pharmacy_work_item(world)
        dispense = record_dispense(work_item=work_item, by=world.clerk, lot="A-1")

        def call():
            return reverse_dispense(
                fresh(dispense),
                reason="wrong patient",
                by=fresh(world.manager),
                on_behalf_of=fresh(world.principal),
                idempotency_key="torture-reverse-dispense-1",
            )

        def check_after():
            reversal = DispenseReversal.objects.get(dispense=dispense)
            assert reversal.idempotency_key == "torture-reverse-dispense-1"
            assert Decision.objects.for_action(REVERSE_DISPENSE_ACTION).for_target(dispense).count() == 1
            assert DispenseLog.objects.filter(work_item=work_item).net_quantity() == 0

        return RetryPlan(
            call=call, count=DispenseReversal.objects.filter(dispense=dispense).count, check_after=check_after
        )

    def backdate(self, world, effective_at):
        work_item = pharmacy_work_item(world, started_at=effective_at - dt.timedelta(days=3))
        dispense = record_dispense(
            work_item=work_item, by=world.clerk, effective_at=effective_at - dt.timedelta(days=2)
        )
        reversal = reverse_dispense(dispense, reason="returned unopened", by=world.manager, effective_at=effective_at)
        reversal.refresh_from_db()
        mine = DispenseLog.objects.filter(work_item=work_item)

        def check_fact():
            assert_backdate_coherent(reversal, DispenseReversal.objects.all())
            decision = Decision.objects.for_action(REVERSE_DISPENSE_ACTION).for_target(dispense).get()
            assert decision.effective_at == reversal.effective_at
            assert_backdate_coherent(decision, Decision.objects.all())

        return BackdatePlan(
            fact=reversal,
            check_fact=check_fact,
            effective_at=reversal.effective_at,
            recorded_at=reversal.recorded_at,
            view=lambda when, known_at: net_dispensed(mine, when, known_at),
            before=2,  # dispensed two days before, not reversed yet
            after=0,
            known_before=2,  # before the reversal was recorded, the dispense still stood
        )

    def delegation(self, world):
        dispense = record_dispense(work_item=pharmacy_work_item(world), by=world.clerk)
        reverse_dispense(dispense, reason="wrong patient", by=world.manager, on_behalf_of=world.principal)
        return DelegationPlan(
            record=Decision.objects.for_action(REVERSE_DISPENSE_ACTION).for_target(dispense).get(),
            actor=world.manager,
        )

    def snapshot(self, world):
        work_item = pharmacy_work_item(world)
        start_work_item(work_item, by=world.clerk)
        dispense = record_dispense(work_item=work_item, by=world.clerk, lot="A-1")
        reversal = reverse_dispense(dispense, reason="wrong patient", by=world.manager)
        decision = Decision.objects.for_action(REVERSE_DISPENSE_ACTION).for_target(dispense).get()
        item = work_item.catalog_item

        def reconstruct(row):
            if isinstance(row, Decision):
                evidence = row.evidence
                return (evidence["quantity"], evidence["lot"], evidence["reason"], row.actor_id)
            # The reversal and the dispense record it points at: both append-only.
            record = row.dispense
            return (record.display_name_snapshot, record.quantity, record.lot_reference, row.reason, row.reversed_by_id)

        def mutate():
            CatalogItem.objects.filter(pk=item.pk).update(
                display_name="Amoxicillin 500 mg (generic)", stock_sku="AMOX-500-G"
            )
            complete_work_item(fresh(work_item), by=world.clerk)

        return SnapshotPlan(
            records=[
                (decision, (2, "A-1", "wrong patient", world.manager.pk)),
                (reversal, ("Amoxicillin 500 mg", 2, "A-1", "wrong patient", world.manager.pk)),
            ],
            reconstruct=reconstruct,
            mutate=mutate,
            live=lambda: (fresh(item).display_name, fresh(item).stock_sku, fresh(work_item).status),
        )


def lab_work_item(world, *, started_at=None) -> WorkItem:
    """A committed basket's work item for a blood test, routed to the lab board."""
    basket = get_or_create_draft_basket(new_visit(world, started_at=started_at), world.clerk)
    add_item(basket=basket, catalog_item=blood_test(), by=world.clerk)
    [work_item] = commit_basket(basket, world.clerk)
    return work_item


# What cancel_work_item copies from its WorkItemCancellation onto the work item: every other column stays.
CANCELLATION_COPY = ("status", "cancelled_at", "cancelled_by_id", "cancel_reason", "updated_at")


def work_item_row(work_item: WorkItem, *, ignoring: tuple[str, ...] = ()) -> dict:
    row = fresh(work_item)
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.attname not in ignoring}


class CancelWorkItem(Surface):
    id = "catalog.cancel_work_item"
    call = "cancel_work_item(work_item, by=, reason=, on_behalf_of=, effective_at=, idempotency_key=)"
    not_applicable = {
        "reversal": (
            "a cancellation is final, by the package's design: there is no service to reopen a cancelled work "
            "item and the database refuses any change of its status, cancelled_at or cancel_reason "
            "(WorkItem.Meta.guarantees cancelled_is_final, probed under Retry); work called off in error is "
            "ordered again (a new basket, catalog.commit_basket)"
        ),
    }
    notes = {
        "retry": (
            "`idempotency_key`: one `WorkItemCancellation` (the key stored on it) and one `Decision` "
            "`django_catalog.cancel_work_item`; repeats return the work item. The work item copies the fact "
            "(status, `cancelled_at`, `cancelled_by`, `cancel_reason`) and nothing else of it changes; the database "
            "refuses to reopen it (`IntegrityError`)"
        ),
        "backdate": (
            "`effective_at` a day ago; `WorkItemCancellation.objects.as_of(when, known_at=)`; the work item's "
            "`cancelled_at` and the `Decision`'s `effective_at` are the fact's"
        ),
        "delegation": (
            "`by=`/`on_behalf_of=` on the `Decision` `django_catalog.cancel_work_item` (target: the work item)"
        ),
        "snapshot": (
            "the `WorkItemCancellation` and the `Decision`'s evidence keep the status it left (`in_progress`), the "
            "reason and the board; the item is renamed and re-routed, the work item moved to another board"
        ),
    }

    def retry(self, world):
        work_item = lab_work_item(world)
        start_work_item(work_item, by=world.clerk)
        untouched = work_item_row(work_item, ignoring=CANCELLATION_COPY)

        def call():
            return cancel_work_item(
                fresh(work_item),
                by=fresh(world.clerk),
                reason="patient left",
                on_behalf_of=fresh(world.principal),
                idempotency_key="torture-cancel-1",
            )

        def check_after():
            cancellation = WorkItemCancellation.objects.get(work_item=work_item)
            assert (cancellation.status_before, cancellation.cancelled_by_id, cancellation.reason) == (
                WorkItem.Status.IN_PROGRESS,
                world.clerk.pk,
                "patient left",
            )
            assert cancellation.idempotency_key == "torture-cancel-1"
            assert Decision.objects.for_action(CANCEL_WORK_ITEM_ACTION).for_target(work_item).count() == 1
            # The work item copies the fact, and only that: every other column is as it was.
            stored = fresh(work_item)
            assert (stored.status, stored.cancelled_at, stored.cancelled_by_id, stored.cancel_reason) == (
                WorkItem.Status.CANCELLED,
                cancellation.effective_at,
                world.clerk.pk,
                "patient left",
            )
            assert work_item_row(work_item, ignoring=CANCELLATION_COPY) == untouched
            assert not WorkItem.objects.for_board("lab").open().filter(pk=work_item.pk).exists()
            # The copy cannot drift from the fact: the database refuses to reopen the work item.
            with pytest.raises(IntegrityError), transaction.atomic():
                WorkItem.objects.filter(pk=work_item.pk).update(status=WorkItem.Status.PENDING)
            assert fresh(work_item).status == WorkItem.Status.CANCELLED

        return RetryPlan(
            call=call,
            count=WorkItemCancellation.objects.filter(work_item=work_item).count,
            check_after=check_after,
        )

    def backdate(self, world, effective_at):
        work_item = lab_work_item(world, started_at=effective_at - dt.timedelta(days=2))
        cancel_work_item(work_item, by=world.clerk, reason="patient left", effective_at=effective_at)
        cancellation = WorkItemCancellation.objects.get(work_item=work_item)
        mine = WorkItemCancellation.objects.filter(work_item=work_item)

        def check_fact():
            assert_backdate_coherent(cancellation, WorkItemCancellation.objects.all())
            assert fresh(work_item).cancelled_at == cancellation.effective_at
            decision = Decision.objects.for_action(CANCEL_WORK_ITEM_ACTION).for_target(work_item).get()
            assert decision.effective_at == cancellation.effective_at
            assert_backdate_coherent(decision, Decision.objects.all())

        return BackdatePlan(
            fact=cancellation,
            check_fact=check_fact,
            effective_at=cancellation.effective_at,
            recorded_at=cancellation.recorded_at,
            view=lambda when, known_at: mine.as_of(when, known_at=known_at).count(),
            before=0,
            after=1,
            known_before=0,
        )

    def delegation(self, world):
        work_item = lab_work_item(world)
        cancel_work_item(work_item, by=world.clerk, reason="patient left", on_behalf_of=world.principal)
        return DelegationPlan(record=Decision.objects.for_action(CANCEL_WORK_ITEM_ACTION).for_target(work_item).get())

    def snapshot(self, world):
        work_item = lab_work_item(world)
        start_work_item(work_item, by=world.clerk)
        cancel_work_item(work_item, by=world.clerk, reason="patient left")
        cancellation = WorkItemCancellation.objects.get(work_item=work_item)
        decision = Decision.objects.for_action(CANCEL_WORK_ITEM_ACTION).for_target(work_item).get()
        item = work_item.catalog_item

        def reconstruct(row):
            if isinstance(row, Decision):
                evidence = row.evidence
                return (evidence["status_before"], evidence["reason"], evidence["board"], row.actor_id)
            return (row.status_before, row.reason, row.cancelled_by_id)

        def mutate():
            CatalogItem.objects.filter(pk=item.pk).update(display_name="Blood Test (full panel)", routing="lab-annex")
            # The board is not part of the cancellation's guarantee: a site may move the work item.
            WorkItem.objects.filter(pk=work_item.pk).update(board="lab-annex")

        def live():
            return (fresh(item).display_name, fresh(item).routing, fresh(work_item).board)

        return SnapshotPlan(
            records=[
                (decision, ("in_progress", "patient left", "lab", world.clerk.pk)),
                (cancellation, ("in_progress", "patient left", world.clerk.pk)),
            ],
            reconstruct=reconstruct,
            mutate=mutate,
            live=live,
        )


SURFACES = [CommitBasket(), AddItem(), RecordDispense(), ReverseDispense(), CancelWorkItem()]
