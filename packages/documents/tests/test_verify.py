"""verify_document re-hashes the stored file; documents_verify checks them all and fails listing the bad ones."""

import io

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from django_documents import (
    ChecksumMismatchError,
    StoredFileMissingError,
    attach_document,
    replace_document,
    verify_document,
)
from django_documents.services import digest_chunks
from tests.files import PDF, pdf_file

pytestmark = pytest.mark.django_db


def corrupt(storage, document, content=b"%PDF-1.7 tampered"):
    storage.delete(document.file.name)
    storage.save(document.file.name, io.BytesIO(content))


def test_an_intact_file_verifies(invoice):
    document = attach_document(target=invoice, file=pdf_file())
    assert verify_document(document) is None


def test_an_altered_file_raises_checksum_mismatch_with_both_digests(invoice, storage):
    document = attach_document(target=invoice, file=pdf_file())
    corrupt(storage, document)
    with pytest.raises(ChecksumMismatchError) as raised:
        verify_document(document)
    assert raised.value.expected == document.sha256
    assert raised.value.actual == digest_chunks([b"%PDF-1.7 tampered"])[0]
    assert (raised.value.expected_size, raised.value.actual_size) == (len(PDF), len(b"%PDF-1.7 tampered"))
    assert raised.value.document == document


def test_a_missing_file_raises_stored_file_missing(invoice, storage):
    document = attach_document(target=invoice, file=pdf_file())
    storage.delete(document.file.name)
    with pytest.raises(StoredFileMissingError):
        verify_document(document)


def test_a_file_deleted_while_it_is_opened_raises_stored_file_missing(invoice, storage, monkeypatch):
    document = attach_document(target=invoice, file=pdf_file())

    def vanished(name, mode="rb"):
        raise FileNotFoundError(name)

    monkeypatch.setattr(storage, "open", vanished)
    with pytest.raises(StoredFileMissingError):
        verify_document(document)


def test_a_file_altered_on_local_disk_is_found(invoice, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    document = attach_document(target=invoice, file=pdf_file())
    path = tmp_path / document.file.name
    path.write_bytes(path.read_bytes().replace(b"Catalog", b"Cata1og"))
    with pytest.raises(ChecksumMismatchError):
        verify_document(document)


def test_the_command_reports_success_when_every_file_is_intact(invoice, capsys):
    first = attach_document(target=invoice, file=pdf_file())
    replace_document(first, file=pdf_file("v2.pdf"))
    call_command("documents_verify")
    assert "2 documents verified intact." in capsys.readouterr().out


def test_the_command_fails_listing_every_bad_document(invoice, storage, capsys):
    good = attach_document(target=invoice, file=pdf_file("good.pdf"))
    altered = attach_document(target=invoice, file=pdf_file("altered.pdf"))
    missing = attach_document(target=invoice, file=pdf_file("missing.pdf"))
    corrupt(storage, altered)
    storage.delete(missing.file.name)
    with pytest.raises(CommandError, match="2 of 3 documents failed verification"):
        call_command("documents_verify")
    errors = capsys.readouterr().err
    assert f"ChecksumMismatchError: Document {altered.pk}" in errors
    assert f"StoredFileMissingError: Document {missing.pk}" in errors
    assert str(good.pk) not in errors


def test_the_command_exits_with_status_1_on_a_bad_document(invoice, storage):
    document = attach_document(target=invoice, file=pdf_file())
    corrupt(storage, document)
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "documents_verify"]).execute()
    assert exited.value.code == 1


def test_the_command_can_skip_superseded_versions(invoice, storage, capsys):
    first = attach_document(target=invoice, file=pdf_file())
    replace_document(first, file=pdf_file("v2.pdf"))
    corrupt(storage, first)
    call_command("documents_verify", "--current-only")
    assert "1 documents verified intact." in capsys.readouterr().out
