import uuid

import pytest
from django.contrib.auth.models import Permission

from django_decisioning.models import Decision
from django_decisioning.testing import assert_delegation_captured, assert_reversal_preserves_original
from django_stock import (
    InsufficientStockError,
    InvalidMovementError,
    MovementNotReversibleError,
    StockPermissionDeniedError,
    UnknownMovementError,
)
from django_stock.models import StockMovement
from django_stock.selectors import balance
from django_stock.services import issue, receive, reverse_movement, transfer
from tests.testapp.models import Pharmacy, Sale

pytestmark = pytest.mark.django_db


def test_reversing_an_issue_adds_an_opposite_movement_and_restores_stock(store, lot, manager):
    sale = Sale.objects.create(number="S-1")
    receive(location=store, lot=lot, quantity=10)
    [sold] = issue(location=store, lot=lot, quantity=4, reference=sale)

    [reversal] = reverse_movement(movement=sold, reason="wrong patient", by=manager)
    assert (reversal.movement_type, reversal.direction, reversal.quantity) == ("reversal", 1, 4)
    assert reversal.reverses == sold
    assert reversal.reference == sale
    assert sold.reversed_by == reversal
    assert balance(store, lot) == 10


def test_reversal_needs_authority_and_leaves_the_original_untouched(store, lot, manager, user):
    receive(location=store, lot=lot, quantity=10)
    [sold] = issue(location=store, lot=lot, quantity=4)
    assert_reversal_preserves_original(
        sold,
        lambda: reverse_movement(movement=sold, reason="typo", by=manager),
        unauthorized=lambda: reverse_movement(movement=sold, reason="typo", by=user),
        refusal=StockPermissionDeniedError,
    )


def test_a_user_with_the_reverse_permission_may_reverse(store, lot, user):
    user.user_permissions.add(Permission.objects.get(codename="reverse_stockmovement"))
    received = receive(location=store, lot=lot, quantity=3)
    reverse_movement(movement=received, reason="never arrived", by=user)
    assert balance(store, lot) == 0


def test_the_permission_check_can_be_switched_off(store, lot, user, settings):
    settings.STOCK_REVERSE_PERMISSION = None
    received = receive(location=store, lot=lot, quantity=3)
    reverse_movement(movement=received, reason="never arrived", by=user)
    assert balance(store, lot) == 0


def test_the_reversal_is_a_recorded_decision_with_actor_and_principal(store, lot, user, manager):
    pharmacy_owner = Pharmacy.objects.create(name="Central")
    received = receive(location=store, lot=lot, quantity=3)
    [reversal] = reverse_movement(movement=received, reason="duplicate", by=manager, on_behalf_of=pharmacy_owner)

    decision = Decision.objects.for_target(received).get()
    assert (decision.action, decision.outcome) == ("django_stock.reverse_movement", "reversed")
    assert decision.evidence["reason"] == "duplicate"
    assert decision.evidence["reversals"] == [str(reversal.pk)]
    assert_delegation_captured(decision, actor=manager, on_behalf_of=pharmacy_owner)


def test_reversing_a_receive_needs_the_units_to_still_be_there(store, lot, manager):
    received = receive(location=store, lot=lot, quantity=5)
    issue(location=store, lot=lot, quantity=3)
    with pytest.raises(InsufficientStockError) as raised:
        reverse_movement(movement=received, reason="wrong lot", by=manager)
    assert raised.value.available == 2
    assert StockMovement.objects.count() == 2
    assert not Decision.objects.exists()


def test_a_movement_can_be_reversed_only_once(store, lot, manager):
    received = receive(location=store, lot=lot, quantity=5)
    reverse_movement(movement=received, reason="duplicate", by=manager)
    with pytest.raises(MovementNotReversibleError):
        reverse_movement(movement=received.pk, reason="duplicate", by=manager)
    assert balance(store, lot) == 0


def test_a_reversal_cannot_be_reversed(store, lot, manager):
    received = receive(location=store, lot=lot, quantity=5)
    [reversal] = reverse_movement(movement=received, reason="duplicate", by=manager)
    with pytest.raises(MovementNotReversibleError):
        reverse_movement(movement=reversal, reason="undo", by=manager)


def test_reversing_one_leg_of_a_transfer_reverses_both(store, pharmacy, lot, manager):
    receive(location=store, lot=lot, quantity=5)
    out, into = transfer(from_location=store, to_location=pharmacy, lot=lot, quantity=3)
    reversals = reverse_movement(movement=into, reason="sent to the wrong place", by=manager)

    assert [(r.reverses, r.location, r.direction) for r in reversals] == [(into, pharmacy, -1), (out, store, 1)]
    assert (balance(store, lot), balance(pharmacy, lot)) == (5, 0)
    with pytest.raises(MovementNotReversibleError):
        reverse_movement(movement=out, reason="again", by=manager)


def test_a_transfer_cannot_be_reversed_once_its_units_left_the_destination(store, pharmacy, lot, manager):
    receive(location=store, lot=lot, quantity=5)
    out, _ = transfer(from_location=store, to_location=pharmacy, lot=lot, quantity=3)
    issue(location=pharmacy, lot=lot, quantity=1)
    with pytest.raises(InsufficientStockError):
        reverse_movement(movement=out, reason="undo", by=manager)
    assert (balance(store, lot), balance(pharmacy, lot)) == (2, 2)


def test_reversal_needs_a_reason(store, lot, manager):
    received = receive(location=store, lot=lot, quantity=5)
    with pytest.raises(InvalidMovementError):
        reverse_movement(movement=received, reason=" ", by=manager)


def test_reversing_an_unknown_movement_is_refused(manager):
    with pytest.raises(UnknownMovementError):
        reverse_movement(movement=uuid.uuid4(), reason="x", by=manager)
