"""Every decision surface runs once per idempotency key: a repeat returns the first fact, another request with the
key is refused, and the key stored on the fact keeps a retry from writing twice after decisioning's row is gone."""

import pytest

from django_decisioning.exceptions import IdempotencyConflictError
from django_decisioning.models import IdempotencyKey
from django_settlements import (
    IdempotencyKeyReusedError,
    cancel_obligation,
    consume_credit,
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


def purge_keys():
    IdempotencyKey.objects.all().delete()


@pytest.fixture
def surfaces(alice, bob, clinic, wholesaler, pharmacy, manager):
    """For each surface: a call taking the key and a variant (another request), and the facts it writes."""
    bill = record_obligation(debtor=alice, creditor=clinic, amount=eur(100))
    payment = record_payment(payer=alice, payee=clinic, amount=eur(60), obligations=[bill])
    refund_to_reverse = record_refund(payment, amount=eur(5))
    limit = set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(1000))
    reservation = reserve_credit(limit, amount=eur(300))
    return {
        "record_obligation": (
            lambda key: record_obligation(debtor=bob, creditor=alice, amount=eur(10), idempotency_key=key),
            lambda key: record_obligation(debtor=bob, creditor=alice, amount=eur(11), idempotency_key=key),
            Obligation,
        ),
        "cancel_obligation": (
            lambda key: cancel_obligation(bill, reason="Duplicate", by=manager, idempotency_key=key),
            lambda key: cancel_obligation(bill, reason="Other reason", by=manager, idempotency_key=key),
            Obligation,
        ),
        "record_payment": (
            lambda key: record_payment(
                payer=alice, payee=clinic, amount=eur(10), obligations=[bill], idempotency_key=key
            ),
            lambda key: record_payment(
                payer=alice, payee=clinic, amount=eur(9), obligations=[bill], idempotency_key=key
            ),
            Settlement,
        ),
        "record_refund": (
            lambda key: record_refund(payment, amount=eur(10), idempotency_key=key),
            lambda key: record_refund(payment, amount=eur(11), idempotency_key=key),
            Settlement,
        ),
        "reverse_settlement": (
            lambda key: reverse_settlement(refund_to_reverse, reason="Declined", by=manager, idempotency_key=key),
            lambda key: reverse_settlement(refund_to_reverse, reason="Other", by=manager, idempotency_key=key),
            Settlement,
        ),
        "reserve_credit": (
            lambda key: reserve_credit(limit, amount=eur(10), idempotency_key=key),
            lambda key: reserve_credit(limit, amount=eur(20), idempotency_key=key),
            CreditMovement,
        ),
        "release_credit": (
            lambda key: release_credit(reservation, amount=eur(10), idempotency_key=key),
            lambda key: release_credit(reservation, amount=eur(20), idempotency_key=key),
            CreditMovement,
        ),
        "consume_credit": (
            lambda key: consume_credit(reservation, amount=eur(10), idempotency_key=key),
            lambda key: consume_credit(reservation, amount=eur(20), idempotency_key=key),
            CreditMovement,
        ),
    }


SURFACES = [
    "record_obligation",
    "cancel_obligation",
    "record_payment",
    "record_refund",
    "reverse_settlement",
    "reserve_credit",
    "release_credit",
    "consume_credit",
]


@pytest.mark.parametrize("surface", SURFACES)
def test_a_repeat_returns_the_first_fact_and_writes_nothing(surfaces, surface, row_counts):
    call, _, model = surfaces[surface]
    first = call("key-1")
    before = row_counts()

    again = call("key-1")

    assert again == first and isinstance(again, model)
    assert row_counts() == before
    assert first.idempotency_key == "key-1" and first.idempotency_scope == f"django_settlements.{surface}"


@pytest.mark.parametrize("surface", SURFACES)
def test_the_key_of_another_request_is_refused(surfaces, surface, row_counts):
    call, other, _ = surfaces[surface]
    call("key-1")
    before = row_counts()

    with pytest.raises(IdempotencyKeyReusedError) as caught:
        other("key-1")

    assert isinstance(caught.value, IdempotencyConflictError)
    assert (caught.value.scope, caught.value.key) == (f"django_settlements.{surface}", "key-1")
    assert row_counts() == before


@pytest.mark.parametrize("surface", SURFACES)
def test_after_the_key_row_is_purged_a_retry_finds_the_stored_fact(surfaces, surface, row_counts):
    call, other, _ = surfaces[surface]
    first = call("key-1")
    purge_keys()
    before = row_counts()

    assert call("key-1") == first
    assert {name: count for name, count in row_counts().items() if name != "IdempotencyKey"} == {
        name: count for name, count in before.items() if name != "IdempotencyKey"
    }
    purge_keys()
    with pytest.raises(IdempotencyKeyReusedError):
        other("key-1")


def test_without_a_key_every_call_writes(alice, bob):
    record_obligation(debtor=bob, creditor=alice, amount=eur(1))
    record_obligation(debtor=bob, creditor=alice, amount=eur(1))

    assert Obligation.objects.count() == 2 and not IdempotencyKey.objects.exists()


def test_a_key_means_the_same_amount_however_it_is_written(alice, bob):
    first = record_obligation(debtor=bob, creditor=alice, amount=eur("10"), idempotency_key="k")

    assert record_obligation(debtor=bob, creditor=alice, amount=eur("10.00"), idempotency_key="k") == first


def test_setting_a_limit_twice_with_one_key_changes_it_once(wholesaler, pharmacy, manager):
    first = set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(10), by=manager, idempotency_key="k")
    set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(20))

    again = set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(10), by=manager, idempotency_key="k")

    assert again == first and CreditLimit.objects.get().limit == eur(20)
    with pytest.raises(IdempotencyKeyReusedError):
        set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(30), by=manager, idempotency_key="k")


def test_keys_are_per_service(alice, bob):
    obligation = record_obligation(debtor=bob, creditor=alice, amount=eur(10), idempotency_key="shared")
    payment = record_payment(payer=bob, payee=alice, amount=eur(10), idempotency_key="shared")

    assert obligation.idempotency_key == payment.idempotency_key == "shared"
