"""The public API is importable from the package root, also before Django is set up."""

import subprocess
import sys

import pytest

import django_sequence
from django_sequence import exceptions


@pytest.mark.parametrize("name", django_sequence.__all__)
def test_every_exported_name_resolves(name):
    assert getattr(django_sequence, name) is not None


def test_an_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError):
        django_sequence.no_such_name  # noqa: B018


def test_dir_lists_the_lazy_exports():
    assert {"next_sequence", "next_value", "last_value", "define_sequence"} <= set(dir(django_sequence))


def test_the_package_imports_without_settings():
    env = {"PATH": "", "PYTHONPATH": ":".join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-c", "import django_sequence; print(sorted(django_sequence.__all__)[0])"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("SequenceNotDefined", "SequenceNotDefinedError"),
        ("InvalidDefinition", "InvalidDefinitionError"),
        ("InvalidTemplate", "InvalidTemplateError"),
        ("InvalidScope", "InvalidScopeError"),
        ("InvalidOrg", "InvalidOrgError"),
        ("InvalidMoment", "InvalidMomentError"),
    ],
)
def test_old_exception_names_are_aliases(old, new):
    assert getattr(exceptions, old) is getattr(exceptions, new)
    assert issubclass(getattr(exceptions, new), exceptions.SequenceError)
