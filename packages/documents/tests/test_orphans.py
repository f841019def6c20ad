"""A caller's rolled back transaction can leave a stored file without its row: orphan_files finds it."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from django_documents import attach_document, orphan_files
from tests.files import pdf_file

pytestmark = pytest.mark.django_db

NOW = datetime.timedelta(0)


@pytest.fixture
def orphan(invoice):
    with pytest.raises(RuntimeError), transaction.atomic():
        document = attach_document(target=invoice, file=pdf_file("rolled-back.pdf"))
        raise RuntimeError("the caller's transaction fails after the upload")
    return document.file.name


def test_a_file_whose_row_was_rolled_back_is_an_orphan(invoice, orphan):
    kept = attach_document(target=invoice, file=pdf_file("kept.pdf"))
    assert orphan_files(older_than=NOW) == [orphan]
    assert kept.file.name not in orphan_files(older_than=NOW)


def test_recent_files_are_not_reported_by_default(orphan):
    assert orphan_files() == []


def test_an_empty_storage_has_no_orphans(db):
    assert orphan_files(older_than=NOW) == []


def test_the_command_lists_orphans_and_fails(orphan, capsys):
    with pytest.raises(CommandError, match="0 of 0 documents failed verification; 1 orphan files"):
        call_command("documents_verify", "--orphans", "--orphan-age", "0")
    assert f"Orphan file: {orphan}" in capsys.readouterr().err


def test_the_command_leaves_out_recent_orphans(orphan, capsys):
    call_command("documents_verify", "--orphans")
    assert "No orphan files." in capsys.readouterr().out


def test_the_command_says_when_there_are_no_orphans(invoice, capsys):
    attach_document(target=invoice, file=pdf_file())
    call_command("documents_verify", "--orphans", "--orphan-age", "0")
    assert "No orphan files." in capsys.readouterr().out
