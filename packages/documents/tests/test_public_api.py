"""The public API is importable from the package root, also before Django is set up."""

import subprocess
import sys

import pytest

import django_documents
from django_documents import exceptions


@pytest.mark.parametrize("name", django_documents.__all__)
def test_every_exported_name_resolves(name):
    assert getattr(django_documents, name) is not None


def test_an_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError):
        django_documents.no_such_name  # noqa: B018


def test_dir_lists_the_lazy_exports():
    assert {"attach_document", "replace_document", "delete_document", "documents_for", "orphan_files"} <= set(
        dir(django_documents)
    )


def test_the_package_imports_without_settings():
    env = {"PATH": "", "PYTHONPATH": ":".join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-c", "import django_documents; print(sorted(django_documents.__all__)[0])"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "old",
    [
        "MissingTarget",
        "MissingFilename",
        "FilenameTooLong",
        "EmptyFile",
        "FileTooLarge",
        "ContentTypeNotAllowed",
        "UnknownRetentionPolicy",
        "InvalidRetention",
        "MissingPreviousVersion",
        "SupersedesOtherTarget",
        "AlreadySuperseded",
        "DocumentImmutable",
        "RetentionActive",
        "NewerVersionExists",
        "VerificationFailed",
        "StoredFileMissing",
        "ChecksumMismatch",
    ],
)
def test_old_exception_names_are_aliases(old):
    new = getattr(exceptions, f"{old}Error")
    assert getattr(exceptions, old) is new
    assert getattr(django_documents, old) is new
    assert issubclass(new, exceptions.DocumentsError)


@pytest.mark.parametrize("name", ["InvalidDatetimeError", "InvalidFileError", "InvalidUploaderError"])
def test_the_new_errors_are_exported_documents_errors_and_value_errors(name):
    assert name in django_documents.__all__
    error = getattr(django_documents, name)
    assert error is getattr(exceptions, name)
    assert issubclass(error, exceptions.DocumentsError)
    assert issubclass(error, ValueError)
