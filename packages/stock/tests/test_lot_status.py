import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command

from django_decisioning.models import Decision
from django_stock import (
    InsufficientStockError,
    InvalidMovementError,
    InvalidStatusChangeError,
    LotBlockedError,
    LotExpiredError,
    LotRecalledError,
    StockPermissionDeniedError,
)
from django_stock.models import Lot, StockMovement
from django_stock.selectors import balance
from django_stock.services import (
    block_lot,
    expire_lots,
    issue,
    recall_lot,
    receive,
    return_stock,
    transfer,
    unblock_lot,
)
from tests.conftest import days_from_today

pytestmark = pytest.mark.django_db


def status_of(lot):
    return Lot.objects.get(pk=lot.pk).status


def test_recall_blocks_the_lot_at_every_location(store, pharmacy, make_location, lot, item, manager):
    clinic = make_location("CLINIC")
    receive(location=store, lot=lot, quantity=5)
    receive(location=pharmacy, lot=lot, quantity=5)
    assert recall_lot(lot=lot, reason="contamination", by=manager) == []

    assert status_of(lot) == "recalled"
    for where in (store, pharmacy):
        with pytest.raises(LotRecalledError):
            issue(location=where, lot=lot, quantity=1)
        with pytest.raises(InsufficientStockError):
            issue(location=where, item=item, quantity=1)
    with pytest.raises(LotRecalledError):
        transfer(from_location=store, to_location=clinic, lot=lot, quantity=1)
    with pytest.raises(LotRecalledError):
        receive(location=clinic, lot=lot, quantity=1)
    with pytest.raises(LotRecalledError):
        return_stock(location=clinic, lot=lot, quantity=1)
    assert balance(store, lot) == balance(pharmacy, lot) == 5


def test_recall_with_removal_empties_every_location_holding_the_lot(store, pharmacy, make_location, lot, manager):
    empty = make_location("EMPTY")
    receive(location=store, lot=lot, quantity=5)
    receive(location=pharmacy, lot=lot, quantity=2)
    receive(location=empty, lot=lot, quantity=1)
    issue(location=empty, lot=lot, quantity=1)

    removals = recall_lot(lot=lot, reason="contamination", by=manager, remove=True)
    assert sorted((m.location.code, m.movement_type, m.quantity) for m in removals) == [
        ("PHARMACY", "recall_removal", 2),
        ("STORE", "recall_removal", 5),
    ]
    assert balance(store, lot) == balance(pharmacy, lot) == balance(empty, lot) == 0


def test_recall_is_a_recorded_decision(store, lot, manager):
    receive(location=store, lot=lot, quantity=5)
    recall_lot(lot=lot, reason="contamination", by=manager, remove=True)
    decision = Decision.objects.for_target(lot).get()
    assert (decision.action, decision.outcome, decision.actor) == ("django_stock.recall_lot", "recalled", manager)
    assert decision.evidence == {
        "reason": "contamination",
        "previous_status": "active",
        "removed": [{"location": str(store.pk), "quantity": 5}],
    }


def test_recalling_again_removes_stock_put_back_since(store, lot, manager):
    receive(location=store, lot=lot, quantity=5)
    recall_lot(lot=lot, reason="contamination", by=manager)
    [removal] = recall_lot(lot=lot, reason="now remove", by=manager, remove=True)
    assert removal.quantity == 5
    assert Decision.objects.for_target(lot).count() == 2


def test_recall_needs_the_recall_permission_and_a_reason(lot, user, django_user_model):
    with pytest.raises(StockPermissionDeniedError):
        recall_lot(lot=lot, reason="contamination", by=user)
    with pytest.raises(InvalidMovementError):
        recall_lot(lot=lot, reason="", by=user)
    assert status_of(lot) == "active"
    user.user_permissions.add(Permission.objects.get(codename="recall_lot"))
    recall_lot(lot=lot, reason="contamination", by=django_user_model.objects.get(pk=user.pk))  # fresh perm cache
    assert status_of(lot) == "recalled"


def test_the_system_may_recall_without_a_user(lot):
    recall_lot(lot=lot, reason="regulator notice", by=None)
    assert Decision.objects.for_target(lot).get().actor is None


def test_block_and_unblock_toggle_usability_with_decisions(store, lot, quality_officer):
    receive(location=store, lot=lot, quantity=2)
    blocked = block_lot(lot=lot, reason="quality check", by=quality_officer)
    assert blocked.status == status_of(lot) == "blocked"
    with pytest.raises(LotBlockedError):
        issue(location=store, lot=lot, quantity=1)

    unblock_lot(lot=lot, reason="check passed", by=quality_officer)
    issue(location=store, lot=lot, quantity=1)
    assert list(Decision.objects.for_target(lot).order_by("recorded_at").values_list("outcome", flat=True)) == [
        "blocked",
        "active",
    ]


@pytest.mark.parametrize("status", ["blocked", "recalled", "expired"])
def test_only_an_active_lot_can_be_blocked(make_lot, quality_officer, status):
    with pytest.raises(InvalidStatusChangeError):
        block_lot(lot=make_lot(status=status), reason="x", by=quality_officer)


def test_only_a_blocked_lot_can_be_unblocked(lot, quality_officer):
    with pytest.raises(InvalidStatusChangeError):
        unblock_lot(lot=lot, reason="x", by=quality_officer)


def test_a_blocked_lot_past_its_expiry_cannot_be_unblocked(make_lot, quality_officer):
    lot = make_lot(status="blocked", expires_in=0)
    with pytest.raises(LotExpiredError):
        unblock_lot(lot=lot, reason="x", by=quality_officer)
    assert status_of(lot) == "blocked"
    assert not Decision.objects.exists()


def test_expire_lots_marks_lots_at_or_past_expiry_as_expired(make_lot):
    today, past, future = make_lot(expires_in=0), make_lot(expires_in=-10, status="blocked"), make_lot(expires_in=1)
    recalled, never = make_lot(expires_in=-5, status="recalled"), make_lot(expires_in=None)

    changed = expire_lots()
    assert sorted(lot.pk for lot in changed) == sorted([today.pk, past.pk])
    assert [status_of(lot) for lot in (today, past, future, recalled, never)] == [
        "expired",
        "expired",
        "active",
        "recalled",
        "active",
    ]
    decision = Decision.objects.for_target(today).get()
    assert (decision.action, decision.actor) == ("django_stock.expire_lots", None)


def test_expire_lots_is_idempotent(make_lot):
    make_lot(expires_in=-1)
    assert len(expire_lots()) == 1
    assert expire_lots() == []
    assert Decision.objects.count() == 1


def test_expire_lots_as_of_another_day(make_lot):
    lot = make_lot(expires_in=5)
    assert expire_lots(today=days_from_today(4)) == []
    assert [each.pk for each in expire_lots(today=days_from_today(5))] == [lot.pk]


def test_expire_lots_wants_a_date(make_lot):
    from django.utils import timezone

    with pytest.raises(InvalidMovementError):
        expire_lots(today=timezone.now())


def test_the_command_expires_lots_and_reports_them(make_lot, capsys):
    lot = make_lot(expires_in=-1)
    call_command("stock_expire_lots")
    assert status_of(lot) == "expired"
    output = capsys.readouterr().out
    assert lot.lot_number in output and "1 lot(s) expired" in output
    call_command("stock_expire_lots")
    assert "0 lot(s) expired" in capsys.readouterr().out


def test_the_command_dry_run_changes_nothing(make_lot, capsys):
    lot = make_lot(expires_in=3)
    call_command("stock_expire_lots", "--dry-run", f"--date={days_from_today(3).isoformat()}")
    assert "1 lot(s) would expire" in capsys.readouterr().out
    assert status_of(lot) == "active"
    assert not Decision.objects.exists()


def test_the_command_refuses_a_bad_date():
    with pytest.raises(CommandError):
        call_command("stock_expire_lots", "--date=tomorrow")


def test_expired_lots_leave_fefo_after_the_command(store, make_lot, item):
    soon, later = make_lot(expires_in=2), make_lot(expires_in=100)
    receive(location=store, lot=soon, quantity=1)
    receive(location=store, lot=later, quantity=1)
    expire_lots(today=days_from_today(2))
    [movement] = issue(location=store, item=item, quantity=1)
    assert movement.lot == later
    assert StockMovement.objects.filter(lot=soon).count() == 1
