"""The database guarantees of ``Meta.guarantees`` on SQLite, PostgreSQL and MariaDB/MySQL: every raw write path that
would rewrite a fact is refused, and so is an insert that breaks a rule the services keep."""

import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction

from django_basemodels.guarantees import AppendOnly, FrozenColumns, RowTrigger, guarantee_problems, guarantees_of
from django_basemodels.testing import assert_write_paths_refused
from django_settlements import (
    ImmutableFactError,
    SettlementKind,
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
from django_settlements import guarantees as sql
from django_settlements.models import Allocation, CreditLimit, CreditMovement, Obligation, Settlement
from tests.conftest import eur

pytestmark = pytest.mark.django_db

EXPECTED_PATHS = {
    "sqlite": {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE", "INSERT OR REPLACE", "REPLACE"},
    "postgresql": {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE"},
    "mysql": {"UPDATE", "DELETE", "INSERT ... ON DUPLICATE KEY UPDATE", "REPLACE"},
}


def either(append_only: str, insert_rule: str) -> str:
    """The refusal of a raw write: the append-only rule, or, for an upsert, the insert rule that fires first
    (a ``BEFORE INSERT`` trigger runs before the conflict is found on PostgreSQL and MariaDB/MySQL)."""
    return f"{re.escape(append_only)}|{re.escape(insert_rule[:100])}"


def declared(model):
    return [(type(guarantee), guarantee.name) for guarantee in guarantees_of(model)]


def refused(message: str):
    """Assert the insert in the block is refused by the database with ``message`` (cut as MariaDB cuts it)."""
    return pytest.raises(IntegrityError, match=message[:100].replace("(", r"\(").replace(")", r"\)"))


def insert(instance):
    with transaction.atomic():
        instance.save()


@pytest.fixture
def bill(alice, clinic):
    return record_obligation(debtor=alice, creditor=clinic, amount=eur(100))


@pytest.fixture
def payment(alice, clinic, bill):
    return record_payment(payer=alice, payee=clinic, amount=eur(60), obligations=[bill])


@pytest.fixture
def limit(wholesaler, pharmacy):
    return set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(100))


def test_the_declared_guarantees_of_every_model():
    assert declared(Obligation) == [(AppendOnly, "append_only"), (RowTrigger, "cancellation_mirrors")]
    assert declared(Settlement) == [(AppendOnly, "append_only"), (RowTrigger, "mirrors_its_original")]
    assert declared(Allocation) == [(AppendOnly, "append_only"), (RowTrigger, "matches_its_settlement")]
    assert declared(CreditMovement) == [(AppendOnly, "append_only"), (RowTrigger, "within_its_reservation")]
    assert declared(CreditLimit) == [(FrozenColumns, "parties_fixed")]


def test_every_declared_guarantee_is_installed_after_migrations():
    assert guarantee_problems() == []


# --- raw UPDATE, DELETE and the statements that replace a row --------------------------------------------


def test_every_raw_write_path_of_an_obligation_and_its_cancellation_is_refused(bill, manager):
    cancellation = cancel_obligation(bill, reason="Duplicate", by=manager)

    for fact in (bill, cancellation):
        paths = assert_write_paths_refused(
            fact,
            changes={"amount": Decimal("1")},
            match=either(sql.OBLIGATION_APPEND_ONLY, sql.CANCELLATION_NOT_A_COPY),
        )
        assert {path.path for path in paths} == EXPECTED_PATHS[connection.vendor]
    assert_write_paths_refused(
        bill,
        changes={"description": "rewritten"},
        match=either(sql.OBLIGATION_APPEND_ONLY, sql.CANCELLATION_NOT_A_COPY),
    )


def test_every_raw_write_path_of_a_payment_refund_and_reversal_is_refused(payment, manager):
    refund = record_refund(payment, amount=eur(10))
    reversal = reverse_settlement(refund, reason="Declined", by=manager)

    for fact in (payment, refund, reversal):
        rule = sql.REFUND_REFUSED if fact.kind == SettlementKind.REFUND else sql.REVERSAL_NOT_A_COPY
        paths = assert_write_paths_refused(
            fact, changes={"amount": Decimal("1")}, match=either(sql.SETTLEMENT_APPEND_ONLY, rule)
        )
        assert {path.path for path in paths} == EXPECTED_PATHS[connection.vendor]


def test_every_raw_write_path_of_an_allocation_is_refused(payment):
    allocation = payment.allocations.get()

    paths = assert_write_paths_refused(
        allocation, changes={"direction": -1}, match=either(sql.ALLOCATION_APPEND_ONLY, sql.ALLOCATION_REFUSED)
    )

    assert {path.path for path in paths} == EXPECTED_PATHS[connection.vendor]


def test_every_raw_write_path_of_a_credit_movement_is_refused(limit):
    reservation = reserve_credit(limit, amount=eur(50))
    consumption = consume_credit(reservation, amount=eur(20))

    for fact in (reservation, consumption):
        paths = assert_write_paths_refused(
            fact, changes={"amount": Decimal("1")}, match=either(sql.CREDIT_MOVEMENT_APPEND_ONLY, sql.MOVEMENT_REFUSED)
        )
        assert {path.path for path in paths} == EXPECTED_PATHS[connection.vendor]


@pytest.mark.parametrize("column", ["currency", "org_key", "debtor_id", "creditor_type_id"])
def test_a_raw_update_of_a_credit_limits_parties_currency_or_organization_is_refused(limit, column, alice):
    person_type = ContentType.objects.get_for_model(alice).pk
    value = {"currency": "USD", "org_key": "another", "debtor_id": "999", "creditor_type_id": person_type}
    assert_write_paths_refused(limit, changes={column: value[column]}, delete=False, match=sql.LIMIT_PARTIES_FIXED)


def test_the_limit_itself_changes(limit):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {CreditLimit._meta.db_table} SET limit_amount = %s WHERE id = %s",
            [Decimal("5"), CreditLimit._meta.pk.get_db_prep_value(limit.pk, connection)],
        )
    assert CreditLimit.objects.get().limit == eur(5)


# --- the ORM refuses too ---------------------------------------------------------------------------------


def test_the_orm_never_saves_a_fact_twice_nor_deletes_or_updates_one(bill, payment):
    allocation = payment.allocations.get()
    for fact in (bill, payment, allocation):
        with pytest.raises(ImmutableFactError):
            fact.save()
        with pytest.raises(ImmutableFactError):
            fact.delete()
        with pytest.raises(ImmutableFactError):
            type(fact).objects.filter(pk=fact.pk).update(amount=1)
        with pytest.raises(ImmutableFactError):
            type(fact).objects.filter(pk=fact.pk).delete()


# --- inserts that break the rules ------------------------------------------------------------------------


def copy_of(obligation: Obligation, **changes) -> Obligation:
    fields = {
        field.attname: getattr(obligation, field.attname)
        for field in Obligation._meta.concrete_fields
        if field.attname not in ("id", "recorded_at", "effective_at", "idempotency_scope", "idempotency_key")
    }
    return Obligation(**{**fields, "reverses_id": obligation.pk, "reason": "x", **changes})


@pytest.mark.parametrize("change", [{"amount": Decimal("99")}, {"currency": "USD"}, {"org_key": "other"}])
def test_a_cancellation_that_is_not_a_copy_is_refused(bill, change):
    with refused(sql.CANCELLATION_NOT_A_COPY):
        insert(copy_of(bill, **change))
    insert(copy_of(bill))  # the exact copy goes in


def test_a_cancellation_of_a_cancellation_is_refused(bill):
    cancellation = copy_of(bill)
    insert(cancellation)

    with refused(sql.CANCELLATION_NOT_A_COPY):
        insert(copy_of(cancellation))


def refund_of(payment: Settlement, amount: str, **changes) -> Settlement:
    return Settlement(
        **{
            "kind": SettlementKind.REFUND,
            "payer_type_id": payment.payee_type_id,
            "payer_id": payment.payee_id,
            "payee_type_id": payment.payer_type_id,
            "payee_id": payment.payer_id,
            "amount": Decimal(amount),
            "currency": payment.currency,
            "refund_of": payment,
            "org_key": payment.org_key,
            **changes,
        }
    )


def test_refunds_beyond_the_payment_are_refused_by_the_database(payment):
    insert(refund_of(payment, "59.99"))

    with refused(sql.REFUND_REFUSED):
        insert(refund_of(payment, "0.02"))
    insert(refund_of(payment, "0.01"))


def test_a_refund_between_other_parties_or_of_a_reversed_payment_is_refused(payment, manager, bob):
    with refused(sql.REFUND_REFUSED):
        insert(refund_of(payment, "1", payee_id=str(bob.pk.hex)))
    with refused(sql.REFUND_REFUSED):
        insert(refund_of(payment, "1", currency="USD"))
    reverse_settlement(payment, reason="Bounced", by=manager)
    with refused(sql.REFUND_REFUSED):
        insert(refund_of(payment, "1"))


def reversal_of(settlement: Settlement, **changes) -> Settlement:
    return Settlement(
        **{
            "kind": SettlementKind.REVERSAL,
            "payer_type_id": settlement.payer_type_id,
            "payer_id": settlement.payer_id,
            "payee_type_id": settlement.payee_type_id,
            "payee_id": settlement.payee_id,
            "amount": settlement.amount,
            "currency": settlement.currency,
            "reverses": settlement,
            "reason": "x",
            "org_key": settlement.org_key,
            **changes,
        }
    )


def test_a_reversal_that_is_not_a_copy_or_of_a_payment_with_refunds_is_refused(payment):
    with refused(sql.REVERSAL_NOT_A_COPY):
        insert(reversal_of(payment, amount=Decimal("1")))
    refund = refund_of(payment, "5")
    insert(refund)
    with refused(sql.REVERSAL_NOT_A_COPY):
        insert(reversal_of(payment))
    insert(reversal_of(refund))
    insert(reversal_of(payment))


def allocation(settlement: Settlement, obligation: Obligation, amount: str, direction: int = 1, **changes):
    return Allocation(
        settlement=settlement,
        obligation=obligation,
        amount=Decimal(amount),
        currency=changes.pop("currency", "EUR"),
        direction=direction,
    )


@pytest.fixture
def bare_payment(alice, clinic):
    """A payment of 50 with no allocation yet."""
    return record_payment(payer=alice, payee=clinic, amount=eur(50))


def test_allocations_that_break_the_rules_are_refused(bare_payment, bill, payment, alice, bob, clinic, manager):
    # bill: 100, 60 of it paid by payment; bare_payment: 50, not allocated.
    stranger = record_obligation(debtor=bob, creditor=clinic, amount=eur(100))
    cancelled = record_obligation(debtor=alice, creditor=clinic, amount=eur(100))
    cancellation = cancel_obligation(cancelled, reason="x", by=manager)
    for wrong in (
        allocation(bare_payment, bill, "40.01"),  # beyond what is open on the obligation
        allocation(bare_payment, stranger, "1"),  # an obligation of another debtor
        allocation(bare_payment, bill, "1", direction=-1),  # a payment never comes back
        allocation(bare_payment, bill, "1", currency="USD"),
        allocation(bare_payment, cancelled, "1"),  # a cancelled obligation takes no payment
        allocation(bare_payment, cancellation, "1"),  # a cancellation is no obligation
    ):
        with refused(sql.ALLOCATION_REFUSED):
            insert(wrong)
    insert(allocation(bare_payment, bill, "40"))
    refund = refund_of(payment, "10")
    insert(refund)
    with refused(sql.ALLOCATION_REFUSED):
        insert(allocation(refund, bill, "10", direction=1))  # a refund comes back
    with refused(sql.ALLOCATION_REFUSED):
        insert(allocation(refund, bill, "10.01", direction=-1))  # beyond the refund
    insert(allocation(refund, bill, "10", direction=-1))


def test_more_allocated_than_the_settlement_is_refused(alice, clinic, bare_payment):
    debts = [record_obligation(debtor=alice, creditor=clinic, amount=eur(30)) for _ in range(2)]
    insert(allocation(bare_payment, debts[0], "30"))

    with refused(sql.ALLOCATION_REFUSED):
        insert(allocation(bare_payment, debts[1], "20.01"))


def test_credit_movements_that_break_the_rules_are_refused(limit, wholesaler, pharmacy):
    reservation = reserve_credit(limit, amount=eur(50))
    release_credit(reservation, amount=eur(20))
    other_limit = set_credit_limit(creditor=pharmacy, debtor=wholesaler, limit=eur(100))
    debt = record_obligation(debtor=pharmacy, creditor=wholesaler, amount=eur(10))

    def movement(**values):
        return CreditMovement(**{"credit_limit": limit, "amount": Decimal(10), "currency": "EUR", **values})

    for wrong in (
        movement(kind="reserve", currency="USD"),
        movement(kind="release", reservation=reservation, amount=Decimal("30.01")),
        movement(kind="release", reservation=reservation, credit_limit=other_limit),
        movement(kind="consume", reservation=reservation, obligation=debt, amount=Decimal(9)),
        movement(
            kind="consume",
            reservation=reservation,
            obligation=record_obligation(debtor=wholesaler, creditor=pharmacy, amount=eur(10)),
        ),
    ):
        with refused(sql.MOVEMENT_REFUSED):
            insert(wrong)
    insert(movement(kind="consume", reservation=reservation, obligation=debt))
