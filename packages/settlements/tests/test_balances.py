"""Balances between two parties and within a group: per currency, never converted, as of any time and as known at
any time, per organization; and the settlements a group is suggested."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_money import Money
from django_settlements import (
    InvalidSettlementError,
    Transfer,
    balance,
    balances,
    cancel_obligation,
    group_balances,
    record_obligation,
    record_payment,
    record_refund,
    reverse_settlement,
    suggest_settlements,
)
from tests.conftest import eur
from tests.testapp.models import Person

pytestmark = pytest.mark.django_db


def test_the_balance_between_two_parties_nets_what_each_owes_the_other(alice, bob):
    record_obligation(debtor=bob, creditor=alice, amount=eur(100))
    record_obligation(debtor=alice, creditor=bob, amount=eur(30))
    record_payment(payer=bob, payee=alice, amount=eur(20))

    assert balance(alice, bob, currency="EUR") == eur(50)
    assert balance(bob, alice, currency="EUR") == eur(-50)
    assert balance(alice, bob, currency="eur") == eur(50)


def test_currencies_are_never_converted(alice, bob):
    record_obligation(debtor=bob, creditor=alice, amount=eur(100))
    record_obligation(debtor=alice, creditor=bob, amount=Money(100, "USD"))
    record_obligation(debtor=alice, creditor=bob, amount=Money(5, "JPY"))
    record_payment(payer=alice, payee=bob, amount=Money(5, "JPY"))

    assert balance(alice, bob, currency="EUR") == eur(100)
    assert balance(alice, bob, currency="USD") == Money(-100, "USD")
    assert balances(alice, bob) == {"EUR": eur(100), "JPY": Money(0, "JPY"), "USD": Money(-100, "USD")}
    assert balance(alice, bob, currency="GBP") == Money(0, "GBP")


def test_a_balance_with_no_dealings_is_zero_and_only_the_two_parties_count(alice, bob, carol):
    record_obligation(debtor=carol, creditor=alice, amount=eur(10))

    assert balance(alice, bob, currency="EUR") == eur(0)
    assert balances(alice, bob) == {}


def test_cancellations_reversals_and_refunds_all_count(alice, bob, manager):
    debt = record_obligation(debtor=bob, creditor=alice, amount=eur(100))
    cancelled = record_obligation(debtor=bob, creditor=alice, amount=eur(40))
    payment = record_payment(payer=bob, payee=alice, amount=eur(60), obligations=[debt])
    record_refund(payment, amount=eur(10))
    bounced = record_payment(payer=bob, payee=alice, amount=eur(5))

    cancel_obligation(cancelled, reason="Duplicate", by=manager)
    reverse_settlement(bounced, reason="Bounced", by=manager)

    assert balance(alice, bob, currency="EUR") == eur(50)


def test_as_of_sees_facts_from_their_effective_time_and_known_at_from_their_record_time(alice, bob, clock):
    start = clock.now
    record_obligation(debtor=bob, creditor=alice, amount=eur(100), effective_at=start - dt.timedelta(days=10))
    clock.advance(days=1)
    recorded = clock.now
    # Recorded a day later, backdated to five days before start.
    record_payment(payer=bob, payee=alice, amount=eur(30), effective_at=start - dt.timedelta(days=5))

    assert balance(alice, bob, currency="EUR", as_of=start - dt.timedelta(days=11)) == eur(0)
    assert balance(alice, bob, currency="EUR", as_of=start - dt.timedelta(days=6)) == eur(100)
    assert balance(alice, bob, currency="EUR", as_of=start) == eur(70)
    # What we believed at start about that moment: the payment was not known yet.
    assert balance(alice, bob, currency="EUR", as_of=start, known_at=start) == eur(100)
    assert balance(alice, bob, currency="EUR", known_at=recorded) == eur(70)
    with pytest.raises(ValueError):
        balance(alice, bob, currency="EUR", as_of=dt.datetime(2026, 1, 1))


def test_balances_can_be_read_per_organization(alice, bob, clinic, pharmacy):
    record_obligation(debtor=bob, creditor=alice, amount=eur(100), org=clinic)
    record_obligation(debtor=bob, creditor=alice, amount=eur(7), org=pharmacy)
    record_obligation(debtor=bob, creditor=alice, amount=eur(1))

    assert balance(alice, bob, currency="EUR") == eur(108)
    assert balance(alice, bob, currency="EUR", org=clinic) == eur(100)
    assert balance(alice, bob, currency="EUR", org=None) == eur(1)


def test_group_balances_count_only_dealings_within_the_group_and_sum_to_zero(alice, bob, carol, clinic):
    record_obligation(debtor=bob, creditor=alice, amount=eur(30))  # dinner: alice paid
    record_obligation(debtor=carol, creditor=alice, amount=eur(30))
    record_obligation(debtor=alice, creditor=bob, amount=eur(12))  # taxi: bob paid
    record_obligation(debtor=carol, creditor=bob, amount=eur(12))
    record_payment(payer=carol, payee=bob, amount=eur(12))
    record_obligation(debtor=alice, creditor=clinic, amount=eur(999))  # outside the group

    nets = group_balances([alice, bob, carol, alice], currency="EUR")

    assert nets == {alice: eur(48), bob: eur(-18), carol: eur(-30)}
    assert sum(money.amount for money in nets.values()) == 0


def test_suggested_settlements_settle_the_group_with_the_fewest_transfers(alice, bob, carol):
    record_obligation(debtor=bob, creditor=alice, amount=eur(10))
    record_obligation(debtor=carol, creditor=bob, amount=eur(10))  # bob is owed what he owes: carol pays alice

    transfers = suggest_settlements([alice, bob, carol], currency="EUR")

    assert transfers == [Transfer(carol, alice, eur("10.00"))]
    for transfer in transfers:
        record_payment(payer=transfer.payer, payee=transfer.payee, amount=transfer.amount)
    assert set(group_balances([alice, bob, carol], currency="EUR").values()) == {eur(0)}


@pytest.mark.parametrize("parties", ["alice", None, [Person(name="unsaved")]])
def test_a_group_of_anything_but_saved_instances_is_refused(alice, parties):
    with pytest.raises(InvalidSettlementError):
        group_balances(alice if parties == "alice" else parties, currency="EUR")


def test_an_unknown_currency_is_refused(alice, bob):
    with pytest.raises(InvalidSettlementError):
        balance(alice, bob, currency="EURO")


def test_a_balance_is_two_queries(alice, bob, carol, django_assert_num_queries):
    record_obligation(debtor=bob, creditor=alice, amount=eur(10))
    record_payment(payer=bob, payee=alice, amount=eur(4))
    group_balances([alice, bob, carol], currency="EUR")  # the content types are cached from here on

    with django_assert_num_queries(2):
        assert balance(alice, bob, currency="EUR") == eur(6)
    with django_assert_num_queries(2):
        group_balances([alice, bob, carol], currency="EUR")
    with django_assert_num_queries(2):
        balances(alice, bob)


class Rollback(Exception):
    pass


debts = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(1, 10_000), st.booleans()), min_size=1, max_size=12
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(debts)
def test_recording_the_suggested_transfers_settles_every_balance_of_the_group(db, facts):
    try:
        with transaction.atomic():
            people = [Person.objects.create(name=name) for name in "wxyz"]
            for debtor, creditor, cents, paid in facts:
                if debtor == creditor:
                    continue
                amount = Money(cents, "EUR") / 100
                if paid:
                    record_payment(payer=people[debtor], payee=people[creditor], amount=amount)
                else:
                    record_obligation(debtor=people[debtor], creditor=people[creditor], amount=amount)
            nets = group_balances(people, currency="EUR")
            assert sum(money.amount for money in nets.values()) == 0
            transfers = suggest_settlements(people, currency="EUR")
            assert len(transfers) <= max(sum(not money.is_zero() for money in nets.values()) - 1, 0)
            for transfer in transfers:
                record_payment(payer=transfer.payer, payee=transfer.payee, amount=transfer.amount)
            assert all(money.is_zero() for money in group_balances(people, currency="EUR").values())
            raise Rollback
    except Rollback:
        pass
