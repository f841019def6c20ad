"""Blocking and unblocking lots and items needs ``STOCK_BLOCK_PERMISSION`` (``django_stock.block_lot``);
the system (``by=None``) is trusted, and ``None`` turns the check off."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from django_decisioning.models import Decision, IdempotencyKey
from django_stock import StockPermissionDeniedError
from django_stock.models import Lot, StockItem, StockMovement
from django_stock.services import block_item, block_lot, unblock_item, unblock_lot

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(make_lot, item):
    """An active lot, a blocked lot, an active item and a blocked item (another one)."""
    blocked_item = StockItem.objects.create(sku="PARA-500", name="Paracetamol 500 mg", unit="tablet")
    StockItem.objects.filter(pk=blocked_item.pk).update(status="blocked")
    return {"lot": make_lot(), "blocked lot": make_lot(status="blocked"), "item": item, "blocked item": blocked_item}


# Each service, the target it changes and the status that target has afterwards.
SERVICES = {
    "block_lot": (lambda t, **kw: block_lot(lot=t["lot"], reason="quality check", **kw), "lot", "blocked"),
    "unblock_lot": (
        lambda t, **kw: unblock_lot(lot=t["blocked lot"], reason="check passed", **kw),
        "blocked lot",
        "active",
    ),
    "block_item": (lambda t, **kw: block_item(item=t["item"], reason="withdrawn", **kw), "item", "blocked"),
    "unblock_item": (
        lambda t, **kw: unblock_item(item=t["blocked item"], reason="reinstated", **kw),
        "blocked item",
        "active",
    ),
}


def statuses():
    """The status of every lot and item."""
    return (
        sorted(Lot.objects.values_list("lot_number", "status")),
        sorted(StockItem.objects.values_list("sku", "status")),
    )


def rows():
    """What a status change could write: lots and items, decisions, idempotency keys (and no movement)."""
    return (statuses(), Decision.objects.count(), IdempotencyKey.objects.count(), StockMovement.objects.count())


def status_of(target):
    return type(target).objects.get(pk=target.pk).status


@pytest.mark.parametrize("service", SERVICES)
def test_a_user_without_the_permission_is_refused_and_nothing_is_written(targets, user, service):
    change, _, _ = SERVICES[service]
    before = rows()

    with pytest.raises(
        StockPermissionDeniedError, match=r"the permission django_stock\.block_lot is required"
    ) as refused:
        change(targets, by=user, idempotency_key=f"{service}-1")

    assert isinstance(refused.value, PermissionDenied)  # an API answers 403
    assert rows() == before


@pytest.mark.parametrize("service", SERVICES)
def test_a_user_with_the_permission_changes_the_status(targets, quality_officer, service):
    change, target, after = SERVICES[service]
    change(targets, by=quality_officer)
    assert status_of(targets[target]) == after
    decision = Decision.objects.for_target(targets[target]).get()
    assert (decision.action, decision.actor) == (f"django_stock.{service}", quality_officer)


@pytest.mark.parametrize("service", SERVICES)
def test_the_system_needs_no_permission(targets, service):
    change, target, after = SERVICES[service]
    change(targets, by=None)
    assert status_of(targets[target]) == after
    assert Decision.objects.for_target(targets[target]).get().actor is None


@pytest.mark.parametrize("service", SERVICES)
def test_the_setting_none_turns_the_check_off(settings, targets, user, service):
    settings.STOCK_BLOCK_PERMISSION = None
    change, target, after = SERVICES[service]
    change(targets, by=user)
    assert status_of(targets[target]) == after


@pytest.mark.parametrize("service", SERVICES)
def test_the_setting_names_the_permission_checked(settings, targets, quality_officer, user, service):
    settings.STOCK_BLOCK_PERMISSION = "django_stock.recall_lot"
    change, target, after = SERVICES[service]
    before = rows()
    with pytest.raises(StockPermissionDeniedError, match=r"the permission django_stock\.recall_lot is required"):
        change(targets, by=quality_officer)
    assert rows() == before

    user.user_permissions.add(Permission.objects.get(content_type__app_label="django_stock", codename="recall_lot"))
    change(targets, by=type(user).objects.get(pk=user.pk))  # read again: no permission cache from before the grant
    assert status_of(targets[target]) == after


@pytest.mark.parametrize("service", SERVICES)
def test_a_refused_call_leaves_its_key_free(targets, user, quality_officer, service):
    """The permission is checked before the key is claimed: had the refused call stored its key, the same key
    with another ``by`` would be an ``IdempotencyConflictError``."""
    change, target, after = SERVICES[service]
    with pytest.raises(StockPermissionDeniedError):
        change(targets, by=user, idempotency_key="status-change-1")

    change(targets, by=quality_officer, idempotency_key="status-change-1")

    assert status_of(targets[target]) == after
    assert IdempotencyKey.objects.count() == 1


def test_the_permission_is_checked_before_the_status(targets, user):
    """A user without the permission learns nothing of the lot's status: refused, not ``InvalidStatusChangeError``."""
    with pytest.raises(StockPermissionDeniedError):
        block_lot(lot=targets["blocked lot"], reason="again", by=user)
    with pytest.raises(StockPermissionDeniedError):
        unblock_item(item=targets["item"], reason="not blocked", by=user)


def test_a_superuser_holds_the_permission(targets, manager):
    block_lot(lot=targets["lot"], reason="quality check", by=manager)
    block_item(item=targets["item"], reason="withdrawn", by=manager)
    assert (status_of(targets["lot"]), status_of(targets["item"])) == ("blocked", "blocked")


def test_the_permission_is_declared_on_lots():
    permission = Permission.objects.get(content_type__app_label="django_stock", codename="block_lot")
    assert (permission.content_type.model, permission.name) == ("lot", "Can block and unblock lots and items")
