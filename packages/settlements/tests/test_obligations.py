"""Recording obligations (who owes whom how much, for what, due when) and cancelling them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from django_decisioning.models import Decision
from django_money import Money
from django_settlements import (
    AlreadyReversedError,
    InvalidAmountError,
    InvalidSettlementError,
    NotReversibleError,
    ObligationCancelledError,
    PartyMismatchError,
    ReversalNotPermittedError,
    balance,
    cancel_obligation,
    open_amount,
    record_obligation,
    record_payment,
)
from django_settlements.models import Obligation
from tests.conftest import eur
from tests.testapp.models import Shop

pytestmark = pytest.mark.django_db


def test_an_obligation_records_its_parties_amount_reference_and_due_date(alice, bob, sale):
    obligation = record_obligation(
        debtor=bob, creditor=alice, amount=eur("120.00"), due_on=dt.date(2026, 4, 1), reference=sale, description="X"
    )

    stored = Obligation.objects.get(pk=obligation.pk)
    assert (stored.debtor, stored.creditor, stored.reference) == (bob, alice, sale)
    assert stored.money == eur("120.00")
    assert (stored.due_on, stored.description, stored.org_key) == (dt.date(2026, 4, 1), "X", "")
    assert stored.recorded_at is not None and stored.effective_at == stored.recorded_at
    assert not stored.is_cancellation
    assert str(stored) == "120.00 EUR due 2026-04-01"


def test_the_due_date_defaults_to_the_day_it_takes_effect_in_the_current_time_zone(alice, bob):
    late_evening = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.timezone.utc)  # already 2 March in Paris

    obligation = record_obligation(debtor=bob, creditor=alice, amount=eur(5), effective_at=late_evening)

    assert obligation.due_on == dt.date(2026, 3, 2)
    assert obligation.effective_at == late_evening


@pytest.mark.parametrize("make", ["person", "company", "shop"])
def test_any_model_is_a_party(make, alice, clinic, shop):
    party = {"person": alice, "company": clinic, "shop": shop}[make]
    other = Shop.objects.create(code="OPS")  # differs from "ops" only in case: another party

    obligation = record_obligation(debtor=party, creditor=other, amount=eur(1))

    assert Obligation.objects.get(pk=obligation.pk).debtor == party
    assert Obligation.objects.owed_by(party).get() == obligation
    assert Obligation.objects.owed_to(other).get() == obligation


def test_without_by_or_on_behalf_of_no_decision_is_recorded(alice, bob):
    record_obligation(debtor=bob, creditor=alice, amount=eur(1))

    assert not Decision.objects.exists()


def test_the_decision_keeps_who_recorded_what(alice, bob, user, clinic):
    obligation = record_obligation(debtor=bob, creditor=alice, amount=eur("9.99"), by=user, on_behalf_of=clinic)

    decision = Decision.objects.for_target(obligation).get()
    assert decision.action == "django_settlements.record_obligation"
    assert (decision.actor, decision.on_behalf_of) == (user, clinic)
    assert decision.evidence["amount"] == "9.99"
    assert decision.evidence["debtor"]["str"] == "Bob"
    assert obligation.created_by == user


@pytest.mark.parametrize(
    "amount",
    [Decimal("10"), 10, 10.0, Money(0, "EUR"), Money(-5, "EUR"), Money("1.005", "EUR"), Money(10**15, "EUR")],
)
def test_an_amount_that_is_not_a_positive_money_in_minor_units_is_refused(alice, bob, amount, row_counts):
    before = row_counts()
    with pytest.raises(InvalidAmountError):
        record_obligation(debtor=bob, creditor=alice, amount=amount)
    assert row_counts() == before


def test_a_party_cannot_owe_itself(alice):
    with pytest.raises(PartyMismatchError):
        record_obligation(debtor=alice, creditor=alice, amount=eur(1))


@pytest.mark.parametrize(
    "arguments",
    [
        {"debtor": None},
        {"reference": Shop(code="unsaved")},
        {"effective_at": dt.datetime(2026, 1, 1)},
        {"due_on": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)},
        {"description": "x" * 256},
        {"description": 5},
        {"org": ""},
        {"idempotency_key": ""},
        {"by": "clerk"},
    ],
)
def test_malformed_arguments_are_refused_before_anything_is_written(alice, bob, arguments, row_counts):
    before = row_counts()
    with pytest.raises(InvalidSettlementError):
        record_obligation(**{"debtor": bob, "creditor": alice, "amount": eur(1), **arguments})
    assert row_counts() == before


def test_an_obligation_belongs_to_an_organization(alice, bob, clinic):
    obligation = record_obligation(debtor=bob, creditor=alice, amount=eur(1), org=clinic)

    assert obligation.org == clinic
    assert list(Obligation.objects.for_org(clinic)) == [obligation]
    assert not Obligation.objects.for_org(None).exists()


# --- cancellation ----------------------------------------------------------------------------------------


def test_cancelling_writes_a_copy_that_reverses_it_and_leaves_the_original_as_it_was(alice, bob, manager, clinic):
    obligation = record_obligation(debtor=bob, creditor=alice, amount=eur(40))

    cancellation = cancel_obligation(obligation, reason="Entered twice", by=manager, on_behalf_of=clinic)

    assert cancellation.reverses == obligation and cancellation.is_cancellation
    assert (cancellation.debtor, cancellation.creditor, cancellation.money) == (bob, alice, obligation.money)
    assert cancellation.reason == "Entered twice"
    assert Obligation.objects.get(pk=obligation.pk).reason == ""
    assert open_amount(obligation) == eur(0)
    assert balance(alice, bob, currency="EUR") == eur(0)
    decision = Decision.objects.for_target(obligation).get()
    assert decision.action == "django_settlements.cancel_obligation"
    assert decision.evidence["reason"] == "Entered twice"
    assert str(cancellation).startswith("cancellation of ")


def test_cancelling_needs_the_reverse_permission(alice, bob, user, row_counts):
    obligation = record_obligation(debtor=bob, creditor=alice, amount=eur(40))
    before = row_counts()

    with pytest.raises(ReversalNotPermittedError):
        cancel_obligation(obligation, reason="No", by=user)

    assert row_counts() == before


def test_the_system_and_a_site_without_the_permission_setting_may_cancel(alice, bob, user, settings):
    first = record_obligation(debtor=bob, creditor=alice, amount=eur(1))
    second = record_obligation(debtor=bob, creditor=alice, amount=eur(2))

    assert cancel_obligation(first, reason="System", by=None).reverses == first
    settings.SETTLEMENTS_REVERSE_PERMISSION = None
    assert cancel_obligation(second, reason="Anyone", by=user).reverses == second


def test_an_obligation_is_cancelled_once(alice, bob, manager):
    obligation = record_obligation(debtor=bob, creditor=alice, amount=eur(40))
    cancellation = cancel_obligation(obligation, reason="Once", by=manager)

    with pytest.raises(AlreadyReversedError) as caught:
        cancel_obligation(obligation, reason="Twice", by=manager)

    assert caught.value.reversal == cancellation
    with pytest.raises(NotReversibleError):
        cancel_obligation(cancellation, reason="Undo the undo", by=manager)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_cancellation_needs_a_reason(alice, bob, manager, reason):
    obligation = record_obligation(debtor=bob, creditor=alice, amount=eur(40))

    with pytest.raises(InvalidSettlementError):
        cancel_obligation(obligation, reason=reason, by=manager)


def test_a_cancellation_takes_effect_no_earlier_than_the_obligation(alice, bob, manager, clock):
    obligation = record_obligation(debtor=bob, creditor=alice, amount=eur(40))

    with pytest.raises(InvalidSettlementError):
        cancel_obligation(obligation, reason="Too early", by=manager, effective_at=clock.now - dt.timedelta(seconds=1))

    later = clock.now + dt.timedelta(days=2)
    cancellation = cancel_obligation(obligation, reason="Later", by=manager, effective_at=later)
    assert cancellation.effective_at == later
    assert open_amount(obligation, as_of=later - dt.timedelta(microseconds=1)) == eur(40)
    assert open_amount(obligation, as_of=later) == eur(0)


def test_a_cancelled_obligation_takes_no_payment_and_what_was_paid_becomes_owed_back(alice, bob, manager):
    obligation = record_obligation(debtor=bob, creditor=alice, amount=eur(40))
    record_payment(payer=bob, payee=alice, amount=eur(15), obligations=[obligation])
    cancel_obligation(obligation, reason="Returned", by=manager)

    with pytest.raises(ObligationCancelledError) as caught:
        record_payment(payer=bob, payee=alice, amount=eur(5), obligations=[obligation])

    assert caught.value.obligation == obligation
    assert balance(alice, bob, currency="EUR") == eur(-15)  # alice owes bob what he paid


def test_the_cancellation_copies_the_original_time_semantics(alice, bob, manager, clock):
    yesterday = timezone.now() - dt.timedelta(days=1)
    obligation = record_obligation(debtor=bob, creditor=alice, amount=eur(40), effective_at=yesterday)
    clock.advance(hours=1)

    cancellation = cancel_obligation(obligation, reason="Wrong", by=manager)

    assert cancellation.effective_at == cancellation.recorded_at == clock.now
    assert cancellation.due_on == obligation.due_on
