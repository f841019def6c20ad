"""``obligations_covered(*, budget, date)``, the function django-budget's ``BUDGET_OBLIGATIONS_COVERED`` points at."""

import datetime as dt

import pytest
from django.utils import timezone

from django_settlements import (
    InvalidSettlementError,
    SettlementsConfigurationError,
    cancel_obligation,
    obligations_covered,
    record_obligation,
    record_payment,
)
from tests.conftest import eur
from tests.testapp.models import Person

pytestmark = pytest.mark.django_db

APRIL_1 = dt.date(2026, 4, 1)


class Budget:
    """A stand-in for django_budget's Budget (which this package never imports): any object the hook is given."""

    def __init__(self, owner):
        self.owner = owner


def owner_of(budget):
    return budget.owner


@pytest.fixture
def household(db):
    return Person.objects.create(name="Household")


@pytest.fixture
def landlord(db):
    return Person.objects.create(name="Landlord")


def end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59, 999999)))


def test_nothing_owed_is_covered(household):
    assert obligations_covered(budget=household, date=APRIL_1) is True


def test_an_open_obligation_due_by_the_date_is_not_covered(household, landlord):
    record_obligation(
        debtor=household,
        creditor=landlord,
        amount=eur(900),
        due_on=APRIL_1,
        effective_at=end_of(APRIL_1 - dt.timedelta(days=20)),
    )

    assert obligations_covered(budget=household, date=APRIL_1) is False
    assert obligations_covered(budget=household, date=APRIL_1 - dt.timedelta(days=1)) is True  # not due yet


def test_paying_it_covers_it_from_the_day_of_the_payment(household, landlord):
    rent = record_obligation(
        debtor=household, creditor=landlord, amount=eur(900), due_on=APRIL_1, effective_at=end_of(dt.date(2026, 3, 1))
    )
    record_payment(payer=household, payee=landlord, amount=eur(899), obligations=[rent], effective_at=end_of(APRIL_1))
    assert obligations_covered(budget=household, date=APRIL_1) is False  # one euro still open

    record_payment(
        payer=household, payee=landlord, amount=eur(1), obligations=[rent], effective_at=end_of(dt.date(2026, 4, 3))
    )

    assert obligations_covered(budget=household, date=dt.date(2026, 4, 2)) is False  # paid in full only on the 3rd
    assert obligations_covered(budget=household, date=dt.date(2026, 4, 3)) is True


def test_a_cancelled_obligation_is_covered(household, landlord, manager):
    rent = record_obligation(
        debtor=household, creditor=landlord, amount=eur(900), due_on=APRIL_1, effective_at=end_of(dt.date(2026, 3, 1))
    )

    cancel_obligation(rent, reason="Rent waived", by=manager, effective_at=end_of(dt.date(2026, 3, 15)))

    assert obligations_covered(budget=household, date=APRIL_1) is True


def test_what_others_owe_and_what_the_debtor_is_owed_do_not_count(household, landlord, alice):
    record_obligation(
        debtor=alice, creditor=landlord, amount=eur(5), due_on=APRIL_1, effective_at=end_of(dt.date(2026, 3, 1))
    )
    record_obligation(
        debtor=landlord, creditor=household, amount=eur(5), due_on=APRIL_1, effective_at=end_of(dt.date(2026, 3, 1))
    )

    assert obligations_covered(budget=household, date=APRIL_1) is True


def test_a_debt_that_arises_after_the_date_does_not_count_for_it(household, landlord):
    record_obligation(
        debtor=household, creditor=landlord, amount=eur(5), due_on=APRIL_1, effective_at=end_of(dt.date(2026, 4, 5))
    )

    assert obligations_covered(budget=household, date=APRIL_1) is True
    assert obligations_covered(budget=household, date=dt.date(2026, 4, 5)) is False


def test_a_setting_names_the_debtor_of_a_budget(household, landlord, settings, django_assert_num_queries):
    settings.SETTLEMENTS_BUDGET_DEBTOR = "tests.test_obligations_covered.owner_of"
    record_obligation(
        debtor=household, creditor=landlord, amount=eur(9), due_on=APRIL_1, effective_at=end_of(dt.date(2026, 3, 1))
    )
    budget = Budget(owner=household)
    obligations_covered(budget=budget, date=APRIL_1)

    with django_assert_num_queries(1):
        assert obligations_covered(budget=budget, date=APRIL_1) is False
    assert obligations_covered(budget=Budget(owner=landlord), date=APRIL_1) is True


@pytest.mark.parametrize(
    "setting",
    ["tests.test_obligations_covered.nowhere", "no.such.module", "tests.test_obligations_covered.APRIL_1", 42],
)
def test_a_setting_that_names_no_callable_is_a_configuration_error(household, settings, setting):
    settings.SETTLEMENTS_BUDGET_DEBTOR = setting

    with pytest.raises(SettlementsConfigurationError):
        obligations_covered(budget=household, date=APRIL_1)


def test_a_debtor_that_is_not_a_saved_instance_is_a_configuration_error(household, settings):
    with pytest.raises(SettlementsConfigurationError, match="the budget"):
        obligations_covered(budget=Budget(owner=household), date=APRIL_1)
    settings.SETTLEMENTS_BUDGET_DEBTOR = "tests.test_obligations_covered.owner_of"
    with pytest.raises(SettlementsConfigurationError, match="SETTLEMENTS_BUDGET_DEBTOR"):
        obligations_covered(budget=Budget(owner=Person(name="unsaved")), date=APRIL_1)


@pytest.mark.parametrize("date", ["2026-04-01", dt.datetime(2026, 4, 1, tzinfo=dt.timezone.utc), None])
def test_the_date_is_a_date(household, date):
    with pytest.raises(InvalidSettlementError):
        obligations_covered(budget=household, date=date)


def test_the_budget_hook_calls_it_with_keywords_and_gets_a_bool(household):
    covered = obligations_covered  # what BUDGET_OBLIGATIONS_COVERED = "django_settlements.obligations_covered" imports

    answer = covered(budget=household, date=APRIL_1)

    assert isinstance(answer, bool)
    with pytest.raises(TypeError):
        covered(household, APRIL_1)
