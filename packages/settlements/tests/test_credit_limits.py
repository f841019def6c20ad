"""Credit limits: reserve, release and consume credit; never over the limit; paid debts free credit again."""

import datetime as dt

import pytest

from django_decisioning.models import Decision
from django_money import Money
from django_settlements import (
    CreditLimitExceededError,
    CreditLimitNotPermittedError,
    CreditMovementKind,
    CurrencyMismatchError,
    InvalidAmountError,
    InvalidSettlementError,
    PartyMismatchError,
    ReservationExceededError,
    available_credit,
    cancel_obligation,
    consume_credit,
    credit_in_use,
    open_amount,
    record_payment,
    release_credit,
    remaining_of_reservation,
    reserve_credit,
    set_credit_limit,
)
from django_settlements.models import CreditLimit, CreditMovement
from tests.conftest import eur

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit(wholesaler, pharmacy):
    return set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(1000))


def test_setting_a_limit_creates_it_then_changes_it(wholesaler, pharmacy, manager, clinic):
    created = set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(1000))
    changed = set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(1500), by=manager, on_behalf_of=clinic)

    assert changed.pk == created.pk
    assert CreditLimit.objects.get().limit == eur(1500)
    assert list(CreditLimit.objects.between(creditor=wholesaler, debtor=pharmacy)) == [changed]
    decision = Decision.objects.for_target(changed).get()
    assert (decision.evidence["previous"], decision.evidence["limit"]) == ("1000.0000", "1500.00")
    assert str(changed) == "credit limit of 1500.00 EUR"


def test_one_limit_per_currency_and_organization(wholesaler, pharmacy, clinic):
    set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(1000))
    set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=Money(800, "USD"))
    set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(10), org=clinic)

    assert CreditLimit.objects.count() == 3
    assert CreditLimit.objects.for_org(clinic).get().limit == eur(10)


def test_a_limit_is_zero_or_more_between_two_parties(wholesaler, pharmacy):
    assert set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(0)).limit == eur(0)
    with pytest.raises(InvalidAmountError):
        set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(-1))
    with pytest.raises(PartyMismatchError):
        set_credit_limit(creditor=wholesaler, debtor=wholesaler, limit=eur(1))


def test_reservations_hold_credit_until_the_limit(limit, sale, user):
    first = reserve_credit(limit, amount=eur(600), reference=sale, by=user)
    reserve_credit(limit, amount=eur(400))

    with pytest.raises(CreditLimitExceededError) as caught:
        reserve_credit(limit, amount=eur("0.01"))

    assert (caught.value.requested, caught.value.available, caught.value.limit) == (eur("0.01"), eur(0), eur(1000))
    assert credit_in_use(limit) == eur(1000) and available_credit(limit) == eur(0)
    assert (first.kind, first.reference, first.created_by) == (CreditMovementKind.RESERVE, sale, user)
    assert Decision.objects.for_target(first).get().evidence["in_use_before"] == "0.00"
    assert str(first) == "reserve of 600.00 EUR"


def test_releasing_a_reservation_gives_the_credit_back(limit):
    reservation = reserve_credit(limit, amount=eur(600))

    release_credit(reservation, amount=eur(200), reason="Two boxes fewer")
    assert remaining_of_reservation(reservation) == eur(400)
    release = release_credit(reservation)

    assert (release.kind, release.money, release.reservation) == (CreditMovementKind.RELEASE, eur(400), reservation)
    assert credit_in_use(limit) == eur(0)
    with pytest.raises(ReservationExceededError) as caught:
        release_credit(reservation, amount=eur(1))
    assert (caught.value.requested, caught.value.remaining) == (eur(1), eur(0))
    with pytest.raises(ReservationExceededError):
        release_credit(reservation)


def test_consuming_turns_a_reservation_into_a_debt_that_holds_credit_until_paid(limit, wholesaler, pharmacy, sale):
    reservation = reserve_credit(limit, amount=eur(600), reference=sale)

    consumption = consume_credit(reservation, amount=eur(500), due_on=dt.date(2026, 4, 30), description="Invoice 7")
    release_credit(reservation)

    debt = consumption.obligation
    assert (debt.debtor, debt.creditor, debt.money, debt.reference) == (pharmacy, wholesaler, eur(500), sale)
    assert (debt.due_on, debt.description) == (dt.date(2026, 4, 30), "Invoice 7")
    assert credit_in_use(limit) == eur(500)
    record_payment(payer=pharmacy, payee=wholesaler, amount=eur(300), obligations=[debt])
    assert credit_in_use(limit) == eur(200)
    assert reserve_credit(limit, amount=eur(800)).money == eur(800)
    with pytest.raises(CreditLimitExceededError):
        reserve_credit(limit, amount=eur(1))


def test_a_cancelled_debt_frees_its_credit(limit, manager):
    debt = consume_credit(reserve_credit(limit, amount=eur(700))).obligation

    cancel_obligation(debt, reason="Goods returned", by=manager)

    assert open_amount(debt) == eur(0)
    assert credit_in_use(limit) == eur(0)


def test_a_lowered_limit_stands_and_refuses_reservations_until_use_falls_under_it(limit, wholesaler, pharmacy):
    reservation = reserve_credit(limit, amount=eur(800))
    lowered = set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(500))

    assert available_credit(lowered) == eur(-300)
    with pytest.raises(CreditLimitExceededError) as caught:
        reserve_credit(lowered, amount=eur(1))
    assert caught.value.available == eur(0)
    release_credit(reservation, amount=eur(400))
    assert reserve_credit(lowered, amount=eur(100)).amount == 100


def test_amounts_must_be_in_the_limits_currency(limit):
    with pytest.raises(CurrencyMismatchError):
        reserve_credit(limit, amount=Money(1, "USD"))
    reservation = reserve_credit(limit, amount=eur(10))
    with pytest.raises(CurrencyMismatchError):
        consume_credit(reservation, amount=Money(1, "USD"))


def test_only_a_reservation_is_released_or_consumed(limit, row_counts):
    reservation = reserve_credit(limit, amount=eur(10))
    release = release_credit(reservation, amount=eur(5))
    before = row_counts()

    with pytest.raises(InvalidSettlementError):
        release_credit(release)
    with pytest.raises(InvalidSettlementError):
        consume_credit(reservation, due_on="2026-04-01")
    with pytest.raises(InvalidSettlementError):
        reserve_credit(CreditLimit(), amount=eur(1))
    assert row_counts() == before


def test_the_consumed_debt_belongs_to_the_limits_organization(wholesaler, pharmacy, clinic):
    limit = set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(100), org=clinic)

    debt = consume_credit(reserve_credit(limit, amount=eur(100))).obligation

    assert debt.org == clinic
    assert list(CreditMovement.objects.for_org(clinic).reservations()) == [CreditMovement.objects.reservations().get()]
    assert CreditMovement.objects.open_reservations().count() == 0


def test_setting_a_limit_needs_the_credit_limit_permission(wholesaler, pharmacy, user, manager, row_counts):
    before = row_counts()
    with pytest.raises(CreditLimitNotPermittedError, match=r"django_settlements\.change_creditlimit"):
        set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(1000), by=user, idempotency_key="k")
    assert row_counts() == before

    # The key the refused call named is still free; the system (by=None) is never refused.
    assert set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(1000), by=manager, idempotency_key="k")
    assert set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(900)).limit == eur(900)


def test_the_credit_limit_permission_is_a_setting(settings, wholesaler, pharmacy, user, manager):
    settings.SETTLEMENTS_CREDIT_LIMIT_PERMISSION = None
    assert set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(10), by=user).limit == eur(10)

    settings.SETTLEMENTS_CREDIT_LIMIT_PERMISSION = "django_settlements.reverse_settlement"
    assert set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(20), by=manager).limit == eur(20)
    with pytest.raises(CreditLimitNotPermittedError):
        set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(30), by=user)
