"""Bad input gets a typed error and writes nothing: no row, and no file left in the storage."""

import datetime
import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile, File
from django.db import DatabaseError, IntegrityError
from django.utils import timezone

from django_documents import (
    AlreadySupersededError,
    ContentTypeNotAllowedError,
    EmptyFileError,
    FilenameTooLongError,
    FileTooLargeError,
    InvalidFileError,
    InvalidRetentionError,
    InvalidUploaderError,
    MissingFilenameError,
    MissingTargetError,
    UnknownRetentionPolicyError,
    attach_document,
    replace_document,
)
from django_documents import services as services_module
from django_documents.models import Document
from tests.conftest import stored_files
from tests.files import GIF, PDF, PNG, pdf_file, upload
from tests.testapp.models import IntInvoice, UuidInvoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def assert_nothing_written(storage):
    """After the test's refused upload: no document row and no file in the storage."""
    yield
    assert not Document.objects.exists()
    assert stored_files(storage) == []


def test_an_empty_file_is_refused(invoice, assert_nothing_written):
    with pytest.raises(EmptyFileError):
        attach_document(target=invoice, file=ContentFile(b"", name="empty.pdf"))


def test_a_file_over_the_size_limit_is_refused(invoice, settings, assert_nothing_written):
    settings.DOCUMENTS_MAX_FILE_SIZE = len(PDF) - 1
    with pytest.raises(FileTooLargeError) as raised:
        attach_document(target=invoice, file=pdf_file())
    assert raised.value.limit == len(PDF) - 1
    assert raised.value.size_read > raised.value.limit


def test_a_file_of_exactly_the_size_limit_is_accepted(invoice, settings):
    settings.DOCUMENTS_MAX_FILE_SIZE = len(PDF)
    assert attach_document(target=invoice, file=pdf_file()).size == len(PDF)


def test_reading_stops_at_the_chunk_that_passes_the_limit(invoice, settings, assert_nothing_written):
    settings.DOCUMENTS_MAX_FILE_SIZE = 100_000
    source = io.BytesIO(b"x" * 10_000_000)
    with pytest.raises(FileTooLargeError):
        attach_document(target=invoice, file=File(source, name="huge.bin"))
    assert source.tell() <= 100_000 + File.DEFAULT_CHUNK_SIZE


def test_the_default_size_limit_is_50_mib(invoice, settings, assert_nothing_written):
    del settings.DOCUMENTS_MAX_FILE_SIZE
    source = File(io.BytesIO(b"x" * (50 * 1024 * 1024 + 1)), name="huge.bin")
    with pytest.raises(FileTooLargeError) as raised:
        attach_document(target=invoice, file=source)
    assert raised.value.limit == 50 * 1024 * 1024


def test_no_size_limit_when_the_setting_is_none(invoice, settings):
    settings.DOCUMENTS_MAX_FILE_SIZE = None
    assert attach_document(target=invoice, file=pdf_file()).size == len(PDF)


def test_a_declared_content_type_not_allowed_is_refused(invoice, settings, assert_nothing_written):
    settings.DOCUMENTS_ALLOWED_CONTENT_TYPES = ["application/pdf"]
    with pytest.raises(ContentTypeNotAllowedError) as raised:
        attach_document(target=invoice, file=upload(PDF, "invoice.pdf", "text/html"))
    assert (raised.value.source, raised.value.content_type) == ("declared", "text/html")
    assert raised.value.allowed == ("application/pdf",)


def test_a_detected_content_type_not_allowed_is_refused(invoice, settings, assert_nothing_written):
    settings.DOCUMENTS_ALLOWED_CONTENT_TYPES = ["application/pdf"]
    # declared as a PDF, named like one, but the bytes are a PNG
    with pytest.raises(ContentTypeNotAllowedError) as raised:
        attach_document(target=invoice, file=upload(PNG, "invoice.pdf", "application/pdf"))
    assert (raised.value.source, raised.value.content_type) == ("detected", "image/png")


def test_a_file_renamed_to_an_allowed_extension_is_refused(invoice, settings, assert_nothing_written):
    settings.DOCUMENTS_ALLOWED_CONTENT_TYPES = ["application/pdf"]
    with pytest.raises(ContentTypeNotAllowedError) as raised:
        attach_document(target=invoice, file=ContentFile(b"MZ\x90\x00 not a pdf", name="invoice.pdf"))
    assert raised.value.content_type == "application/octet-stream"


def test_a_wildcard_allows_every_subtype(invoice, settings):
    settings.DOCUMENTS_ALLOWED_CONTENT_TYPES = ["image/*"]
    document = attach_document(target=invoice, file=upload(GIF, "pixel.gif", "image/gif"))
    assert document.detected_content_type == "image/gif"


def test_an_empty_allowlist_refuses_everything(invoice, settings, assert_nothing_written):
    settings.DOCUMENTS_ALLOWED_CONTENT_TYPES = []
    with pytest.raises(ContentTypeNotAllowedError):
        attach_document(target=invoice, file=pdf_file())


def test_a_malformed_declared_content_type_is_refused_even_without_an_allowlist(invoice, assert_nothing_written):
    with pytest.raises(ContentTypeNotAllowedError) as raised:
        attach_document(target=invoice, file=upload(PDF, "invoice.pdf", "pdf"))
    assert raised.value.allowed is None


def test_no_target_is_refused(db, assert_nothing_written):
    with pytest.raises(MissingTargetError):
        attach_document(target=None, file=pdf_file())


@pytest.mark.parametrize("model", [UuidInvoice, IntInvoice])
def test_an_unsaved_target_is_refused(db, model, assert_nothing_written):
    target = model(number="draft")
    if model is UuidInvoice:
        target.pk = None
    with pytest.raises(MissingTargetError):
        attach_document(target=target, file=pdf_file())


def test_a_target_whose_row_is_gone_is_refused(invoice, assert_nothing_written):
    pk = invoice.pk
    type(invoice).objects.filter(pk=pk).delete()
    with pytest.raises(MissingTargetError):
        attach_document(target=invoice, file=pdf_file())


def test_a_target_that_is_not_a_model_instance_is_refused(db, assert_nothing_written):
    with pytest.raises(MissingTargetError):
        attach_document(target="invoice:1", file=pdf_file())


def test_a_file_without_a_name_is_refused(invoice, assert_nothing_written):
    with pytest.raises(MissingFilenameError):
        attach_document(target=invoice, file=ContentFile(PDF))


def test_a_filename_of_255_characters_is_kept_whole(invoice):
    name = "a" * 251 + ".pdf"
    document = attach_document(target=invoice, file=ContentFile(PDF), filename=name)
    document.refresh_from_db()
    assert document.original_filename == name


def test_a_filename_longer_than_its_column_is_refused(invoice, assert_nothing_written):
    with pytest.raises(FilenameTooLongError, match="filename has 256 characters; at most 255") as raised:
        attach_document(target=invoice, file=ContentFile(PDF), filename="a" * 252 + ".pdf")
    assert isinstance(raised.value, ValueError)


def test_the_directories_of_a_filename_do_not_count_towards_its_length(invoice):
    name = "a" * 251 + ".pdf"
    document = attach_document(target=invoice, file=ContentFile(PDF), filename="dir/" * 100 + name)
    assert document.original_filename == name


def test_a_new_version_with_a_filename_longer_than_its_column_is_refused(invoice, storage):
    first = attach_document(target=invoice, file=pdf_file())
    with pytest.raises(FilenameTooLongError):
        replace_document(first, file=ContentFile(PDF), filename="a" * 300 + ".pdf")
    assert list(Document.objects.all()) == [first]
    assert stored_files(storage) == [first.file.name]


def test_a_declared_content_type_longer_than_its_column_is_refused(invoice, assert_nothing_written):
    with pytest.raises(ContentTypeNotAllowedError, match="not a valid"):
        attach_document(target=invoice, file=pdf_file(), content_type="application/" + "x" * 244)


def test_an_unknown_retention_policy_is_refused(invoice, assert_nothing_written):
    with pytest.raises(UnknownRetentionPolicyError) as raised:
        attach_document(target=invoice, file=pdf_file(), retention_policy="tax")
    assert raised.value.known == ("invoice", "scratch")


def test_a_policy_and_a_retain_until_together_are_refused(invoice, assert_nothing_written):
    with pytest.raises(InvalidRetentionError):
        attach_document(target=invoice, file=pdf_file(), retention_policy="invoice", retain_until=timezone.now())


@pytest.mark.parametrize("value", [datetime.datetime(2030, 1, 1), datetime.date(2030, 1, 1)])
def test_a_naive_or_date_retain_until_is_refused(invoice, value, assert_nothing_written):
    with pytest.raises(InvalidRetentionError):
        attach_document(target=invoice, file=pdf_file(), retain_until=value)


def test_a_retain_until_that_is_not_a_datetime_is_refused_without_time_zones(invoice, settings, assert_nothing_written):
    settings.USE_TZ = False
    with pytest.raises(InvalidRetentionError, match="must be a datetime"):
        attach_document(target=invoice, file=pdf_file(), retain_until=datetime.date(2030, 1, 1))


def test_a_bad_storage_setting_is_raised_before_anything_is_written(invoice, settings, assert_nothing_written):
    settings.DOCUMENTS_STORAGE = "nowhere"
    with pytest.raises(ImproperlyConfigured):
        attach_document(target=invoice, file=pdf_file())


def test_a_bad_size_setting_is_raised_before_anything_is_written(invoice, settings, assert_nothing_written):
    settings.DOCUMENTS_MAX_FILE_SIZE = "10MB"
    with pytest.raises(ImproperlyConfigured):
        attach_document(target=invoice, file=pdf_file())


def test_when_the_row_insert_fails_the_saved_file_is_deleted(invoice, monkeypatch, assert_nothing_written):
    def failing_insert(self, *args, **kwargs):
        raise DatabaseError("insert failed")

    monkeypatch.setattr(Document, "save", failing_insert)
    with pytest.raises(DatabaseError, match="insert failed"):
        attach_document(target=invoice, file=pdf_file())


def test_when_the_insert_breaks_a_constraint_the_error_propagates_and_the_file_is_deleted(
    invoice, monkeypatch, assert_nothing_written
):
    def violating_insert(self, *args, **kwargs):
        raise IntegrityError("constraint failed")

    monkeypatch.setattr(Document, "save", violating_insert)
    with pytest.raises(IntegrityError, match="constraint failed"):
        attach_document(target=invoice, file=pdf_file())


def test_when_a_concurrent_call_superseded_first_the_file_is_deleted(invoice, storage, monkeypatch):
    first = attach_document(target=invoice, file=pdf_file("v1.pdf"))
    second = attach_document(target=invoice, file=pdf_file("v2.pdf"), supersedes=first)
    # As if the other call committed between this call's check and its insert: the unique
    # constraint on supersedes is what refuses the row.
    monkeypatch.setattr(services_module, "_next_version", lambda *args: (first.lineage, 2))
    with pytest.raises(AlreadySupersededError) as raised:
        attach_document(target=invoice, file=pdf_file("v2-bis.pdf"), supersedes=first)
    assert raised.value.successor_id == second.pk
    assert Document.objects.count() == 2
    assert stored_files(storage) == sorted([first.file.name, second.file.name])


# What the roadmap's example passes (target=, file=, uploaded_by=), wrong: the error says what to pass instead.


@pytest.mark.parametrize(
    ("target", "hint"),
    [
        (None, "pass the saved instance the document belongs to, e.g. target=invoice."),
        ("invoice:1", r"pass the model instance itself \(e.g. target=invoice\), not its key or name\."),
        (IntInvoice(number="draft"), r"save it first \(IntInvoice.objects.create\(...\) or .save\(\)\)"),
    ],
    ids=["none", "key", "unsaved"],
)
def test_a_wrong_target_says_what_to_pass(db, target, hint, assert_nothing_written):
    with pytest.raises(MissingTargetError, match=hint):
        attach_document(target=target, file=pdf_file())


def test_a_target_whose_row_is_gone_says_what_to_pass(invoice, assert_nothing_written):
    type(invoice).objects.filter(pk=invoice.pk).delete()
    with pytest.raises(MissingTargetError, match="pass an instance whose row is in the database"):
        attach_document(target=invoice, file=pdf_file())


@pytest.mark.parametrize(
    ("file", "hint"),
    [
        (PDF, r"not bytes: pass ContentFile\(data, name='invoice.pdf'\)"),
        (bytearray(PDF), r"not bytearray: pass ContentFile\(data"),
        (
            "invoice.pdf",
            r"not the path 'invoice.pdf': pass the upload itself \(request.FILES\['file'\]\) or an open file, "
            r"File\(open\('invoice.pdf', 'rb'\)\)",
        ),
        (
            None,
            r"file must be an upload \(request.FILES\['file'\]\), a django.core.files File or ContentFile, or a binary",
        ),
    ],
    ids=["bytes", "bytearray", "path", "none"],
)
def test_a_file_that_is_no_file_says_what_to_pass(invoice, file, hint, assert_nothing_written):
    with pytest.raises(InvalidFileError, match=hint):
        attach_document(target=invoice, file=file, filename="invoice.pdf")


def test_a_binary_file_object_is_accepted(invoice):
    document = attach_document(target=invoice, file=io.BytesIO(PDF), filename="invoice.pdf")
    assert document.size == len(PDF)


@pytest.mark.parametrize("uploader", ["alice", IntInvoice(number="x")], ids=["name", "other-model"])
def test_an_uploader_that_is_no_user_says_what_to_pass(invoice, uploader, assert_nothing_written):
    with pytest.raises(InvalidUploaderError, match=r"uploaded_by must be a saved .*pass the user who uploads the file"):
        attach_document(target=invoice, file=pdf_file(), uploaded_by=uploader)


def test_an_anonymous_uploader_is_stored_as_nobody(invoice):
    from django.contrib.auth.models import AnonymousUser

    assert attach_document(target=invoice, file=pdf_file(), uploaded_by=AnonymousUser()).uploaded_by is None


def test_replace_document_names_by_when_it_is_no_user(invoice, storage):
    first = attach_document(target=invoice, file=pdf_file())
    with pytest.raises(InvalidUploaderError, match=r"^by must be a saved"):
        replace_document(first, file=pdf_file("v2.pdf"), by="alice")
    assert stored_files(storage) == [first.file.name]


def test_a_naive_retain_until_says_what_to_pass(invoice, assert_nothing_written):
    with pytest.raises(
        InvalidRetentionError, match=r"pass datetime\.datetime\(2030, 1, 1, 0, 0, tzinfo=datetime\.timezone\.utc\)"
    ):
        attach_document(target=invoice, file=pdf_file(), retain_until=datetime.datetime(2030, 1, 1))
