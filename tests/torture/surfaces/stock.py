"""django-stock: the movements (``receive``, ``issue``, ``transfer``, ``adjust``, ``return_stock``), their undo
``reverse_movement``, and ``recall_lot`` (the blocking of lots and items: ``stock_status.py``)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from django_basemodels import canonical_object_id
from django_decisioning.models import Decision
from django_decisioning.testing import assert_backdate_coherent
from django_stock import (
    InvalidStatusChangeError,
    LotRecalledError,
    MovementNotReversibleError,
    ReturnExceedsIssuedError,
    StockPermissionDeniedError,
)
from django_stock.models import Location, Lot, StockItem, StockMovement
from django_stock.selectors import balance
from django_stock.services import (
    adjust,
    issue,
    recall_lot,
    receive,
    return_stock,
    reverse_movement,
    transfer,
    unblock_lot,
)
from tests.torture.surfaces import (
    BackdatePlan,
    DelegationPlan,
    RetryPlan,
    ReversalPlan,
    SnapshotPlan,
    Surface,
    fresh,
)

RECEIVED = 100
MOVED = 30
RETURNED = 5
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
    return stock_decision("reverse_movement", movement)


def stock_decision(service: str, target) -> Decision:
    """The one Decision ``django_stock.<service>`` recorded about ``target`` (a movement, a lot, an item)."""
    return Decision.objects.for_action(f"django_stock.{service}").for_target(target).get()


def decisions_of(service: str):
    """One effect of a status change is one Decision ``django_stock.<service>``."""
    return Decision.objects.for_action(f"django_stock.{service}").count


def receipt(s: SimpleNamespace) -> StockMovement:
    """The ``receive`` movement that filled the shelf's warehouse."""
    return StockMovement.objects.get(movement_type="receive", location=s.warehouse, lot=s.lot)


def reconstruct_status_change(row: Decision) -> tuple:
    """A status change from its Decision only: to what, why, from what, by whom, of which lot or item."""
    evidence = row.evidence
    return (row.outcome, evidence["reason"], evidence["previous_status"], row.actor_id, row.target_id)


def refused(call, error) -> bool:
    """Whether ``call()`` is refused with ``error`` (what a status change must stop)."""
    try:
        call()
    except error:
        return True
    return False


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


class Receive(Surface):
    id = "stock.receive"
    call = "receive(location=, lot=, quantity=, reference=, by=, effective_at=, reason=, idempotency_key=)"
    not_applicable = {"delegation": NO_DECISION.format(service="receive")}
    notes = {
        "retry": "`idempotency_key`: one operation; repeats return the same `receive` movement",
        "backdate": "`effective_at` a day ago; `balance(as_of=, known_at=)` of the receiving location",
        "reversal": (
            "`reverse_movement(movement, reason=, by=)`: `StockPermissionDeniedError` without "
            "`django_stock.reverse_stockmovement`; a new `reversal` movement takes the units out again"
        ),
        "snapshot": "as `stock.issue`: the movement's own columns; the item, lot and location are renamed and re-dated",
    }

    def retry(self, world):
        s = shelf()

        def call():
            return receive(
                location=fresh(s.pharmacy), lot=fresh(s.lot), quantity=MOVED, idempotency_key="torture-delivery-3"
            )

        def check_after():
            assert (balance(s.warehouse, s.lot), balance(s.pharmacy, s.lot)) == (RECEIVED, MOVED)

        return RetryPlan(call=call, count=operations("receive"), check_after=check_after)

    def backdate(self, world, effective_at):
        s = shelf(received_at=effective_at)
        movement = receipt(s)
        return BackdatePlan(
            fact=movement,
            queryset=StockMovement.objects.all(),
            effective_at=movement.effective_at,
            recorded_at=movement.recorded_at,
            view=lambda when, known_at: balance(s.warehouse, s.lot, as_of=when, known_at=known_at),
            before=0,
            after=RECEIVED,
            known_before=0,
        )

    def reversal(self, world):
        s = shelf()
        movement = receipt(s)

        def undo(by, on_behalf_of):
            return reverse_movement(
                fresh(movement), reason="booked at the wrong depot", by=by, on_behalf_of=on_behalf_of
            )

        return ReversalPlan(
            original=movement,
            undo=undo,
            refusal=StockPermissionDeniedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda reversals: undo_decision(movement),
            view=lambda: balance(s.warehouse, s.lot),
            view_after_undo=0,
        )

    def snapshot(self, world):
        s = shelf()
        movement = receive(location=s.pharmacy, lot=s.lot, quantity=MOVED, by=world.clerk)
        return SnapshotPlan(
            records=[(movement, ("receive", s.pharmacy.pk, s.lot.pk, 1, MOVED, world.clerk.pk))],
            reconstruct=reconstruct_movement,
            mutate=lambda: mutate_reference_data(s),
            live=lambda: live_reference_data(s),
        )


class Adjust(Surface):
    id = "stock.adjust"
    call = "adjust(location=, lot=, quantity=, direction=, reason=, reference=, by=, effective_at=, idempotency_key=)"
    not_applicable = {"delegation": NO_DECISION.format(service="adjust")}
    notes = {
        "retry": "`idempotency_key`: one `adjustment_out` operation; repeats return the same movement",
        "backdate": "received 3 days ago, written off with `effective_at` a day ago; `balance(as_of=, known_at=)`",
        "reversal": (
            "`reverse_movement(movement, reason=, by=)`: `StockPermissionDeniedError` without "
            "`django_stock.reverse_stockmovement`; a new `reversal` movement puts the units back"
        ),
        "snapshot": (
            "quantity, direction, lot, location, user and the reason are the movement's own columns; the item, lot "
            "and location are renamed and re-dated"
        ),
    }

    def retry(self, world):
        s = shelf()

        def call():
            return adjust(
                location=fresh(s.warehouse),
                lot=fresh(s.lot),
                quantity=MOVED,
                direction="out",
                reason="stock count 2024-Q3",
                idempotency_key="torture-count-5",
            )

        def check_after():
            assert balance(s.warehouse, s.lot) == RECEIVED - MOVED

        return RetryPlan(call=call, count=operations("adjustment_out"), check_after=check_after)

    def backdate(self, world, effective_at):
        s = shelf(received_at=effective_at - dt.timedelta(days=2))
        movement = adjust(
            location=s.warehouse,
            lot=s.lot,
            quantity=MOVED,
            direction="out",
            reason="broken in the cold room",
            effective_at=effective_at,
        )
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
        movement = adjust(location=s.warehouse, lot=s.lot, quantity=MOVED, direction="out", reason="miscounted")

        def undo(by, on_behalf_of):
            return reverse_movement(fresh(movement), reason="found on the next shelf", by=by, on_behalf_of=on_behalf_of)

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
        movement = adjust(
            location=s.warehouse, lot=s.lot, quantity=MOVED, direction="out", reason="water damage", by=world.clerk
        )

        def reconstruct(row):
            return (*reconstruct_movement(row), row.reason)

        return SnapshotPlan(
            records=[
                (movement, ("adjustment_out", s.warehouse.pk, s.lot.pk, -1, MOVED, world.clerk.pk, "water damage"))
            ],
            reconstruct=reconstruct,
            mutate=lambda: mutate_reference_data(s),
            live=lambda: live_reference_data(s),
        )


class ReturnStock(Surface):
    id = "stock.return_stock"
    call = "return_stock(location=, lot=, quantity=, reference=, by=, effective_at=, reason=, idempotency_key=)"
    not_applicable = {"delegation": NO_DECISION.format(service="return_stock")}
    notes = {
        "retry": (
            "`idempotency_key`: one `return` operation against the sale's reference; repeats return the same "
            "movement (and count once against what was issued to it)"
        ),
        "backdate": "issued 2 days ago, returned with `effective_at` a day ago; `balance(as_of=, known_at=)`",
        "reversal": (
            "`reverse_movement(movement, reason=, by=)`: `StockPermissionDeniedError` without "
            "`django_stock.reverse_stockmovement`; a new `reversal` movement takes the returned units out again"
        ),
        "snapshot": (
            "quantity, direction, lot, location, user and reference are the movement's own columns; the item, lot "
            "and location are renamed and re-dated"
        ),
    }

    def retry(self, world):
        s = shelf()
        issue(location=s.warehouse, lot=s.lot, quantity=MOVED, reference=world.patient)

        def call():
            return return_stock(
                location=fresh(s.warehouse),
                lot=fresh(s.lot),
                quantity=RETURNED,
                reference=fresh(world.patient),
                reason="refund",
                idempotency_key="torture-refund-9",
            )

        def check_after():
            assert balance(s.warehouse, s.lot) == RECEIVED - MOVED + RETURNED
            # Counted once against the sale: the rest of what was issued may still come back, and no more.
            return_stock(location=s.warehouse, lot=s.lot, quantity=MOVED - RETURNED, reference=world.patient)
            assert refused(
                lambda: return_stock(location=s.warehouse, lot=s.lot, quantity=1, reference=world.patient),
                ReturnExceedsIssuedError,
            )

        return RetryPlan(call=call, count=operations("return"), check_after=check_after)

    def backdate(self, world, effective_at):
        s = shelf(received_at=effective_at - dt.timedelta(days=2))
        issue(
            location=s.warehouse,
            lot=s.lot,
            quantity=MOVED,
            reference=world.patient,
            effective_at=effective_at - dt.timedelta(days=1),
        )
        movement = return_stock(
            location=s.warehouse, lot=s.lot, quantity=RETURNED, reference=world.patient, effective_at=effective_at
        )
        movement.refresh_from_db()
        return BackdatePlan(
            fact=movement,
            queryset=StockMovement.objects.all(),
            effective_at=movement.effective_at,
            recorded_at=movement.recorded_at,
            view=lambda when, known_at: balance(s.warehouse, s.lot, as_of=when, known_at=known_at),
            before=RECEIVED - MOVED,
            after=RECEIVED - MOVED + RETURNED,
            known_before=RECEIVED - MOVED,
        )

    def reversal(self, world):
        s = shelf()
        issue(location=s.warehouse, lot=s.lot, quantity=MOVED, reference=world.patient)
        movement = return_stock(location=s.warehouse, lot=s.lot, quantity=RETURNED, reference=world.patient)

        def undo(by, on_behalf_of):
            return reverse_movement(fresh(movement), reason="the box came back empty", by=by, on_behalf_of=on_behalf_of)

        return ReversalPlan(
            original=movement,
            undo=undo,
            refusal=StockPermissionDeniedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda reversals: undo_decision(movement),
            view=lambda: balance(s.warehouse, s.lot),
            view_after_undo=RECEIVED - MOVED,
        )

    def snapshot(self, world):
        s = shelf()
        issue(location=s.warehouse, lot=s.lot, quantity=MOVED, reference=world.patient)
        movement = return_stock(
            location=s.warehouse, lot=s.lot, quantity=RETURNED, reference=world.patient, by=world.clerk
        )

        def reconstruct(row):
            return (*reconstruct_movement(row), row.reference_type_id, row.reference_id)

        patient = (ContentType.objects.get_for_model(world.patient).pk, canonical_object_id(world.patient.pk))
        return SnapshotPlan(
            records=[
                (
                    movement,
                    ("return", s.warehouse.pk, s.lot.pk, 1, RETURNED, world.clerk.pk, *patient),
                )
            ],
            reconstruct=reconstruct,
            mutate=lambda: mutate_reference_data(s),
            live=lambda: live_reference_data(s),
        )


class ReverseMovement(Surface):
    id = "stock.reverse_movement"
    call = "reverse_movement(movement, reason=, by=, on_behalf_of=, effective_at=, idempotency_key=)"
    not_applicable = {
        "reversal": (
            "a reversal cannot be reversed (MovementNotReversibleError, by design: the README refuses reversals for "
            "a reversal, and the error says to record the original operation again); reverse_movement is itself the "
            "undo checked under the Reversal of stock.receive, issue, transfer, adjust, return_stock and recall_lot"
        ),
    }
    notes = {
        "retry": (
            "`idempotency_key`: one `reversal` operation and one `Decision`; repeats return the same movements "
            "(without a key a repeat is `MovementNotReversibleError`)"
        ),
        "backdate": (
            "an issue 2 days ago reversed with `effective_at` a day ago; `balance(as_of=, known_at=)` and the "
            "`Decision`'s own times (`Decision.objects.as_of`)"
        ),
        "delegation": "`by=`/`on_behalf_of=` on the `Decision` `django_stock.reverse_movement` (target: the original)",
        "snapshot": (
            "the reversal movement's own columns (`reverses` the original) and the `Decision`'s evidence (reason, "
            "type, quantity and location of what was reversed); the item, lot and location are renamed and re-dated"
        ),
    }

    def retry(self, world):
        s = shelf()
        [movement] = issue(location=s.warehouse, lot=s.lot, quantity=MOVED)

        def call():
            return reverse_movement(
                fresh(movement), reason="wrong patient", by=fresh(world.manager), idempotency_key="torture-undo-11"
            )

        def check_after():
            assert balance(s.warehouse, s.lot) == RECEIVED
            assert undo_decision(movement).outcome == "reversed"  # .get(): exactly one decision
            assert refused(
                lambda: reverse_movement(movement, reason="wrong patient", by=world.manager), MovementNotReversibleError
            ), "reversed twice"

        return RetryPlan(call=call, count=operations("reversal"), check_after=check_after)

    def backdate(self, world, effective_at):
        s = shelf(received_at=effective_at - dt.timedelta(days=2))
        [movement] = issue(
            location=s.warehouse, lot=s.lot, quantity=MOVED, effective_at=effective_at - dt.timedelta(days=1)
        )
        [reversal] = reverse_movement(movement, reason="wrong patient", by=world.manager, effective_at=effective_at)
        reversal.refresh_from_db()

        def check_fact():
            assert_backdate_coherent(reversal, StockMovement.objects.all())
            decision = undo_decision(movement)
            assert decision.effective_at == reversal.effective_at
            assert_backdate_coherent(decision, Decision.objects.all())

        return BackdatePlan(
            fact=reversal,
            check_fact=check_fact,
            effective_at=reversal.effective_at,
            recorded_at=reversal.recorded_at,
            view=lambda when, known_at: balance(s.warehouse, s.lot, as_of=when, known_at=known_at),
            before=RECEIVED - MOVED,
            after=RECEIVED,
            known_before=RECEIVED - MOVED,
        )

    def delegation(self, world):
        s = shelf()
        [movement] = issue(location=s.warehouse, lot=s.lot, quantity=MOVED)
        reverse_movement(movement, reason="wrong patient", by=world.manager, on_behalf_of=world.principal)
        return DelegationPlan(record=undo_decision(movement), actor=world.manager)

    def snapshot(self, world):
        s = shelf()
        [movement] = issue(location=s.warehouse, lot=s.lot, quantity=MOVED)
        [reversal] = reverse_movement(movement, reason="wrong patient", by=world.manager)

        def reconstruct(row):
            if isinstance(row, Decision):
                reversed_ = [(line["type"], line["quantity"], line["location"]) for line in row.evidence["reversed"]]
                return (row.outcome, row.evidence["reason"], reversed_, row.actor_id)
            return (*reconstruct_movement(row), row.reverses_id)

        return SnapshotPlan(
            records=[
                (reversal, ("reversal", s.warehouse.pk, s.lot.pk, 1, MOVED, world.manager.pk, movement.pk)),
                (
                    undo_decision(movement),
                    ("reversed", "wrong patient", [("issue", MOVED, str(s.warehouse.pk))], world.manager.pk),
                ),
            ],
            reconstruct=reconstruct,
            mutate=lambda: mutate_reference_data(s),
            live=lambda: live_reference_data(s),
        )


class RecallLot(Surface):
    id = "stock.recall_lot"
    call = "recall_lot(lot=, reason=, by=, on_behalf_of=, remove=, reference=, effective_at=, idempotency_key=)"
    notes = {
        "retry": (
            "`idempotency_key` with `remove=True`: one `Decision` and one `recall_removal` operation (the key stored "
            "on the removals); repeats return the same movements; the lot is recalled and refuses an issue"
        ),
        "backdate": (
            "received 3 days ago, recalled with `remove=True` and `effective_at` a day ago: the removal and the "
            "`Decision` carry it; `balance(as_of=, known_at=)`"
        ),
        "reversal": (
            "a recall's status is not undone (no service makes a recalled lot usable: `unblock_lot` refuses it with "
            "`InvalidStatusChangeError`, checked); what is undone "
            "is the stock it took out, `reverse_movement(removal, by=)`: `StockPermissionDeniedError` without "
            "`django_stock.reverse_stockmovement`; the units are back, the lot stays recalled, the removal and the "
            "recall `Decision` unchanged"
        ),
        "delegation": (
            "`by=`/`on_behalf_of=` on the `Decision` `django_stock.recall_lot` (target: the lot), taken by the "
            "manager, who holds `django_stock.recall_lot`"
        ),
        "snapshot": (
            "the `Decision` keeps the outcome, reason, previous status and the units removed per location; the "
            "removal movement its own columns; the item, lot and location are renamed and re-dated"
        ),
    }

    def retry(self, world):
        s = shelf()

        def call():
            return recall_lot(
                lot=fresh(s.lot),
                reason="contamination notice 12",
                by=fresh(world.manager),
                remove=True,
                idempotency_key="torture-recall-12",
            )

        def check_after():
            assert (balance(s.warehouse, s.lot), fresh(s.lot).status) == (0, "recalled")
            [removal] = StockMovement.objects.filter(movement_type="recall_removal")
            assert removal.idempotency_key == "torture-recall-12"
            assert refused(lambda: issue(location=s.warehouse, lot=s.lot, quantity=1), LotRecalledError)

        return RetryPlan(call=call, count=decisions_of("recall_lot"), check_after=check_after)

    def backdate(self, world, effective_at):
        s = shelf(received_at=effective_at - dt.timedelta(days=2))
        [removal] = recall_lot(
            lot=s.lot, reason="contamination notice 12", by=world.manager, remove=True, effective_at=effective_at
        )
        removal.refresh_from_db()

        def check_fact():
            assert_backdate_coherent(removal, StockMovement.objects.all())
            decision = stock_decision("recall_lot", s.lot)
            assert decision.effective_at == removal.effective_at
            assert_backdate_coherent(decision, Decision.objects.all())

        return BackdatePlan(
            fact=removal,
            check_fact=check_fact,
            effective_at=removal.effective_at,
            recorded_at=removal.recorded_at,
            view=lambda when, known_at: balance(s.warehouse, s.lot, as_of=when, known_at=known_at),
            before=RECEIVED,
            after=0,
            known_before=RECEIVED,
        )

    def reversal(self, world):
        s = shelf()
        [removal] = recall_lot(lot=s.lot, reason="contamination notice 12", by=world.manager, remove=True)
        # The status is not undone: no service takes a lot out of "recalled".
        assert refused(
            lambda: unblock_lot(lot=s.lot, reason="notice withdrawn", by=world.manager), InvalidStatusChangeError
        )

        def undo(by, on_behalf_of):
            return reverse_movement(
                fresh(removal), reason="removal booked before the units left", by=by, on_behalf_of=on_behalf_of
            )

        return ReversalPlan(
            original=removal,
            also_preserved=[stock_decision("recall_lot", s.lot)],
            undo=undo,
            refusal=StockPermissionDeniedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda reversals: undo_decision(removal),
            view=lambda: (balance(s.warehouse, s.lot), fresh(s.lot).status),
            view_after_undo=(RECEIVED, "recalled"),
        )

    def delegation(self, world):
        s = shelf()
        recall_lot(lot=s.lot, reason="contamination notice 12", by=world.manager, on_behalf_of=world.principal)
        return DelegationPlan(record=stock_decision("recall_lot", s.lot), actor=world.manager)

    def snapshot(self, world):
        s = shelf()
        [removal] = recall_lot(lot=s.lot, reason="contamination notice 12", by=world.manager, remove=True)

        def reconstruct(row):
            if isinstance(row, Decision):
                removed = [(line["location"], line["quantity"]) for line in row.evidence["removed"]]
                return (*reconstruct_status_change(row), removed)
            return reconstruct_movement(row)

        recall = ("recalled", "contamination notice 12", "active", world.manager.pk, canonical_object_id(s.lot.pk))
        return SnapshotPlan(
            records=[
                (removal, ("recall_removal", s.warehouse.pk, s.lot.pk, -1, RECEIVED, world.manager.pk)),
                (stock_decision("recall_lot", s.lot), (*recall, [(str(s.warehouse.pk), RECEIVED)])),
            ],
            reconstruct=reconstruct,
            mutate=lambda: mutate_reference_data(s),
            live=lambda: live_reference_data(s),
        )


SURFACES = [
    Issue(),
    Transfer(),
    Receive(),
    Adjust(),
    ReturnStock(),
    ReverseMovement(),
    RecallLot(),
]
