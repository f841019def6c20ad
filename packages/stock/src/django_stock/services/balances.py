"""Repair of the derived balance rows from the movements (``stock_balances --rebuild``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connections, transaction

from django_basemodels.tenancy import ANY_ORG
from django_basemodels.transactions import retry_on_deadlock
from django_stock.models import StockBalance
from django_stock.services._validation import database

if TYPE_CHECKING:
    from django_stock.querysets import OrgFilter


def rebuild_balances(*, org: OrgFilter = ANY_ORG) -> list[tuple[Any, Any, int, int]]:
    """Rewrite every balance row that differs from the signed sum of its movements; return the differences.

    ``org`` limits the repair to the locations of one organization (``None``: of no organization); by
    default, ``ANY_ORG``, every location.

    Each difference is ``(location_id, lot_id, old row quantity, sum of movements)``. No movement
    is inserted meanwhile: on PostgreSQL the balance table is locked (``EXCLUSIVE``) for the duration;
    on MariaDB/MySQL every balance row is locked (``FOR UPDATE``, which also locks the gaps between
    them, so no row is created either), before the first read; SQLite serialises writers anyway.
    Call it outside a transaction (as ``stock_balances --rebuild`` does), so that it reads the movements
    committed by then. Raises ``IntegrityError`` if the movements of a pair sum to less than zero (the
    CHECK refuses the row): investigate by hand.
    """
    db = database()
    return retry_on_deadlock(lambda: _rebuild_balances(db, org), using=db)()


def _rebuild_balances(db: str, org: OrgFilter) -> list[tuple[Any, Any, int, int]]:
    from django_stock.selectors import balances_differing_from_movements

    with transaction.atomic(using=db):
        connection = connections[db]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {StockBalance._meta.db_table} IN EXCLUSIVE MODE")
        elif connection.vendor == "mysql":
            # LOCK TABLES would commit the transaction: a locking read of the whole table instead.
            list(StockBalance.objects.using(db).select_for_update().order_by("pk").values_list("pk", flat=True))
        differences = balances_differing_from_movements(org=org, using=db)
        for location, lot, _, expected in differences:
            StockBalance.objects.using(db).update_or_create(
                location_id=location, lot_id=lot, defaults={"quantity": expected}
            )
    return differences
