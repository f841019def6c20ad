"""django-stock: ``issue(...)`` and ``transfer(...)``."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from django_decisioning.models import Decision
from django_stock import StockPermissionDeniedError
from django_stock.models import Location, Lot, StockItem, StockMovement
from django_stock.selectors import balance
from django_stock.services import issue, receive, reverse_movement, transfer
from tests.torture.surfaces import (
    BackdatePlan,
    RetryPlan,
    ReversalPlan,
    SnapshotPlan,
    Surface,
    fresh,
)

RECEIVED = 100
MOVED = 30
NO_DECISION = (
    "{service} records movements with created_by only: no Decision and no on_behalf_of parameter, so there "
    "is no principal to capture; its undo, reverse_movement(by=, on_behalf_of=), records one and is checked "
    "under Reversal"
)


def shelf(*, received_at: dt.datetime | None = None) -> SimpleNamespace:
    """A warehouse holding RECEIVED units of one lot, and a pharmacy holding none."""
    item = StockItem.objects.create(sku="AMOX-500", name="Amoxicillin 500 mg", unit="capsule")
    lot = Lot.objects.create(item=item, lot_number="A-1", expiry_date=timezone.localdate() + dt.timedelta(days=400))
    warehouse = Location.objects.create(code="WH", name="Central warehouse", kind="warehouse")
    pharmacy = Location.objects.create(code="PH-1", name="Pharmacy 1", kind="pharmacy")
    receive(location=warehouse, lot=lot, quantity=RECEIVED, effective_at=received_at)
    return SimpleNamespace(item=item, lot=lot, warehouse=warehouse, pharmacy=pharmacy)


def operations(movement_type: str):
    """One effect of a stock service is one operation (its movements share an ``operation_id``)."""
    return lambda: StockMovement.objects.filter(movement_type=movement_type).values("operation_id").distinct().count()


def reconstruct_movement(row: StockMovement) -> tuple:
    return (row.movement_type, row.location_id, row.lot_id, row.direction, row.quantity, row.created_by_id)


def mutate_reference_data(s: SimpleNamespace) -> None:
    StockItem.objects.filter(pk=s.item.pk).update(name="Amoxicillin 500 mg (generic)", sku="AMOX-500-G")
    Lot.objects.filter(pk=s.lot.pk).update(lot_number="A-1b", expiry_date=timezone.localdate() + dt.timedelta(days=9))
    Location.objects.filter(pk=s.warehouse.pk).update(name="Old warehouse")


def live_reference_data(s: SimpleNamespace) -> tuple:
    return (fresh(s.item).name, fresh(s.lot).lot_number, fresh(s.lot).expiry_date, fresh(s.warehouse).name)


def undo_decision(movement: StockMovement) -> Decision:
    return Decision.objects.for_action("django_stock.reverse_movement").for_target(movement).get()


class Issue(Surface):
    id = "stock.issue"
    call = "issue(location=, quantity=, lot=|item=, by=, effective_at=, idempotency_key=)"
    not_applicable = {"delegation": NO_DECISION.format(service="issue")}
    notes = {
        "retry": "`idempotency_key`: one operation; repeats return the same movements",
        "backdate": "received 3 days ago, issued with `effective_at` a day ago; `balance(as_of=, known_at=)`",
        "reversal": (
            "`reverse_movement(movement, reason=, by=)`: `StockPermissionDeniedError` without "
            "`django_stock.reverse_stockmovement` (held through an RBAC role); a new `reversal` movement"
        ),
        "snapshot": (
            "a movement holds no price or name: its quantity, direction, lot, location and user are its own "
            "columns; the item, lot and location are renamed and re-dated"
        ),
    }

    def retry(self, world):
        s = shelf()

        def call():
            return issue(
                location=fresh(s.warehouse), item=fresh(s.item), quantity=MOVED, idempotency_key="torture-sale-42"
            )

        def check_after():
            assert balance(s.warehouse, s.lot) == RECEIVED - MOVED

        return RetryPlan(call=call, count=operations("issue"), check_after=check_after)

    def backdate(self, world, effective_at):
        s = shelf(received_at=effective_at - dt.timedelta(days=2))
        [movement] = issue(location=s.warehouse, lot=s.lot, quantity=MOVED, effective_at=effective_at)
        movement.refresh_from_db()
        return BackdatePlan(
            fact=movement,
            queryset=StockMovement.objects.all(),
            effective_at=movement.effective_at,
            recorded_at=movement.recorded_at,
            view=lambda when, known_at: balance(s.warehouse, s.lot, as_of=when, known_at=known_at),
            before=RECEIVED,
            after=RECEIVED - MOVED,
            known_before=RECEIVED,
        )

    def reversal(self, world):
        s = shelf()
        [movement] = issue(location=s.warehouse, lot=s.lot, quantity=MOVED)

        def undo(by, on_behalf_of):
            return reverse_movement(fresh(movement), reason="wrong patient", by=by, on_behalf_of=on_behalf_of)

        return ReversalPlan(
            original=movement,
            undo=undo,
            refusal=StockPermissionDeniedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda reversals: undo_decision(movement),
            view=lambda: balance(s.warehouse, s.lot),
            view_after_undo=RECEIVED,
        )

    def snapshot(self, world):
        s = shelf()
        [movement] = issue(location=s.warehouse, lot=s.lot, quantity=MOVED, by=world.clerk)
        return SnapshotPlan(
            records=[(movement, ("issue", s.warehouse.pk, s.lot.pk, -1, MOVED, world.clerk.pk))],
            reconstruct=reconstruct_movement,
            mutate=lambda: mutate_reference_data(s),
            live=lambda: live_reference_data(s),
        )


class Transfer(Surface):
    id = "stock.transfer"
    call = "transfer(from_location=, to_location=, quantity=, lot=|item=, by=, effective_at=, idempotency_key=)"
    not_applicable = {"delegation": NO_DECISION.format(service="transfer")}
    notes = {
        "retry": "`idempotency_key`: one operation (its two legs); repeats return the same movements",
        "backdate": "`effective_at` a day ago; `balance(to_location, as_of=, known_at=)`",
        "reversal": "reversing the out leg reverses both legs; both originals stay byte-identical",
        "snapshot": "as `stock.issue`, for both legs",
    }

    def retry(self, world):
        s = shelf()

        def call():
            return transfer(
                from_location=fresh(s.warehouse),
                to_location=fresh(s.pharmacy),
                item=fresh(s.item),
                quantity=MOVED,
                idempotency_key="torture-restock-7",
            )

        def check_after():
            assert (balance(s.warehouse, s.lot), balance(s.pharmacy, s.lot)) == (RECEIVED - MOVED, MOVED)

        return RetryPlan(call=call, count=operations("transfer_out"), check_after=check_after)

    def backdate(self, world, effective_at):
        s = shelf(received_at=effective_at - dt.timedelta(days=2))
        _out, arrived = transfer(
            from_location=s.warehouse, to_location=s.pharmacy, lot=s.lot, quantity=MOVED, effective_at=effective_at
        )
        arrived.refresh_from_db()
        return BackdatePlan(
            fact=arrived,
            queryset=StockMovement.objects.all(),
            effective_at=arrived.effective_at,
            recorded_at=arrived.recorded_at,
            view=lambda when, known_at: balance(s.pharmacy, s.lot, as_of=when, known_at=known_at),
            before=0,
            after=MOVED,
            known_before=0,
        )

    def reversal(self, world):
        s = shelf()
        out, arrived = transfer(from_location=s.warehouse, to_location=s.pharmacy, lot=s.lot, quantity=MOVED)

        def undo(by, on_behalf_of):
            return reverse_movement(
                movement=fresh(out), reason="sent to the wrong pharmacy", by=by, on_behalf_of=on_behalf_of
            )

        return ReversalPlan(
            original=out,
            also_preserved=[arrived],
            undo=undo,
            refusal=StockPermissionDeniedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda reversals: undo_decision(out),
            view=lambda: (balance(s.warehouse, s.lot), balance(s.pharmacy, s.lot)),
            view_after_undo=(RECEIVED, 0),
        )

    def snapshot(self, world):
        s = shelf()
        out, arrived = transfer(
            from_location=s.warehouse, to_location=s.pharmacy, lot=s.lot, quantity=MOVED, by=world.clerk
        )
        return SnapshotPlan(
            records=[
                (out, ("transfer_out", s.warehouse.pk, s.lot.pk, -1, MOVED, world.clerk.pk)),
                (arrived, ("transfer_in", s.pharmacy.pk, s.lot.pk, 1, MOVED, world.clerk.pk)),
            ],
            reconstruct=reconstruct_movement,
            mutate=lambda: mutate_reference_data(s),
            live=lambda: live_reference_data(s),
        )


SURFACES = [Issue(), Transfer()]
