"""The number of queries of the main writes and reads, fixed so that a change that adds one shows here.

Counted inside the test's transaction (the savepoints of ``transaction.atomic()`` count), with the content types
already cached, as they are in a running site.
"""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from django_settlements import (
    balance,
    cancel_obligation,
    consume_credit,
    credit_in_use,
    group_balances,
    obligations_covered,
    open_amount,
    record_obligation,
    record_payment,
    record_refund,
    release_credit,
    reserve_credit,
    reverse_settlement,
    set_credit_limit,
)
from django_settlements.models import CreditLimit, CreditMovement, Obligation, Settlement
from tests.conftest import eur

pytestmark = pytest.mark.django_db


@pytest.fixture
def warm(alice, bob, wholesaler, pharmacy, manager, user, sale):
    """Content types and permissions cached, as in a running site; two obligations and a limit."""
    debts = [record_obligation(debtor=bob, creditor=alice, amount=eur(10)) for _ in range(2)]
    record_obligation(debtor=bob, creditor=alice, amount=eur(1), reference=sale, by=user)
    limit = set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(100))
    group_balances([alice, bob, wholesaler, pharmacy], currency="EUR")
    manager.has_perm("django_settlements.reverse_settlement")
    for model in (Obligation, Settlement, CreditLimit, CreditMovement):  # the targets of decisions
        ContentType.objects.get_for_model(model)
    return debts, limit


def test_recording_an_obligation(warm, alice, bob, user, django_assert_num_queries):
    with django_assert_num_queries(3):  # savepoint, insert, release
        record_obligation(debtor=bob, creditor=alice, amount=eur(10))
    with django_assert_num_queries(6):  # and the decision, in its own savepoint
        record_obligation(debtor=bob, creditor=alice, amount=eur(10), by=user)


def test_a_payment_over_two_obligations(warm, alice, bob, django_assert_num_queries):
    debts, _ = warm
    # savepoint, lock the obligations, read what is open, insert the payment, its allocations, release
    with django_assert_num_queries(6):
        record_payment(payer=bob, payee=alice, amount=eur(15), obligations=debts)


def test_a_refund_and_a_reversal(warm, alice, bob, manager, django_assert_num_queries):
    debts, _ = warm
    payment = record_payment(payer=bob, payee=alice, amount=eur(15), obligations=debts)
    with django_assert_num_queries(10):
        refund = record_refund(payment, amount=eur(5))
    # savepoint, lock the payment and refund, read the refund, refuse a second reversal, read its allocations,
    # lock their obligations, insert the reversal (savepoint, insert, release), its allocations, the decision
    # (savepoint, insert, release), release
    with django_assert_num_queries(14):
        reverse_settlement(refund, reason="Declined", by=manager)


def test_cancelling_an_obligation(warm, manager, django_assert_num_queries):
    debts, _ = warm
    # savepoint, lock and read the obligation, refuse a second cancellation, insert (savepoint, insert, release),
    # read the two parties for the decision's snapshot, the decision (savepoint, insert, release), release
    with django_assert_num_queries(12):
        cancel_obligation(debts[0], reason="Duplicate", by=manager)


def test_credit_under_a_limit(warm, django_assert_num_queries):
    _, limit = warm
    with django_assert_num_queries(6):  # savepoint, lock the limit, two sums of the credit in use, insert, release
        reservation = reserve_credit(limit, amount=eur(40))
    with django_assert_num_queries(5):
        release_credit(reservation, amount=eur(10))
    with django_assert_num_queries(6):
        consume_credit(reservation, amount=eur(10))


def test_the_main_reads(warm, alice, bob, django_assert_num_queries):
    debts, limit = warm
    with django_assert_num_queries(2):
        balance(alice, bob, currency="EUR")
    with django_assert_num_queries(1):
        open_amount(debts[0])
    with django_assert_num_queries(1):
        obligations_covered(budget=bob, date=dt.date(2026, 4, 1))
    with django_assert_num_queries(2):
        credit_in_use(limit)
