"""The reason a caller gives is capped (``STOCK_MAX_TEXT_LENGTH``) before anything is written.

Movements are insert-only and status changes are recorded as decisions: an oversized reason would
stay for good, so every service refuses it with ``InvalidMovementError`` and writes nothing.
"""

import pytest
from django.test import override_settings

from django_decisioning.models import Decision, IdempotencyKey
from django_stock import InvalidMovementError
from django_stock.checks import check_settings
from django_stock.models import Lot, StockBalance, StockItem, StockMovement
from django_stock.services import (
    adjust,
    block_item,
    block_lot,
    issue,
    recall_lot,
    receive,
    return_stock,
    reverse_movement,
    transfer,
    unblock_item,
    unblock_lot,
)

pytestmark = pytest.mark.django_db

LIMIT = 10_000

# Each service that takes a reason, called on the objects of the ``setting`` fixture.
SERVICES = {
    "receive": lambda s, reason, **kw: receive(location=s["store"], lot=s["lot"], quantity=1, reason=reason, **kw),
    "issue": lambda s, reason, **kw: issue(location=s["store"], lot=s["lot"], quantity=1, reason=reason, **kw),
    "transfer": lambda s, reason, **kw: transfer(
        from_location=s["store"], to_location=s["pharmacy"], lot=s["lot"], quantity=1, reason=reason, **kw
    ),
    "adjust": lambda s, reason, **kw: adjust(
        location=s["store"], lot=s["lot"], quantity=1, direction="out", reason=reason, **kw
    ),
    "return_stock": lambda s, reason, **kw: return_stock(
        location=s["store"], lot=s["lot"], quantity=1, reason=reason, **kw
    ),
    "reverse_movement": lambda s, reason, **kw: reverse_movement(movement=s["received"], reason=reason, by=None, **kw),
    "recall_lot": lambda s, reason, **kw: recall_lot(lot=s["lot"], reason=reason, by=None, remove=True, **kw),
    "block_lot": lambda s, reason, **kw: block_lot(lot=s["lot"], reason=reason, by=None, **kw),
    "unblock_lot": lambda s, reason, **kw: unblock_lot(lot=s["blocked"], reason=reason, by=None, **kw),
    "block_item": lambda s, reason, **kw: block_item(item=s["lot"].item, reason=reason, by=None, **kw),
    "unblock_item": lambda s, reason, **kw: unblock_item(item=s["blocked_item"], reason=reason, by=None, **kw),
}


@pytest.fixture
def setting(store, pharmacy, lot, make_lot):
    """A lot with 10 units in the store (received by one movement) and a blocked lot."""
    received = receive(location=store, lot=lot, quantity=10)
    return {
        "store": store,
        "pharmacy": pharmacy,
        "lot": lot,
        "received": received,
        "blocked": make_lot(status="blocked"),
        "blocked_item": StockItem.objects.create(sku="WITHDRAWN", name="withdrawn", status="blocked"),
    }


def state() -> tuple:
    """Everything a stock service writes: movements, balances, lot statuses, decisions, idempotency keys."""
    return (
        list(StockMovement.objects.order_by("pk").values_list("pk", flat=True)),
        list(StockBalance.objects.order_by("location_id", "lot_id").values_list("location_id", "lot_id", "quantity")),
        list(Lot.objects.order_by("pk").values_list("pk", "status")),
        list(StockItem.objects.order_by("pk").values_list("pk", "status")),
        Decision.objects.count(),
        IdempotencyKey.objects.count(),
    )


def recorded(reason: str) -> bool:
    """Whether ``reason`` was stored on a movement or in a decision's evidence."""
    on_movement = StockMovement.objects.filter(reason=reason).exists()
    return on_movement or any(
        evidence.get("reason") == reason for evidence in Decision.objects.values_list("evidence", flat=True)
    )


@pytest.mark.parametrize("service", SERVICES)
def test_a_reason_at_the_limit_is_recorded(setting, service):
    SERVICES[service](setting, "r" * LIMIT)
    assert recorded("r" * LIMIT)


@pytest.mark.parametrize("service", SERVICES)
def test_a_reason_over_the_limit_is_refused_and_writes_nothing(setting, service):
    before = state()
    with pytest.raises(InvalidMovementError, match="reason has 10,001 characters; at most 10,000"):
        SERVICES[service](setting, "r" * (LIMIT + 1), idempotency_key=f"{service}-1")
    assert state() == before


@pytest.mark.parametrize("service", SERVICES)
def test_the_reason_limit_follows_the_setting(setting, service):
    with override_settings(STOCK_MAX_TEXT_LENGTH=20):
        with pytest.raises(InvalidMovementError):
            SERVICES[service](setting, "r" * 21)
        SERVICES[service](setting, "r" * 20)
    assert recorded("r" * 20)


@pytest.mark.parametrize("value", [0, -1, "10000", 1.5, True, None])
def test_a_limit_that_is_not_a_positive_int_is_an_error(settings, value):
    settings.STOCK_MAX_TEXT_LENGTH = value
    assert [message.id for message in check_settings()] == ["django_stock.E005"]


def test_a_positive_limit_passes_the_checks(settings):
    settings.STOCK_MAX_TEXT_LENGTH = 1
    assert check_settings() == []
