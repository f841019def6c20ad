"""The public API is importable from the package root, also before Django is set up."""

import subprocess
import sys

import pytest

import django_singleton


@pytest.mark.parametrize("name", django_singleton.__all__)
def test_every_exported_name_resolves(name):
    assert getattr(django_singleton, name) is not None


def test_an_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError):
        django_singleton.no_such_name  # noqa: B018


def test_dir_lists_the_lazy_exports():
    assert {"singleton_check_constraint", "SingletonCheckConstraint"} <= set(dir(django_singleton))


def test_the_package_imports_without_settings():
    result = subprocess.run(
        [sys.executable, "-c", "import django_singleton"],
        capture_output=True,
        text=True,
        env={"PATH": "", "PYTHONPATH": ":".join(sys.path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_every_exception_ends_in_error_and_derives_from_the_base():
    from django_singleton import exceptions

    names = [name for name in exceptions.__all__ if name != "SingletonError"]
    assert names
    for name in names:
        assert name.endswith("Error")
        assert issubclass(getattr(exceptions, name), exceptions.SingletonError)
