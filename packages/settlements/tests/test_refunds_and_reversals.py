"""Refunds never exceed what was paid; reversals undo a payment or refund with a new fact, under a permission."""

import datetime as dt

import pytest

from django_decisioning.models import Decision
from django_money import Money
from django_settlements import (
    AlreadyReversedError,
    CurrencyMismatchError,
    InvalidSettlementError,
    NotReversibleError,
    RefundExceedsPaymentError,
    ReversalNotPermittedError,
    SettlementKind,
    balance,
    cancel_obligation,
    open_amount,
    paid_amount,
    record_obligation,
    record_payment,
    record_refund,
    refundable_amount,
    reverse_settlement,
)
from django_settlements.models import Settlement
from tests.conftest import eur

pytestmark = pytest.mark.django_db


@pytest.fixture
def bill(alice, clinic):
    return record_obligation(debtor=alice, creditor=clinic, amount=eur("120.00"))


@pytest.fixture
def payment(alice, clinic, bill):
    return record_payment(payer=alice, payee=clinic, amount=eur("80.00"), obligations=[bill])


# --- refunds ---------------------------------------------------------------------------------------------


def test_a_refund_goes_back_to_the_payer_and_reopens_the_obligation(alice, clinic, bill, payment, user):
    refund = record_refund(payment, amount=eur("30.00"), reason="Overcharged", by=user)

    assert refund.kind == SettlementKind.REFUND and refund.refund_of == payment
    assert (refund.payer, refund.payee, refund.money) == (clinic, alice, eur("30.00"))
    assert refund.org_key == payment.org_key and refund.reason == "Overcharged"
    assert refundable_amount(payment) == eur("50.00")
    assert paid_amount(bill) == eur("50.00") and open_amount(bill) == eur("70.00")
    assert balance(clinic, alice, currency="EUR") == eur("70.00")
    assert Decision.objects.for_target(refund).get().evidence["refundable_before"] == "80.00"


def test_refunds_never_exceed_what_was_paid(payment, row_counts):
    record_refund(payment, amount=eur("50.00"))
    record_refund(payment, amount=eur("30.00"))
    before = row_counts()

    with pytest.raises(RefundExceedsPaymentError) as caught:
        record_refund(payment, amount=eur("0.01"))

    assert (caught.value.requested, caught.value.refundable) == (eur("0.01"), eur(0))
    assert row_counts() == before


def test_a_reversed_refund_can_be_refunded_again(payment, manager):
    refund = record_refund(payment, amount=eur("80.00"))
    reverse_settlement(refund, reason="Card declined the refund", by=manager)

    assert refundable_amount(payment) == eur("80.00")
    assert record_refund(payment, amount=eur("80.00")).amount == 80


def test_a_reversed_payment_has_nothing_left_to_refund(payment, manager):
    reverse_settlement(payment, reason="Bounced", by=manager)

    with pytest.raises(RefundExceedsPaymentError, match="reversed"):
        record_refund(payment, amount=eur(1))
    assert refundable_amount(payment) == eur(0)


def test_a_refund_of_a_payment_over_several_obligations_reopens_them_in_proportion(alice, bob):
    debts = [record_obligation(debtor=bob, creditor=alice, amount=eur(amount)) for amount in (10, 20)]
    payment = record_payment(payer=bob, payee=alice, amount=eur(30), obligations=debts)

    refund = record_refund(payment, amount=eur("10.00"))

    parts = {row.obligation_id: row.signed_money for row in refund.allocations.all()}
    assert parts == {debts[0].pk: eur("-3.33"), debts[1].pk: eur("-6.67")}
    assert [open_amount(debt) for debt in debts] == [eur("3.33"), eur("6.67")]


def test_a_refund_may_name_the_obligation_it_reopens(alice, bob):
    debts = [record_obligation(debtor=bob, creditor=alice, amount=eur(amount)) for amount in (10, 20)]
    payment = record_payment(payer=bob, payee=alice, amount=eur(30), obligations=debts)

    record_refund(payment, amount=eur(10), obligation=debts[0])

    assert [open_amount(debt) for debt in debts] == [eur(10), eur(0)]
    with pytest.raises(RefundExceedsPaymentError) as caught:
        record_refund(payment, amount=eur("0.01"), obligation=debts[0])
    assert caught.value.refundable == eur(0)
    stranger = record_obligation(debtor=bob, creditor=alice, amount=eur(5))
    with pytest.raises(RefundExceedsPaymentError):
        record_refund(payment, amount=eur(1), obligation=stranger)


def test_a_refund_of_a_payment_without_obligations_reopens_none(alice, bob):
    advance = record_payment(payer=bob, payee=alice, amount=eur(40))

    refund = record_refund(advance, amount=eur(15))

    assert not refund.allocations.exists()
    assert balance(bob, alice, currency="EUR") == eur(25)
    with pytest.raises(InvalidSettlementError):
        record_refund(advance, amount=eur(1), obligation=record_obligation(debtor=bob, creditor=alice, amount=eur(1)))


def test_only_a_payment_is_refunded_in_its_own_currency(payment, manager):
    refund = record_refund(payment, amount=eur(1))

    with pytest.raises(InvalidSettlementError):
        record_refund(refund, amount=eur(1))
    with pytest.raises(CurrencyMismatchError):
        record_refund(payment, amount=Money(1, "USD"))
    with pytest.raises(InvalidSettlementError):
        refundable_amount(refund)


def test_a_refund_takes_effect_no_earlier_than_its_payment(payment):
    with pytest.raises(InvalidSettlementError):
        record_refund(payment, amount=eur(1), effective_at=payment.effective_at - dt.timedelta(seconds=1))


# --- reversals -------------------------------------------------------------------------------------------


def test_reversing_a_payment_reopens_what_it_paid_and_leaves_it_as_it_was(alice, clinic, bill, payment, manager):
    reversal = reverse_settlement(payment, reason="Cheque bounced", by=manager, on_behalf_of=clinic)

    assert reversal.kind == SettlementKind.REVERSAL and reversal.reverses == payment
    assert (reversal.payer, reversal.payee, reversal.money) == (alice, clinic, payment.money)
    assert [row.signed_money for row in reversal.allocations.all()] == [eur("-80.00")]
    assert open_amount(bill) == eur("120.00")
    assert balance(clinic, alice, currency="EUR") == eur("120.00")
    stored = Settlement.objects.get(pk=payment.pk)
    assert (stored.reason, stored.kind) == ("", SettlementKind.PAYMENT)
    decision = Decision.objects.for_target(payment).get()
    assert (decision.action, decision.on_behalf_of) == ("django_settlements.reverse_settlement", clinic)
    assert decision.evidence["allocations"][0]["amount"] == "80.0000"
    assert list(Settlement.objects.standing()) == []
    assert list(Settlement.objects.reversals()) == [reversal]


def test_reversing_a_refund_pays_the_obligation_again(bill, payment, manager):
    refund = record_refund(payment, amount=eur(20))

    reverse_settlement(refund, reason="Refund never left", by=manager)

    assert open_amount(bill) == eur(40)
    assert list(Settlement.objects.refunds().standing()) == []


def test_a_payment_is_reversed_once_its_refunds_are(payment, manager):
    refund = record_refund(payment, amount=eur(20))

    with pytest.raises(NotReversibleError):
        reverse_settlement(payment, reason="Bounced", by=manager)

    reverse_settlement(refund, reason="Undo", by=manager)
    assert reverse_settlement(payment, reason="Bounced", by=manager).reverses == payment


def test_a_settlement_is_reversed_once_and_a_reversal_never(payment, manager):
    reversal = reverse_settlement(payment, reason="Once", by=manager)

    with pytest.raises(AlreadyReversedError) as caught:
        reverse_settlement(payment, reason="Twice", by=manager)
    assert (caught.value.original, caught.value.reversal) == (payment, reversal)
    with pytest.raises(NotReversibleError):
        reverse_settlement(reversal, reason="Undo", by=manager)


def test_reversing_needs_the_permission_and_a_reason(payment, user, manager, row_counts):
    before = row_counts()
    with pytest.raises(ReversalNotPermittedError):
        reverse_settlement(payment, reason="No", by=user)
    with pytest.raises(InvalidSettlementError):
        reverse_settlement(payment, reason="", by=manager)
    assert row_counts() == before


def test_a_reversal_may_take_effect_later_than_now_but_not_before_the_original(clock, payment, manager, bill):
    with pytest.raises(InvalidSettlementError):
        reverse_settlement(payment, reason="x", by=manager, effective_at=payment.effective_at - dt.timedelta(days=1))

    bounced = clock.now + dt.timedelta(days=3)
    reverse_settlement(payment, reason="Bounces in three days", by=manager, effective_at=bounced)

    assert open_amount(bill, as_of=clock.now) == eur(40)
    assert open_amount(bill, as_of=bounced) == eur(120)
    assert open_amount(bill) == eur(120)  # without as_of: every recorded fact, future-dated ones too


def test_a_future_payment_is_undone_from_its_own_effective_time(alice, clinic, manager, clock):
    next_week = clock.now + dt.timedelta(days=7)
    payment = record_payment(payer=alice, payee=clinic, amount=eur(10), effective_at=next_week)

    reversal = reverse_settlement(payment, reason="Cancelled standing order", by=manager)
    cancellation = cancel_obligation(
        record_obligation(debtor=alice, creditor=clinic, amount=eur(3), effective_at=next_week),
        reason="Cancelled",
        by=manager,
    )

    assert reversal.effective_at == cancellation.effective_at == next_week
    assert balance(clinic, alice, currency="EUR", as_of=next_week) == eur(0)
