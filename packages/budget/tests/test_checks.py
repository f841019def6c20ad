import pytest
from django.core import checks

from django_budget.checks import check_settings


def check_ids():
    return [message.id for message in check_settings()]


def test_default_settings_pass_the_checks():
    assert check_ids() == []


def test_the_checks_are_registered():
    assert check_settings in checks.registry.registry.get_checks()


@pytest.mark.parametrize("value", ["tests.policies.missing", "tests.policies.NOT_CALLABLE", None, ""])
def test_a_spending_policy_that_does_not_import_as_a_callable_is_an_error(settings, value):
    settings.BUDGET_SPENDING_POLICY = value
    assert check_ids() == ["django_budget.E001"]


def test_a_custom_importable_policy_passes(settings):
    settings.BUDGET_SPENDING_POLICY = "tests.policies.refuse_everything"
    assert check_ids() == []


@pytest.mark.parametrize("value", ["tests.policies.nope", "tests.policies.NOT_CALLABLE", 7])
def test_an_obligations_hook_that_does_not_import_as_a_callable_is_an_error(settings, value):
    settings.BUDGET_OBLIGATIONS_COVERED = value
    assert check_ids() == ["django_budget.E002"]


def test_the_blocking_policy_without_an_obligations_hook_is_an_error(settings):
    settings.BUDGET_SPENDING_POLICY = "django_budget.policies.block_discretionary_until_obligations_covered"
    assert check_ids() == ["django_budget.E003"]


def test_the_blocking_policy_with_its_hook_passes(settings):
    settings.BUDGET_SPENDING_POLICY = "django_budget.policies.block_discretionary_until_obligations_covered"
    settings.BUDGET_OBLIGATIONS_COVERED = "tests.policies.covered"
    assert check_ids() == []


@pytest.mark.parametrize("value", ["EURO", "xyz", 978])
def test_an_unknown_default_currency_is_an_error(settings, value):
    settings.BUDGET_DEFAULT_CURRENCY = value
    assert check_ids() == ["django_budget.E004"]


@pytest.mark.parametrize("value", ["eur", "JPY"])
def test_a_known_default_currency_passes(settings, value):
    settings.BUDGET_DEFAULT_CURRENCY = value
    assert check_ids() == []


@pytest.mark.parametrize("value", ["void", "a.b.c", ".void", 3])
def test_a_void_permission_not_in_app_label_dot_codename_form_is_an_error(settings, value):
    settings.BUDGET_VOID_PERMISSION = value
    assert check_ids() == ["django_budget.E005"]


def test_no_void_permission_passes(settings):
    settings.BUDGET_VOID_PERMISSION = None
    assert check_ids() == []
