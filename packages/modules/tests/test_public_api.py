"""The public API is importable from the package root, also before Django is set up."""

import inspect
import subprocess
import sys

import pytest

import django_modules
from django_modules import exceptions


@pytest.mark.parametrize("name", django_modules.__all__)
def test_every_exported_name_resolves(name):
    assert getattr(django_modules, name) is not None


def test_an_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError):
        django_modules.no_such_name  # noqa: B018


def test_dir_lists_the_lazy_exports():
    assert {"enable_module", "is_module_enabled"} <= set(dir(django_modules))


def test_the_package_imports_without_settings():
    result = subprocess.run(
        [sys.executable, "-c", "import django_modules"],
        capture_output=True,
        text=True,
        env={"PATH": "", "PYTHONPATH": ":".join(sys.path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("service", ["enable_module", "disable_module"])
def test_the_natural_key_is_positional_and_by_keyword_only(service):
    parameters = inspect.signature(getattr(django_modules, service)).parameters
    assert [p.kind for p in parameters.values()] == [
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.KEYWORD_ONLY,
    ]
    assert list(parameters) == ["org", "key", "by"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("UnknownModule", "UnknownModuleError"),
        ("ModuleDisabled", "ModuleDisabledError"),
        ("OrgNotResolved", "OrgNotResolvedError"),
    ],
)
def test_old_exception_names_are_aliases(old, new):
    assert getattr(exceptions, old) is getattr(exceptions, new)
    assert getattr(django_modules, old) is getattr(django_modules, new)
    assert issubclass(getattr(exceptions, new), exceptions.ModulesError)


def test_invalid_argument_error_is_a_type_and_value_error():
    assert issubclass(exceptions.InvalidArgumentError, TypeError)
    assert issubclass(exceptions.InvalidArgumentError, ValueError)
