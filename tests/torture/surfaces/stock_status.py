"""django-stock: the status changes of lots (``block_lot``, ``unblock_lot``) and items (``block_item``,
``unblock_item``), each recorded as a ``Decision`` about the lot or item."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import ClassVar

from django_basemodels import canonical_object_id
from django_decisioning.models import Decision
from django_stock import InvalidStatusChangeError, ItemBlockedError, LotBlockedError, StockPermissionDeniedError
from django_stock.models import Lot, StockItem
from django_stock.services import block_item, block_lot, issue, unblock_item, unblock_lot
from tests.torture.surfaces import (
    DelegationPlan,
    RetryPlan,
    ReversalPlan,
    SnapshotPlan,
    Surface,
    fresh,
)
from tests.torture.surfaces.stock import (
    decisions_of,
    live_reference_data,
    mutate_reference_data,
    reconstruct_status_change,
    refused,
    shelf,
    stock_decision,
)

NO_BUSINESS_TIME = (
    "{service} takes no effective_at: {target}'s status holds from the moment its change is recorded (the "
    "Decision's effective_at is its record time) and has no as_of read; business time belongs to the movements "
    "(stock.receive, stock.issue, stock.adjust... and stock.recall_lot's removals, each backdated there)"
)


class StatusChange(Surface):
    """A lot's or an item's status change (``block_lot``, ``unblock_lot``, ``block_item``, ``unblock_item``).

    The status is a column of the lot or item; the change is recorded as a ``Decision`` about it, the fact the
    tests read.
    """

    subject: ClassVar[str]  # "lot" or "item": the keyword the services take, and the shelf's attribute
    service: ClassVar[str]  # the service's name, its Decision's action without the app label
    take: ClassVar[Callable[..., Lot | StockItem]]  # the service
    take_back: ClassVar[Callable[..., Lot | StockItem]]  # its natural undo, the opposite change
    before: ClassVar[str]  # the status before the change
    after: ClassVar[str]
    blocked_error: ClassVar[type[Exception]]  # what an issue meets while blocked
    reason: ClassVar[str]

    def change(self, s: SimpleNamespace, *, by, on_behalf_of=None, idempotency_key=None):
        subject = {self.subject: fresh(getattr(s, self.subject))}
        return self.take(
            **subject, reason=self.reason, by=by, on_behalf_of=on_behalf_of, idempotency_key=idempotency_key
        )

    def undo_change(self, s: SimpleNamespace, *, by, on_behalf_of=None):
        subject = {self.subject: fresh(getattr(s, self.subject))}
        return self.take_back(**subject, reason="decided in error", by=by, on_behalf_of=on_behalf_of)

    def prepared_shelf(self, world) -> SimpleNamespace:
        """A shelf whose lot or item has the status the change starts from."""
        s = shelf()
        if self.before == "blocked":
            self.take_back(**{self.subject: getattr(s, self.subject)}, reason="held on arrival", by=world.manager)
        return s

    def status(self, s: SimpleNamespace) -> str:
        return fresh(getattr(s, self.subject)).status

    def decisions(self, s: SimpleNamespace):
        return Decision.objects.for_target(getattr(s, self.subject))

    def may_issue(self, s: SimpleNamespace) -> bool:
        one = {self.subject: getattr(s, self.subject)}
        return not refused(lambda: issue(location=s.warehouse, quantity=1, **one), self.blocked_error)

    def retry(self, world):
        s = self.prepared_shelf(world)

        def call():
            return self.change(s, by=fresh(world.manager), idempotency_key=f"torture-{self.service}-13")

        def check_after():
            assert self.status(s) == self.after
            assert self.may_issue(s) == (self.after == "active")
            assert refused(lambda: self.change(s, by=world.manager), InvalidStatusChangeError), "changed twice"

        return RetryPlan(call=call, count=decisions_of(self.service), check_after=check_after)

    def reversal(self, world):
        s = self.prepared_shelf(world)
        self.change(s, by=world.manager)
        original = stock_decision(self.service, getattr(s, self.subject))

        def undo(by, on_behalf_of):
            decided_before = set(self.decisions(s).values_list("pk", flat=True))
            self.undo_change(s, by=by, on_behalf_of=on_behalf_of)
            return self.decisions(s).exclude(pk__in=decided_before).get()

        return ReversalPlan(
            original=original,
            also_preserved=list(self.decisions(s).exclude(pk=original.pk)),  # the block a release started from
            undo=undo,
            refusal=StockPermissionDeniedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda decision: decision,
            view=lambda: self.status(s),
            view_after_undo=self.before,
        )

    def delegation(self, world):
        s = self.prepared_shelf(world)
        self.change(s, by=world.manager, on_behalf_of=world.principal)
        return DelegationPlan(record=stock_decision(self.service, getattr(s, self.subject)), actor=world.manager)

    def snapshot(self, world):
        s = self.prepared_shelf(world)
        self.change(s, by=world.manager)
        subject = getattr(s, self.subject)

        def mutate():
            self.undo_change(s, by=world.manager)
            mutate_reference_data(s)

        expected = (self.after, self.reason, self.before, world.manager.pk, canonical_object_id(subject.pk))
        return SnapshotPlan(
            records=[(stock_decision(self.service, subject), expected)],
            reconstruct=reconstruct_status_change,
            mutate=mutate,
            live=lambda: (self.status(s), fresh(s.item).sku, *live_reference_data(s)),
        )


class LotStatusChange(StatusChange):
    subject, blocked_error, reason = "lot", LotBlockedError, "suspected contamination"


class ItemStatusChange(StatusChange):
    subject, blocked_error, reason = "item", ItemBlockedError, "marketing authorisation withdrawn"


class BlockLot(LotStatusChange):
    id = "stock.block_lot"
    call = "block_lot(lot=, reason=, by=, on_behalf_of=, idempotency_key=)"
    service, before, after = "block_lot", "active", "blocked"
    take, take_back = staticmethod(block_lot), staticmethod(unblock_lot)
    not_applicable = {"backdate": NO_BUSINESS_TIME.format(service="block_lot", target="a lot")}
    notes = {
        "retry": (
            "`idempotency_key`: one `Decision` `django_stock.block_lot`; repeats return the lot (without a key a "
            "repeat is `InvalidStatusChangeError`); the lot refuses an issue (`LotBlockedError`)"
        ),
        "reversal": (
            "`unblock_lot(..., reason=, by=)`: `StockPermissionDeniedError` without `django_stock.block_lot` "
            "(`STOCK_BLOCK_PERMISSION`, held through an RBAC role), nothing written; a new `Decision`, "
            "the lot is active again"
        ),
        "delegation": "`by=`/`on_behalf_of=` on the `Decision` `django_stock.block_lot` (target: the lot)",
        "snapshot": (
            "the `Decision` keeps the outcome, reason, previous status, actor and lot; the lot is unblocked, "
            "renamed and re-dated"
        ),
    }


class UnblockLot(LotStatusChange):
    id = "stock.unblock_lot"
    call = "unblock_lot(lot=, reason=, by=, on_behalf_of=, idempotency_key=)"
    service, before, after = "unblock_lot", "blocked", "active"
    take, take_back = staticmethod(unblock_lot), staticmethod(block_lot)
    not_applicable = {"backdate": NO_BUSINESS_TIME.format(service="unblock_lot", target="a lot")}
    notes = {
        "retry": (
            "`idempotency_key`: one `Decision` `django_stock.unblock_lot`; repeats return the lot (without a key a "
            "repeat is `InvalidStatusChangeError`); the lot is issued again"
        ),
        "reversal": (
            "`block_lot(..., reason=, by=)`: `StockPermissionDeniedError` without `django_stock.block_lot` "
            "(`STOCK_BLOCK_PERMISSION`, held through an RBAC role), nothing written; a new `Decision`, "
            "the lot is blocked again"
        ),
        "delegation": "`by=`/`on_behalf_of=` on the `Decision` `django_stock.unblock_lot` (target: the lot)",
        "snapshot": (
            "the `Decision` keeps the outcome, reason, previous status, actor and lot; the lot is blocked again, "
            "renamed and re-dated"
        ),
    }


class BlockItem(ItemStatusChange):
    id = "stock.block_item"
    call = "block_item(item=, reason=, by=, on_behalf_of=, idempotency_key=)"
    service, before, after = "block_item", "active", "blocked"
    take, take_back = staticmethod(block_item), staticmethod(unblock_item)
    not_applicable = {"backdate": NO_BUSINESS_TIME.format(service="block_item", target="an item")}
    notes = {
        "retry": (
            "`idempotency_key`: one `Decision` `django_stock.block_item`; repeats return the item (without a key a "
            "repeat is `InvalidStatusChangeError`); a FEFO issue of the item is refused (`ItemBlockedError`)"
        ),
        "reversal": (
            "`unblock_item(..., reason=, by=)`: `StockPermissionDeniedError` without `django_stock.block_lot` "
            "(`STOCK_BLOCK_PERMISSION`, held through an RBAC role), nothing written; a new `Decision`, "
            "the item is active again"
        ),
        "delegation": "`by=`/`on_behalf_of=` on the `Decision` `django_stock.block_item` (target: the item)",
        "snapshot": (
            "the `Decision` keeps the outcome, reason, previous status, actor and item; the item is unblocked, "
            "renamed and recoded"
        ),
    }


class UnblockItem(ItemStatusChange):
    id = "stock.unblock_item"
    call = "unblock_item(item=, reason=, by=, on_behalf_of=, idempotency_key=)"
    service, before, after = "unblock_item", "blocked", "active"
    take, take_back = staticmethod(unblock_item), staticmethod(block_item)
    not_applicable = {"backdate": NO_BUSINESS_TIME.format(service="unblock_item", target="an item")}
    notes = {
        "retry": (
            "`idempotency_key`: one `Decision` `django_stock.unblock_item`; repeats return the item (without a key a "
            "repeat is `InvalidStatusChangeError`); the item is issued again (FEFO)"
        ),
        "reversal": (
            "`block_item(..., reason=, by=)`: `StockPermissionDeniedError` without `django_stock.block_lot` "
            "(`STOCK_BLOCK_PERMISSION`, held through an RBAC role), nothing written; a new `Decision`, "
            "the item is blocked again"
        ),
        "delegation": "`by=`/`on_behalf_of=` on the `Decision` `django_stock.unblock_item` (target: the item)",
        "snapshot": (
            "the `Decision` keeps the outcome, reason, previous status, actor and item; the item is blocked again, "
            "renamed and recoded"
        ),
    }


SURFACES = [BlockLot(), UnblockLot(), BlockItem(), UnblockItem()]
