"""Races with 8 real threads, each on its own connection to PostgreSQL or MariaDB/MySQL: credit never goes over its
limit, refunds never exceed their payment, payments never exceed their obligation, and one key writes once.

Assertions are about outcomes and order, never about how long anything took; waits are bounded only to keep a
broken run from hanging.
"""

import random
from decimal import Decimal

import pytest

from django_basemodels.testing import hold_in_transaction, join_threads, run_concurrently, start_concurrently
from django_basemodels.testing import wait_for_lock_waiters as waiters
from django_money import Money
from django_settlements import (
    AlreadyReversedError,
    CreditLimitExceededError,
    OverpaymentError,
    RefundExceedsPaymentError,
    ReservationExceededError,
    cancel_obligation,
    consume_credit,
    credit_in_use,
    open_amount,
    record_obligation,
    record_payment,
    record_refund,
    refundable_amount,
    release_credit,
    remaining_of_reservation,
    reserve_credit,
    set_credit_limit,
)
from django_settlements.models import CreditLimit, CreditMovement, Obligation, Settlement
from tests.conftest import eur

pytestmark = [pytest.mark.server, pytest.mark.usefixtures("committed_db")]

WORKERS = 8


@pytest.fixture
def limit(wholesaler, pharmacy):
    return set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(1000))


def test_eight_workers_reserving_at_once_never_go_over_the_limit(limit):
    outcomes = run_concurrently(lambda: reserve_credit(limit, amount=eur(150)), workers=WORKERS)

    reserved = [outcome for outcome in outcomes if isinstance(outcome, CreditMovement)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, CreditLimitExceededError)]
    assert (len(reserved), len(refused)) == (6, 2), outcomes
    assert all(error.available == eur(100) for error in refused)
    assert credit_in_use(limit) == eur(900)


def test_reservations_queue_on_the_limit_row(limit):
    held, release, holder = hold_in_transaction(lambda: reserve_credit(limit, amount=eur(100)))
    outcomes, threads = start_concurrently(lambda: reserve_credit(limit, amount=eur(200)), workers=WORKERS)
    waiting = waiters(WORKERS)
    release.set()
    join_threads([holder, *threads])

    assert waiting >= WORKERS, f"only {waiting} reservations waited for the limit's lock"
    assert isinstance(held[0], CreditMovement)
    assert sum(isinstance(outcome, CreditMovement) for outcome in outcomes) == 4  # 100 + 4 * 200 = 900
    assert credit_in_use(limit) == eur(900)


def exposure_never_over(limit) -> bool:
    """Replay the movements in the order they were recorded (under the limit's lock, so in commit order): the credit
    held (what is left of the reservations, plus what they turned into debts, unpaid here) never passes the limit."""
    held = Decimal(0)
    for kind, amount in (
        CreditMovement.objects.filter(credit_limit=limit).order_by("recorded_at").values_list("kind", "amount")
    ):
        held += amount if kind == "reserve" else (-amount if kind == "release" else 0)
        if held > limit.limit_amount:
            return False
    return True


def test_eight_workers_of_random_reserves_releases_and_consumptions_never_go_over_the_limit(limit):
    unexpected = []

    def work(seed):
        rng = random.Random(seed)
        mine = []
        for _ in range(25):
            try:
                if not mine or rng.random() < 0.5:
                    mine.append(reserve_credit(limit, amount=eur(rng.randint(1, 300))))
                else:
                    reservation = rng.choice(mine)
                    left = remaining_of_reservation(reservation)
                    if left.is_zero():
                        continue
                    part = Money(rng.randint(1, int(left.amount)), "EUR")
                    if rng.random() < 0.5:
                        release_credit(reservation, amount=part)
                    else:
                        consume_credit(reservation, amount=part)
            except (CreditLimitExceededError, ReservationExceededError):
                pass
            except Exception as exc:  # a deadlock, a trigger refusal...: collected and asserted on
                unexpected.append(exc)

    run_concurrently([lambda seed=seed: work(seed) for seed in range(WORKERS)])

    assert unexpected == []
    assert exposure_never_over(limit)
    in_use = credit_in_use(limit)
    assert in_use <= eur(1000)
    consumed = sum(Obligation.objects.values_list("amount", flat=True), Decimal(0))
    open_reservations = sum(remaining_of_reservation(r).amount for r in CreditMovement.objects.reservations())
    assert in_use == Money(consumed + open_reservations, "EUR")


def test_payments_of_consumed_debts_racing_with_reservations_keep_the_limit(limit, wholesaler, pharmacy):
    debts = [consume_credit(reserve_credit(limit, amount=eur(100))).obligation for _ in range(5)]  # 500 in use
    payers = [
        lambda debt=debt: record_payment(payer=pharmacy, payee=wholesaler, amount=eur(100), obligations=[debt])
        for debt in debts[:4]
    ]
    reservers = [lambda: reserve_credit(limit, amount=eur(250))] * 4

    outcomes = run_concurrently(payers + reservers)

    assert all(isinstance(outcome, Settlement) for outcome in outcomes[:4]), outcomes
    assert all(isinstance(outcome, (CreditMovement, CreditLimitExceededError)) for outcome in outcomes[4:]), outcomes
    assert credit_in_use(limit) <= eur(1000)


def test_eight_refunds_at_once_never_exceed_the_payment(alice, clinic):
    bill = record_obligation(debtor=alice, creditor=clinic, amount=eur(100))
    payment = record_payment(payer=alice, payee=clinic, amount=eur(100), obligations=[bill])

    outcomes = run_concurrently(lambda: record_refund(payment, amount=eur(30)), workers=WORKERS)

    refunds = [outcome for outcome in outcomes if isinstance(outcome, Settlement)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, RefundExceedsPaymentError)]
    assert (len(refunds), len(refused)) == (3, 5), outcomes
    assert refundable_amount(payment) == eur(10)
    assert open_amount(bill) == eur(90)


def test_eight_payments_at_once_never_exceed_the_obligation(alice, clinic):
    bill = record_obligation(debtor=alice, creditor=clinic, amount=eur(100))

    outcomes = run_concurrently(
        lambda: record_payment(payer=alice, payee=clinic, amount=eur(30), obligations=[bill]), workers=WORKERS
    )

    paid = [outcome for outcome in outcomes if isinstance(outcome, Settlement)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, OverpaymentError)]
    assert (len(paid), len(refused)) == (3, 5), outcomes
    assert open_amount(bill) == eur(10)


def test_payments_over_overlapping_obligations_in_both_orders_do_not_deadlock(alice, clinic):
    bills = [record_obligation(debtor=alice, creditor=clinic, amount=eur(1000)) for _ in range(3)]

    def pay(order):
        return [
            record_payment(payer=alice, payee=clinic, amount=eur(3), obligations=[bills[i] for i in order])
            for _ in range(5)
        ]

    outcomes = run_concurrently([lambda: pay([0, 1, 2]), lambda: pay([2, 1, 0])] * (WORKERS // 2))

    assert all(isinstance(outcome, list) for outcome in outcomes), outcomes
    assert sum(open_amount(bill).amount for bill in bills) == 3000 - 3 * 5 * WORKERS


def test_eight_retries_with_one_key_record_one_payment_and_all_get_it(alice, clinic):
    bill = record_obligation(debtor=alice, creditor=clinic, amount=eur(100))

    outcomes = run_concurrently(
        lambda: record_payment(payer=alice, payee=clinic, amount=eur(40), obligations=[bill], idempotency_key="p-1"),
        workers=WORKERS,
    )

    assert all(isinstance(outcome, Settlement) for outcome in outcomes), outcomes
    assert len({outcome.pk for outcome in outcomes}) == 1
    assert open_amount(bill) == eur(60)


def test_eight_cancellations_at_once_cancel_once(alice, clinic, manager):
    bill = record_obligation(debtor=alice, creditor=clinic, amount=eur(100))

    outcomes = run_concurrently(lambda: cancel_obligation(bill, reason="Voided", by=manager), workers=WORKERS)

    assert sum(isinstance(outcome, Obligation) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, AlreadyReversedError) for outcome in outcomes) == WORKERS - 1


def test_eight_workers_setting_a_new_limit_at_once_make_one_limit(wholesaler, pharmacy):
    amounts = [eur(100 * (index + 1)) for index in range(WORKERS)]

    outcomes = run_concurrently(
        [
            lambda amount=amount: set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=amount)
            for amount in amounts
        ]
    )

    assert len({outcome.pk for outcome in outcomes}) == 1, outcomes
    [limit] = CreditLimit.objects.all()
    assert limit.limit in amounts
