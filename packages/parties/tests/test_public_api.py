"""The public API is importable from the package root, also before Django is set up."""

import inspect
import subprocess
import sys

import pytest

import django_parties
from django_parties import exceptions


@pytest.mark.parametrize("name", django_parties.__all__)
def test_every_exported_name_resolves(name):
    assert getattr(django_parties, name) is not None


def test_an_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError):
        django_parties.no_such_name  # noqa: B018


def test_dir_lists_the_lazy_exports():
    assert {"create_person", "merge_parties"} <= set(dir(django_parties))


def test_the_package_imports_without_settings():
    result = subprocess.run(
        [sys.executable, "-c", "import django_parties"],
        capture_output=True,
        text=True,
        env={"PATH": "", "PYTHONPATH": ":".join(sys.path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_every_service_is_keyword_only():
    from django_parties import services

    for name in django_parties.__all__:
        value = getattr(django_parties, name)
        if inspect.isfunction(value) and value.__module__ == services.__name__:
            kinds = {parameter.kind for parameter in inspect.signature(value).parameters.values()}
            assert kinds == {inspect.Parameter.KEYWORD_ONLY}, name


def test_every_exception_ends_in_error_and_derives_from_the_base():
    names = [name for name, value in vars(exceptions).items() if isinstance(value, type) and name != "PartiesError"]
    assert names
    for name in names:
        assert name.endswith("Error"), name
        assert issubclass(getattr(exceptions, name), exceptions.PartiesError)
        assert name in django_parties.__all__
