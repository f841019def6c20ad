"""The public API is importable from the package root, also before Django is set up."""

import subprocess
import sys

import pytest

import django_money
from django_money import exceptions


@pytest.mark.parametrize("name", django_money.__all__)
def test_every_exported_name_resolves(name):
    assert getattr(django_money, name) is not None


def test_the_package_imports_without_settings():
    result = subprocess.run(
        [sys.executable, "-c", "from django_money import Money; print(Money('1.50', 'EUR') + Money('1', 'EUR'))"],
        capture_output=True,
        text=True,
        env={"PATH": "", "PYTHONPATH": ":".join(sys.path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_exchange_rate_api_is_imported_on_first_use_only():
    code = (
        "import sys, django_money; "
        "assert 'django_money.models' not in sys.modules, 'models imported before the app registry is ready'; "
        "assert 'record_exchange_rate' in dir(django_money); "
        "print(django_money.ROUNDING_MODES >= {'ROUND_HALF_EVEN'})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PATH": "", "PYTHONPATH": ":".join(sys.path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_the_exchange_rate_api_resolves_to_its_modules():
    from django_money import conversion, models, selectors, services

    assert django_money.ExchangeRate is models.ExchangeRate
    assert django_money.record_exchange_rate is services.record_exchange_rate
    assert django_money.rate_for is selectors.rate_for
    assert (django_money.convert, django_money.total_in) == (conversion.convert, conversion.total_in)


def test_every_exception_ends_in_error_derives_from_the_base_and_is_exported():
    names = [name for name, value in vars(exceptions).items() if isinstance(value, type) and name != "MoneyError"]
    assert "CurrencyMismatchError" in names
    for name in names:
        assert name.endswith("Error")
        assert issubclass(getattr(exceptions, name), exceptions.MoneyError)
        assert name in django_money.__all__
