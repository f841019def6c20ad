"""The public API imports from the package root, before the app registry too; former exception names are aliases."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

import django_ledger
from django_basemodels.testing import assert_former_exception_names, run_without_settings
from django_ledger import exceptions

FORMER_NAMES = [
    "InvalidTransaction",
    "TooFewEntries",
    "UnbalancedTransaction",
    "CurrencyMismatch",
    "InvalidAmount",
    "InvalidEntryType",
    "InvalidMetadata",
    "InvalidAccount",
    "ImmutableFact",
    "ImmutableTransaction",
    "ImmutableEntry",
    "InvalidReversal",
    "NotPosted",
    "AmbiguousReversal",
    "AlreadyReversed",
    "ReversalNotAuthorized",
]


def test_every_public_name_resolves_from_the_package_root():
    from django_ledger import selectors, services

    assert all(getattr(django_ledger, name) is not None for name in django_ledger.__all__)
    assert django_ledger.post_transaction is services.post_transaction
    assert django_ledger.reverse_entry is services.reverse_entry
    assert django_ledger.get_balance is selectors.get_balance
    assert set(services.__all__) - set(django_ledger.__all__) == {
        "CLOSE_BOOKS_ACTION",
        "POST_ACTION",
        "POST_MANY_ACTION",
        "POST_MANY_SCOPE",
        "POST_SCOPE",
        "REVERSE_ENTRY_ACTION",
        "REVERSE_ENTRY_SCOPE",
        "REVERSE_TRANSACTION_ACTION",
        "REVERSE_TRANSACTION_SCOPE",
    }
    with pytest.raises(AttributeError):
        django_ledger.post_many  # noqa: B018


def test_the_tenancy_error_is_public_and_an_invalid_transaction():
    assert "CrossOrgTransactionError" in django_ledger.__all__
    assert django_ledger.CrossOrgTransactionError is exceptions.CrossOrgTransactionError
    assert issubclass(exceptions.CrossOrgTransactionError, exceptions.InvalidTransactionError)


def test_the_package_imports_without_settings_or_the_app_registry():
    script = "import django_ledger as l; print(l.LedgerError.__name__, 'post_transaction' in l.__all__)"
    result = run_without_settings(script)
    assert (result.returncode, result.stdout.strip()) == (0, "LedgerError True"), result.stderr


def test_the_former_exception_names_are_aliases_of_the_error_names():
    assert_former_exception_names("django_ledger", FORMER_NAMES, base=exceptions.LedgerError)


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
    call_command("makemigrations", "django_ledger", check=True, dry_run=True, stdout=output)
    assert "No changes detected" in output.getvalue()
