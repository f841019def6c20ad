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


def test_every_exception_ends_in_error_derives_from_the_base_and_is_exported():
    names = [name for name, value in vars(exceptions).items() if isinstance(value, type) and name != "MoneyError"]
    assert "CurrencyMismatchError" in names
    for name in names:
        assert name.endswith("Error")
        assert issubclass(getattr(exceptions, name), exceptions.MoneyError)
        assert name in django_money.__all__
