"""The public API from the package root: every name resolves, the import needs no settings, errors are typed."""

import inspect

import pytest
from django.utils.module_loading import import_string

import django_settlements
from django_basemodels.testing import run_without_settings
from django_settlements import exceptions, selectors, services


def test_every_public_name_resolves_from_the_package_root():
    assert all(getattr(django_settlements, name) is not None for name in django_settlements.__all__)
    assert django_settlements.record_payment is services.record_payment
    assert django_settlements.balance is selectors.balance
    assert set(services.__all__) <= set(django_settlements.__all__)
    assert set(selectors.__all__) - {"budget_debtor_function"} <= set(django_settlements.__all__)
    with pytest.raises(AttributeError):
        django_settlements.record_payments  # noqa: B018


def test_the_budget_hook_path_imports_the_function():
    assert import_string("django_settlements.obligations_covered") is selectors.obligations_covered


def test_the_package_imports_without_settings_and_simplifies_debts_without_a_database():
    result = run_without_settings(
        "import django_settlements as s; from django_money import Money; "
        "print(len(s.simplify_debts({'a': Money(1, 'EUR'), 'b': Money(-1, 'EUR')})), 'record_payment' in s.__all__)"
    )
    assert (result.returncode, result.stdout.strip()) == (0, "1 True"), result.stderr


@pytest.mark.parametrize("name", exceptions.__all__)
def test_every_exception_is_a_settlements_error_named_error(name):
    error = getattr(exceptions, name)
    assert issubclass(error, exceptions.SettlementsError)
    assert name.endswith("Error")
    assert getattr(django_settlements, name) is error


def test_argument_errors_are_value_errors_and_the_reversal_refusal_a_permission_denied():
    from django.core.exceptions import PermissionDenied

    assert issubclass(exceptions.InvalidSettlementError, ValueError)
    assert issubclass(exceptions.InvalidBalancesError, ValueError)
    assert issubclass(exceptions.ReversalNotPermittedError, PermissionDenied)


@pytest.mark.parametrize("name", services.__all__)
def test_every_service_follows_the_convention(name):
    parameters = inspect.signature(getattr(services, name)).parameters
    positional = [p for p in parameters.values() if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    assert len(positional) <= 1
    for keyword in ("by", "on_behalf_of", "idempotency_key"):
        assert parameters[keyword].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["idempotency_key"].default is None
