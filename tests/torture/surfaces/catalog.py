"""django-catalog: ``commit_basket(basket, user, *, on_behalf_of=None)``."""

from __future__ import annotations

from decimal import Decimal

from django_catalog.models import Basket, BasketItem, CatalogItem, WorkItem
from django_catalog.services import COMMIT_ACTION, add_item, commit_basket, get_or_create_draft_basket
from django_decisioning.models import Decision
from tests.torture.surfaces import DelegationPlan, RetryPlan, SnapshotPlan, Surface, fresh
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
            "a committed basket has no undo: cancel_basket refuses it (BasketNotDraftError) and "
            "cancel_work_item changes a work item's status in place, without an authority check; "
            "the roadmap asks reversals of ledger and agreements, not of the catalog"
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
