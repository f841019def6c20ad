"""The querysets' filters, and the edges of the services: currencies the columns cannot hold, the unique columns
behind the row locks, decisions of every credit movement."""

import datetime as dt

import pytest

from django_decisioning.models import Decision
from django_money import Money
from django_settlements import (
    AlreadyReversedError,
    InvalidAmountError,
    InvalidSettlementError,
    cancel_obligation,
    consume_credit,
    open_amount,
    open_obligations,
    paid_amount,
    record_obligation,
    record_payment,
    record_refund,
    release_credit,
    reserve_credit,
    reverse_settlement,
    set_credit_limit,
)
from django_settlements.models import Obligation, Settlement
from django_settlements.services import _common, obligations, reversals
from tests.conftest import eur

pytestmark = pytest.mark.django_db


def test_obligation_filters(alice, bob, sale, manager):
    for_sale = record_obligation(debtor=bob, creditor=alice, amount=eur(5), reference=sale)
    other = record_obligation(debtor=alice, creditor=bob, amount=eur(5))
    cancellation = cancel_obligation(other, reason="x", by=manager)

    assert list(Obligation.objects.for_reference(sale)) == [for_sale]
    assert list(Obligation.objects.cancellations()) == [cancellation]
    assert set(Obligation.objects.originals()) == {for_sale, other}
    assert list(Obligation.objects.owed_to(bob).originals()) == [other]


def test_settlement_filters(alice, bob, sale):
    payment = record_payment(payer=bob, payee=alice, amount=eur(5), reference=sale)
    refund = record_refund(payment, amount=eur(1))

    assert list(Settlement.objects.payments()) == [payment]
    assert list(Settlement.objects.refunds()) == [refund]
    assert list(Settlement.objects.paid_by(bob)) == [payment]
    assert list(Settlement.objects.paid_to(bob)) == [refund]
    assert list(Settlement.objects.for_reference(sale)) == [payment]
    assert list(Settlement.objects.window(known_at=payment.recorded_at)) == [payment]


def test_what_is_open_or_paid_as_of_a_time_and_as_known_then(alice, bob, clock):
    debt = record_obligation(debtor=bob, creditor=alice, amount=eur(10))
    created = clock.now
    clock.advance(hours=1)
    record_payment(payer=bob, payee=alice, amount=eur(4), obligations=[debt])

    assert open_amount(debt, as_of=created - dt.timedelta(seconds=1)) == eur(0)  # not in effect yet
    assert open_amount(debt, known_at=created - dt.timedelta(seconds=1)) == eur(0)  # not recorded yet
    assert open_amount(debt, known_at=created) == eur(10)
    assert paid_amount(debt) == eur(4) and paid_amount(debt, as_of=created) == eur(0)
    assert list(open_obligations(debtor=bob, as_of=created)) == [debt]
    assert list(open_obligations(debtor=bob, known_at=created - dt.timedelta(seconds=1))) == []


def test_nothing_is_open_or_paid_on_a_cancellation_or_a_stranger(alice, bob, manager):
    cancellation = cancel_obligation(
        record_obligation(debtor=bob, creditor=alice, amount=eur(1)), reason="x", by=manager
    )

    with pytest.raises(InvalidSettlementError):
        open_amount(cancellation)
    with pytest.raises(InvalidSettlementError):
        paid_amount(alice)


def test_a_currency_with_more_places_than_the_columns_is_refused(alice, bob, settings):
    settings.MONEY_CUSTOM_CURRENCIES = {"SATS": 8}

    with pytest.raises(InvalidAmountError, match="decimal places"):
        record_obligation(debtor=bob, creditor=alice, amount=Money("0.00000001", "SATS"))


def test_no_stored_fact_is_found_without_a_key(alice, bob):
    record_obligation(debtor=bob, creditor=alice, amount=eur(1))

    assert _common.stored(Obligation, "django_settlements.record_obligation", None, "", "default") is None


def test_the_unique_column_refuses_a_second_cancellation_that_got_past_the_check(alice, bob, manager, monkeypatch):
    debt = record_obligation(debtor=bob, creditor=alice, amount=eur(1))
    first = cancel_obligation(debt, reason="First", by=manager)
    real = obligations._refuse_cancelled
    calls = []
    monkeypatch.setattr(
        obligations, "_refuse_cancelled", lambda *args: calls.append(1) or (len(calls) > 1 and real(*args))
    )

    with pytest.raises(AlreadyReversedError) as caught:
        cancel_obligation(debt, reason="Second", by=manager)

    assert caught.value.reversal == first and len(calls) == 2


def test_the_unique_column_refuses_a_second_reversal_that_got_past_the_check(alice, bob, manager, monkeypatch):
    payment = record_payment(payer=bob, payee=alice, amount=eur(1))
    first = reverse_settlement(payment, reason="First", by=manager)
    real = reversals._refuse_reversed
    calls = []
    monkeypatch.setattr(
        reversals, "_refuse_reversed", lambda *args: calls.append(1) or (len(calls) > 1 and real(*args))
    )

    with pytest.raises(AlreadyReversedError) as caught:
        reverse_settlement(payment, reason="Second", by=manager)

    assert caught.value.reversal == first


def test_every_credit_movement_records_its_decision(wholesaler, pharmacy, user, clinic):
    limit = set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(100))
    reservation = reserve_credit(limit, amount=eur(50))

    release = release_credit(reservation, amount=eur(10), by=user, on_behalf_of=clinic)
    consumption = consume_credit(reservation, amount=eur(10), by=user)

    assert Decision.objects.for_target(release).get().action == "django_settlements.release_credit"
    evidence = Decision.objects.for_target(consumption).get().evidence
    assert evidence["obligation"] == str(consumption.obligation_id) and evidence["kind"] == "consume"
