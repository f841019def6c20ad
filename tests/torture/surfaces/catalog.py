"""django-catalog: ``commit_basket(basket, user, *, on_behalf_of=None)``, ``add_item`` and ``record_dispense``."""

from __future__ import annotations

from decimal import Decimal

from django_catalog import CatalogPermissionDeniedError
from django_catalog.models import Basket, BasketItem, CatalogItem, DispenseLog, WorkItem
from django_catalog.services import (
    COMMIT_ACTION,
    REVERSE_DISPENSE_ACTION,
    add_item,
    commit_basket,
    get_or_create_draft_basket,
    record_dispense,
    reverse_dispense,
)
from django_decisioning.models import Decision
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
        import datetime as dt

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


SURFACES = [CommitBasket(), AddItem(), RecordDispense()]
