"""The public API imports from the package root, before the app registry too; former exception names are aliases."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

import django_budget
from django_basemodels.testing import assert_former_exception_names, run_without_settings
from django_budget import exceptions

FORMER_NAMES = [
    "InvalidAmount",
    "FloatAmount",
    "InvalidMonth",
    "InvalidBudget",
    "InvalidBucket",
    "BucketNameTaken",
    "InvalidTransaction",
    "UnbalancedSplit",
    "CurrencyMismatch",
    "CurrencyLocked",
    "BucketArchived",
    "SpendingRefused",
    "SpendingPolicyMisconfigured",
    "ObligationsHookFailed",
    "AlreadyVoided",
    "VoidNotPermitted",
    "TransactionImmutable",
    "IdempotencyKeyReused",
]


def test_every_public_name_resolves_from_the_package_root():
    from django_budget import selectors, services

    assert all(getattr(django_budget, name) is not None for name in django_budget.__all__)
    assert django_budget.post_expense is services.post_expense
    assert django_budget.void_transaction is services.void_transaction
    assert django_budget.month_snapshot is selectors.month_snapshot
    assert django_budget.budgets is selectors.budgets
    assert set(services.__all__) - set(django_budget.__all__) == {
        "MAX_SPLIT_PARTS",
        "POST_EXPENSE_SCOPE",
        "POST_INCOME_SCOPE",
        "POST_SPLIT_EXPENSE_SCOPE",
        "VOID_ACTION",
        "VOID_SCOPE",
    }
    with pytest.raises(AttributeError):
        django_budget.post_expenses  # noqa: B018


def test_every_service_is_exported_by_the_services_module():
    from django_budget import services
    from django_budget.services import buckets, postings, voids

    for module in (buckets, postings, voids):
        public = {name for name, value in vars(module).items() if callable(value) and not name.startswith("_")}
        defined = {name for name in public if getattr(vars(module)[name], "__module__", None) == module.__name__}
        assert defined <= set(services.__all__), defined - set(services.__all__)


def test_the_package_imports_without_settings_or_the_app_registry():
    script = "import django_budget as b; print(b.BudgetError.__name__, 'post_expense' in b.__all__)"
    result = run_without_settings(script)
    assert (result.returncode, result.stdout.strip()) == (0, "BudgetError True"), result.stderr


def test_the_former_exception_names_are_aliases_of_the_error_names():
    assert_former_exception_names("django_budget", FORMER_NAMES, base=exceptions.BudgetError)


def test_every_exception_class_is_named_error():
    classes = {
        value
        for value in vars(exceptions).values()
        if isinstance(value, type) and value.__module__ == exceptions.__name__
    }
    assert all(cls.__name__.endswith("Error") for cls in classes)


@pytest.mark.django_db
def test_models_and_migrations_agree():
    output = StringIO()
    call_command("makemigrations", "django_budget", check=True, dry_run=True, stdout=output)
    assert "No changes detected" in output.getvalue()
