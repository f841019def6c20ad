"""A service of the torture suite made idempotent with ``@idempotent``: the decorator's own decision surface."""

from __future__ import annotations

from django_catalog.models import CatalogItem
from django_decisioning import idempotent
from django_decisioning.services import record_decision

QUOTE_ACTION = "torture.quote_price"


@idempotent(scope="torture.quote_price", key_from=lambda **call: call.get("idempotency_key"))
def quote_price(*, item: CatalogItem, by, on_behalf_of=None, effective_at=None, idempotency_key=None):
    """Quote ``item`` at its current price: a ``Decision`` whose evidence is the name and price quoted."""
    return record_decision(
        action=QUOTE_ACTION,
        by=by,
        on_behalf_of=on_behalf_of,
        target=item,
        outcome="quoted",
        evidence={"item": item.display_name, "price": item.price_amount, "currency": item.price_currency},
        effective_at=effective_at,
    )
