"""The public API is importable from the package root, also before Django is set up."""

import subprocess
import sys

import pytest

import django_notes


@pytest.mark.parametrize("name", django_notes.__all__)
def test_every_exported_name_resolves(name):
    assert getattr(django_notes, name) is not None


def test_an_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError):
        django_notes.no_such_name  # noqa: B018


def test_dir_lists_the_lazy_exports():
    assert {"add_note", "edit_note", "tag_object", "untag_object", "notes_for", "tags_for", "tagged"} <= set(
        dir(django_notes)
    )


def test_the_package_imports_without_settings():
    env = {"PATH": "", "PYTHONPATH": ":".join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-c", "import django_notes; print(sorted(django_notes.__all__)[0])"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_tenancy_error_is_exported_from_the_root():
    assert "CrossOrgTagError" in django_notes.__all__
    assert issubclass(django_notes.CrossOrgTagError, django_notes.InvalidTagError)


def test_the_time_error_is_exported_from_the_root():
    assert "InvalidDatetimeError" in django_notes.__all__
    assert issubclass(django_notes.InvalidDatetimeError, django_notes.NotesError)
    assert issubclass(django_notes.InvalidDatetimeError, ValueError)
