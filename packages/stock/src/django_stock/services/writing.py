"""The one movement write every service ends with, and the read that finds the movements of an earlier key."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import connections, models
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from django_basemodels.generic import generic_key_values
from django_stock.choices import MovementType
from django_stock.models import Location, Lot, StockMovement


def scope_of(service: str) -> str:
    """The idempotency scope and decision action of a service: ``django_stock.<service>``."""
    return f"django_stock.{service}"


@dataclass
class Line:
    """One movement to write: what, where, how many and which way."""

    location: Location
    lot: Lot
    movement_type: MovementType
    quantity: int
    direction: int
    reverses: StockMovement | None = None
    reference: dict[str, Any] | None = field(default=None)


def write_movements(
    db: str,
    lines: Iterable[Line],
    *,
    reference: models.Model | None,
    by: Any,
    reason: str,
    effective_at: dt.datetime | None,
    service: str,
    idempotency_key: str | None,
) -> list[StockMovement]:
    """Insert one movement per line, sharing one ``operation_id``; the trigger updates each balance row.

    With an ``idempotency_key`` each movement's INSERT stores it with the scope of ``service`` and
    its line number, which the database keeps unique: a call with this key never writes twice.
    Each movement is inserted by ``insert_movement``.
    """
    operation_id = uuid.uuid4()
    movements = []
    for number, line in enumerate(lines):
        movement = StockMovement(
            location=line.location,
            lot=line.lot,
            movement_type=line.movement_type,
            direction=line.direction,
            quantity=line.quantity,
            reverses=line.reverses,
            created_by=by,
            reason=reason,
            operation_id=operation_id,
            idempotency_key=idempotency_key or "",
            idempotency_scope=scope_of(service) if idempotency_key is not None else None,
            idempotency_line=number if idempotency_key is not None else None,
            # Left out when None: the field fills an empty effective_at with the recorded time on save.
            **({"effective_at": effective_at} if effective_at is not None else {}),
            **(line.reference if line.reference is not None else generic_key_values("reference", reference)),
        )
        insert_movement(db, movement)
        movements.append(movement)
    return movements


_INSERT_SQL: dict[tuple[str, str], str] = {}


def insert_movement(db: str, movement: StockMovement) -> None:
    """Insert the unsaved ``movement``: the row ``movement.save()`` inserts, by one statement built once per database.

    ``recorded_at`` is the server's time of the insert, and an empty ``effective_at`` takes that same instant,
    as ``RecordedAtField`` does on save; each value is adapted by its field (``get_db_prep_save``). The ORM's
    save (its INSERT compiled on every call) is used instead when a ``pre_save`` or ``post_save`` receiver is
    connected for movements, so that receivers see every movement saved.
    """
    if pre_save.has_listeners(StockMovement) or post_save.has_listeners(StockMovement):
        movement.save(using=db)
        return
    now = timezone.now()
    movement.recorded_at = now
    if movement.effective_at is None:
        movement.effective_at = now
    connection = connections[db]
    fields = StockMovement._meta.concrete_fields
    sql = _INSERT_SQL.get((db, connection.vendor))
    if sql is None:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(cast(str, field.column)) for field in fields)  # concrete: each has one
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(StockMovement._meta.db_table)} ({columns}) VALUES ({marks})"
        _INSERT_SQL[(db, connection.vendor)] = sql
    values = [field.get_db_prep_save(getattr(movement, field.attname), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
    movement._state.adding = False
    movement._state.db = db


def stored_movements(db: str, service: str, idempotency_key: str | None) -> list[StockMovement] | None:
    """The movements an earlier call of ``service`` wrote with ``idempotency_key``, in order; None if there are none."""
    if idempotency_key is None:
        return None
    found = StockMovement.objects.using(db).filter(idempotency_scope=scope_of(service), idempotency_key=idempotency_key)
    return list(found.order_by("idempotency_line")) or None


def stored_movement(db: str, service: str, idempotency_key: str | None) -> StockMovement | None:
    """The one movement an earlier call of ``service`` wrote with ``idempotency_key``, or None."""
    found = stored_movements(db, service, idempotency_key)
    return found[0] if found else None
