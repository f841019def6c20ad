"""django-decisioning: a service decorated with ``@idempotent`` that records a ``Decision``."""

from __future__ import annotations

from decimal import Decimal

from django_catalog.models import CatalogItem
from django_decisioning.models import Decision
from tests.torture.services import QUOTE_ACTION, quote_price
from tests.torture.surfaces import BackdatePlan, DelegationPlan, RetryPlan, SnapshotPlan, Surface, fresh
from tests.torture.surfaces.catalog import blood_test


class IdempotentDecorator(Surface):
    id = "decisioning.idempotent"
    call = "@idempotent(scope=, key_from=) on tests/torture/services.py quote_price(), which calls record_decision()"
    not_applicable = {
        "reversal": (
            "decisioning offers no undo: a Decision is append-only (DecisionImmutable, triggers) and a "
            "correction is a new decision; authority belongs to the decorated service"
        ),
    }
    notes = {
        "retry": "the key from `key_from`: one `Decision`; repeats return it re-fetched",
        "backdate": "`record_decision(effective_at=)` a day ago; `Decision.objects.as_of(when, known_at=)`",
        "delegation": "`record_decision(by=, on_behalf_of=)` through the decorated service",
        "snapshot": "the evidence keeps the item's name and price as quoted; the item is renamed and repriced",
    }

    def retry(self, world):
        item = blood_test()
        return RetryPlan(
            call=lambda: quote_price(item=fresh(item), by=fresh(world.clerk), idempotency_key="torture-quote-1"),
            count=Decision.objects.for_action(QUOTE_ACTION).count,
        )

    def backdate(self, world, effective_at):
        decision = quote_price(item=blood_test(), by=world.clerk, effective_at=effective_at, idempotency_key="q-2")
        decision.refresh_from_db()

        def view(when, known_at):
            return Decision.objects.for_action(QUOTE_ACTION).as_of(when, known_at=known_at).count()

        return BackdatePlan(
            fact=decision,
            effective_at=decision.effective_at,
            recorded_at=decision.recorded_at,
            view=view,
            before=0,
            after=1,
            known_before=0,
        )

    def delegation(self, world):
        decision = quote_price(item=blood_test(), by=world.clerk, on_behalf_of=world.principal, idempotency_key="q-3")
        return DelegationPlan(record=decision)

    def snapshot(self, world):
        item = blood_test()
        decision = quote_price(item=item, by=world.clerk, idempotency_key="q-4")

        def reconstruct(row):
            return (row.evidence["item"], Decimal(row.evidence["price"]), row.evidence["currency"])

        def mutate():
            CatalogItem.objects.filter(pk=item.pk).update(
                display_name="Blood Test (full panel)", price_amount=Decimal("40")
            )

        return SnapshotPlan(
            records=[(decision, ("Blood Test", Decimal("25.0000"), "USD"))],
            reconstruct=reconstruct,
            mutate=mutate,
            live=lambda: (fresh(item).display_name, fresh(item).price_amount),
        )


SURFACES = [IdempotentDecorator()]
