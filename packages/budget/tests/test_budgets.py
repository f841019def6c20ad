import pytest
from django.db import IntegrityError, connection, transaction

from django_budget import CurrencyLocked, InvalidBudget, services
from django_budget.models import Budget


@pytest.mark.django_db
def test_a_budget_holds_one_currency_normalised_to_upper_case():
    budget = services.create_budget(name="Home", currency="eur")
    assert Budget.objects.get(pk=budget.pk).currency == "EUR"


@pytest.mark.django_db
def test_the_currency_defaults_to_the_setting(settings):
    settings.BUDGET_DEFAULT_CURRENCY = "CHF"
    assert services.create_budget(name="Home").currency == "CHF"


@pytest.mark.django_db
def test_a_budget_without_currency_and_without_default_is_refused(row_counts):
    before = row_counts()
    with pytest.raises(InvalidBudget, match="currency is required"):
        services.create_budget(name="Home")
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("currency", ["XYZ", 3, "TOOLONGCODE"])
def test_an_unknown_currency_is_refused(currency, row_counts, settings):
    settings.MONEY_CUSTOM_CURRENCIES = {"TOOLONGC": 2}
    before = row_counts()
    with pytest.raises(InvalidBudget):
        services.create_budget(name="Home", currency=currency)
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["", "   ", "x" * 201, None])
def test_an_empty_too_long_or_missing_name_is_refused(name):
    with pytest.raises(InvalidBudget):
        services.create_budget(name=name, currency="EUR")


@pytest.mark.django_db
def test_a_budget_may_be_owned_by_any_saved_model(django_user_model):
    household = django_user_model.objects.create_user(username="smiths")
    budget = services.create_budget(name="Home", currency="EUR", owner=household)
    assert Budget.objects.get(pk=budget.pk).owner == household


@pytest.mark.django_db
def test_an_unsaved_owner_is_refused(django_user_model, row_counts):
    before = row_counts()
    with pytest.raises(InvalidBudget, match="owner"):
        services.create_budget(name="Home", currency="EUR", owner=django_user_model(username="ghost"))
    assert row_counts() == before


@pytest.mark.django_db
def test_changing_the_currency_of_a_saved_budget_is_refused_by_the_model(budget):
    loaded = Budget.objects.get(pk=budget.pk)
    loaded.currency = "USD"
    with pytest.raises(CurrencyLocked):
        loaded.save()
    assert Budget.objects.get(pk=budget.pk).currency == "EUR"


@pytest.mark.django_db
def test_renaming_a_saved_budget_is_allowed(budget):
    loaded = Budget.objects.get(pk=budget.pk)
    loaded.name = "Flat"
    loaded.save()
    assert Budget.objects.get(pk=budget.pk).name == "Flat"


@pytest.mark.django_db
def test_changing_the_currency_by_raw_sql_is_refused_by_the_database(budget):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE django_budget_budget SET currency = 'USD'")
    assert Budget.objects.get(pk=budget.pk).currency == "EUR"


@pytest.mark.django_db
def test_a_raw_update_that_keeps_the_currency_is_allowed(budget):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE django_budget_budget SET currency = currency, name = 'Flat'")
    assert Budget.objects.get(pk=budget.pk).name == "Flat"


@pytest.mark.django_db
def test_string_form_names_the_budget_and_its_currency(budget):
    assert str(budget) == "Home (EUR)"
