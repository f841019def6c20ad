"""Payments: partial and in several parts, allocated exactly to the minor unit over the obligations they settle."""

import datetime as dt

import pytest

from django_decisioning.models import Decision
from django_money import Money
from django_settlements import (
    CrossOrgSettlementError,
    CurrencyMismatchError,
    InvalidAmountError,
    InvalidSettlementError,
    OverpaymentError,
    PartyMismatchError,
    SettlementKind,
    balance,
    cancel_obligation,
    open_amount,
    open_obligations,
    paid_amount,
    record_obligation,
    record_payment,
)
from django_settlements.models import Allocation, Obligation, Settlement
from tests.conftest import eur

pytestmark = pytest.mark.django_db


def allocated(payment: Settlement) -> dict:
    return {row.obligation_id: row.money for row in payment.allocations.all()}


def test_a_sale_paid_in_several_payments_is_settled_when_they_add_up(alice, clinic, sale):
    bill = record_obligation(debtor=alice, creditor=clinic, amount=eur("120.00"), reference=sale)

    record_payment(payer=alice, payee=clinic, amount=eur("50.00"), obligations=[bill])
    assert open_amount(bill) == eur("70.00")
    record_payment(payer=alice, payee=clinic, amount=eur("45.50"), obligations=[bill])
    record_payment(payer=alice, payee=clinic, amount=eur("24.50"), obligations=[bill])

    assert open_amount(bill) == eur(0)
    assert paid_amount(bill) == eur("120.00")
    assert balance(clinic, alice, currency="EUR") == eur(0)
    assert not open_obligations(debtor=alice).exists()


def test_one_payment_over_several_obligations_is_split_in_proportion_to_the_minor_unit(alice, bob):
    debts = [record_obligation(debtor=bob, creditor=alice, amount=eur(10)) for _ in range(3)]

    payment = record_payment(payer=bob, payee=alice, amount=eur("10.00"), obligations=debts)

    parts = allocated(payment)
    assert sorted(parts.values()) == [eur("3.33"), eur("3.33"), eur("3.34")]
    assert sum(part.amount for part in parts.values()) == payment.amount
    assert parts[debts[0].pk] == eur("3.34")  # the odd cent goes to the first on a tie (Money.allocate)
    assert [open_amount(debt) for debt in debts] == [eur("6.66"), eur("6.67"), eur("6.67")]


def test_proportions_follow_what_is_still_open(alice, bob):
    small = record_obligation(debtor=bob, creditor=alice, amount=eur(100))
    large = record_obligation(debtor=bob, creditor=alice, amount=eur(300))
    record_payment(payer=bob, payee=alice, amount=eur(100), obligations=[large])  # 200 left on large

    payment = record_payment(payer=bob, payee=alice, amount=eur(150), obligations=[small, large])

    assert allocated(payment) == {small.pk: eur(50), large.pk: eur(100)}


def test_by_due_date_the_earliest_due_is_paid_first(alice, bob):
    later = record_obligation(debtor=bob, creditor=alice, amount=eur(100), due_on=dt.date(2026, 5, 1))
    sooner = record_obligation(debtor=bob, creditor=alice, amount=eur(100), due_on=dt.date(2026, 4, 1))

    payment = record_payment(
        payer=bob, payee=alice, amount=eur(150), obligations=[later, sooner], allocation="due_date"
    )

    assert allocated(payment) == {sooner.pk: eur(100), later.pk: eur(50)}


def test_a_payment_without_obligations_is_a_transfer_that_counts_in_the_balance(alice, bob):
    payment = record_payment(payer=bob, payee=alice, amount=eur(25), description="Lunch")

    assert payment.kind == SettlementKind.PAYMENT and not payment.allocations.exists()
    assert balance(alice, bob, currency="EUR") == eur(-25)  # alice now owes bob
    assert balance(bob, alice, currency="EUR") == eur(25)
    assert str(payment) == "payment of 25.00 EUR"


def test_paying_more_than_is_open_is_refused(alice, bob, row_counts):
    debt = record_obligation(debtor=bob, creditor=alice, amount=eur(10))
    record_payment(payer=bob, payee=alice, amount=eur(4), obligations=[debt])
    before = row_counts()

    with pytest.raises(OverpaymentError) as caught:
        record_payment(payer=bob, payee=alice, amount=eur("6.01"), obligations=[debt])

    assert (caught.value.requested, caught.value.open) == (eur("6.01"), eur(6))
    assert row_counts() == before


def test_an_obligation_in_another_currency_is_refused(alice, bob):
    debt = record_obligation(debtor=bob, creditor=alice, amount=Money(10, "USD"))

    with pytest.raises(CurrencyMismatchError) as caught:
        record_payment(payer=bob, payee=alice, amount=eur(10), obligations=[debt])

    assert (caught.value.expected, caught.value.got) == ("EUR", "USD")


def test_an_obligation_of_other_parties_is_refused(alice, bob, carol):
    debt = record_obligation(debtor=carol, creditor=alice, amount=eur(10))

    with pytest.raises(PartyMismatchError):
        record_payment(payer=bob, payee=alice, amount=eur(10), obligations=[debt])
    with pytest.raises(PartyMismatchError):
        record_payment(payer=carol, payee=bob, amount=eur(10), obligations=[debt])
    with pytest.raises(PartyMismatchError):
        record_payment(payer=carol, payee=carol, amount=eur(10))


def test_the_payment_belongs_to_its_obligations_organization(alice, bob, clinic, pharmacy):
    debt = record_obligation(debtor=bob, creditor=alice, amount=eur(10), org=clinic)
    other = record_obligation(debtor=bob, creditor=alice, amount=eur(10), org=pharmacy)

    payment = record_payment(payer=bob, payee=alice, amount=eur(5), obligations=[debt])
    assert payment.org == clinic
    assert record_payment(payer=bob, payee=alice, amount=eur(5), obligations=[debt], org=clinic).org == clinic

    with pytest.raises(CrossOrgSettlementError) as caught:
        record_payment(payer=bob, payee=alice, amount=eur(5), obligations=[debt, other])
    assert len(caught.value.org_keys) == 2
    with pytest.raises(CrossOrgSettlementError):
        record_payment(payer=bob, payee=alice, amount=eur(5), obligations=[other], org=clinic)
    assert record_payment(payer=bob, payee=alice, amount=eur(5), org=pharmacy).org == pharmacy


@pytest.mark.parametrize(
    "obligations",
    ["not a list", "cancellation", "twice", "unsaved"],
)
def test_malformed_obligations_are_refused(alice, bob, manager, obligations, row_counts):
    debt = record_obligation(debtor=bob, creditor=alice, amount=eur(10))
    given = {
        "not a list": debt,
        "cancellation": [
            cancel_obligation(record_obligation(debtor=bob, creditor=alice, amount=eur(3)), reason="x", by=manager)
        ],
        "twice": [debt, debt],
        "unsaved": [type(debt)(amount=1, currency="EUR")],
    }[obligations]
    before = row_counts()

    with pytest.raises(InvalidSettlementError):
        record_payment(payer=bob, payee=alice, amount=eur(1), obligations=given)

    assert row_counts() == before


def test_an_unknown_allocation_rule_and_a_bad_amount_are_refused(alice, bob):
    with pytest.raises(InvalidSettlementError):
        record_payment(payer=bob, payee=alice, amount=eur(1), allocation="largest_first")
    with pytest.raises(InvalidAmountError):
        record_payment(payer=bob, payee=alice, amount=eur("0.001"))


def test_the_decision_records_the_payment_and_its_allocations(alice, bob, user, clinic):
    debt = record_obligation(debtor=bob, creditor=alice, amount=eur(10))

    payment = record_payment(payer=bob, payee=alice, amount=eur(4), obligations=[debt], by=user, on_behalf_of=clinic)

    decision = Decision.objects.for_target(payment).get()
    assert decision.action == "django_settlements.record_payment"
    assert decision.evidence["allocations"] == [{"obligation": str(debt.pk), "amount": "4.00"}]
    assert decision.evidence["payer"]["str"] == "Bob"
    assert payment.created_by == user


def test_allocations_carry_their_direction_and_signed_amount(alice, bob):
    debt = record_obligation(debtor=bob, creditor=alice, amount=eur(10))
    payment = record_payment(payer=bob, payee=alice, amount=eur(4), obligations=[debt])

    [row] = Allocation.objects.filter(settlement=payment)
    assert (row.direction, row.signed_money, str(row)) == (1, eur(4), "+4.00 EUR")
    assert list(Allocation.objects.for_org(None)) == [row]


def test_open_obligations_lists_what_is_left_to_pay_by_due_date(alice, bob, carol):
    first = record_obligation(debtor=bob, creditor=alice, amount=eur(10), due_on=dt.date(2026, 4, 2))
    second = record_obligation(debtor=bob, creditor=alice, amount=Money(7, "USD"), due_on=dt.date(2026, 4, 1))
    paid = record_obligation(debtor=bob, creditor=alice, amount=eur(5), due_on=dt.date(2026, 3, 1))
    record_obligation(debtor=carol, creditor=alice, amount=eur(5))
    record_payment(payer=bob, payee=alice, amount=eur(5), obligations=[paid])

    assert list(open_obligations(debtor=bob)) == [second, first]
    assert list(open_obligations(debtor=bob, currency="EUR", creditor=alice)) == [first]
    assert list(open_obligations(debtor=bob, due_by=dt.date(2026, 4, 1))) == [second]
    with pytest.raises(InvalidSettlementError):
        open_obligations(currency="EURO")
    with pytest.raises(InvalidSettlementError):
        open_obligations(debtor=type(bob)(name="unsaved"))


def test_the_obligations_may_be_a_queryset_and_the_org_defaults_to_theirs(alice, bob, clinic):
    import inspect

    record_obligation(debtor=bob, creditor=alice, amount=eur(10), org=clinic)
    record_obligation(debtor=bob, creditor=alice, amount=eur(10), org=clinic)

    payment = record_payment(
        payer=bob, payee=alice, amount=eur(20), obligations=Obligation.objects.owed_by(bob).order_by("recorded_at")
    )

    assert payment.allocations.count() == 2 and payment.org == clinic
    assert repr(inspect.signature(record_payment).parameters["org"].default) == "<the obligations' organization>"
    with pytest.raises(InvalidSettlementError):
        record_payment(payer=bob, payee=alice, amount=eur(1), obligations={"a": 1})
