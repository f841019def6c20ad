"""attach_document: what a stored document records, where its file goes, and how the file is read."""

import hashlib
import io
import re
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile, File
from django.core.files.storage import storages
from django.utils import timezone

from django_documents import attach_document
from django_documents.models import Document
from django_documents.streams import SPOOL_MEMORY_LIMIT
from tests.conftest import stored_files
from tests.files import PDF, pdf_file, upload
from tests.testapp.models import IntInvoice, UuidInvoice

pytestmark = pytest.mark.django_db


def test_the_document_records_the_sha256_and_size_of_the_bytes(invoice):
    document = attach_document(target=invoice, file=pdf_file())
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.size == len(PDF)


def test_the_document_is_attached_to_its_target(invoice):
    document = attach_document(target=invoice, file=pdf_file())
    assert Document.objects.get(pk=document.pk).target == invoice


def test_a_uuid_target_is_stored_as_32_lowercase_hex_digits(uuid_invoice):
    document = attach_document(target=uuid_invoice, file=pdf_file())
    assert Document.objects.get(pk=document.pk).target_id == uuid_invoice.pk.hex


def test_an_integer_target_is_stored_as_its_decimal_text(int_invoice):
    document = attach_document(target=int_invoice, file=pdf_file())
    assert Document.objects.get(pk=document.pk).target_id == str(int_invoice.pk)


def test_the_original_filename_and_both_content_types_are_kept(invoice):
    document = attach_document(target=invoice, file=upload(PDF, "Invoice 2026.pdf", "application/pdf"))
    stored = Document.objects.get(pk=document.pk)
    assert stored.original_filename == "Invoice 2026.pdf"
    assert stored.declared_content_type == "application/pdf"
    assert stored.detected_content_type == "application/pdf"
    assert stored.content_type == "application/pdf"


def test_the_declared_content_type_is_normalised(invoice):
    document = attach_document(target=invoice, file=upload(b"a,b\n", "rows.csv", "Text/CSV; charset=utf-8"))
    assert document.declared_content_type == "text/csv"


def test_a_file_without_a_declared_type_stores_an_empty_declared_type(invoice):
    document = attach_document(target=invoice, file=pdf_file())
    assert document.declared_content_type == ""


def test_the_caller_can_declare_the_content_type_and_the_filename(invoice):
    document = attach_document(
        target=invoice, file=ContentFile(PDF), filename="scan.pdf", content_type="application/pdf"
    )
    assert (document.original_filename, document.declared_content_type) == ("scan.pdf", "application/pdf")


def test_uploaded_by_and_created_at_are_recorded(invoice, user):
    before = timezone.now()
    document = attach_document(target=invoice, file=pdf_file(), uploaded_by=user)
    stored = Document.objects.get(pk=document.pk)
    assert stored.uploaded_by == user
    assert before <= stored.created_at <= timezone.now()


def test_an_anonymous_uploader_is_stored_as_none(invoice):
    document = attach_document(target=invoice, file=pdf_file(), uploaded_by=AnonymousUser())
    assert Document.objects.get(pk=document.pk).uploaded_by is None


def test_the_file_is_stored_under_documents_year_month_and_the_document_id(invoice, storage):
    document = attach_document(target=invoice, file=pdf_file("Invoice 2026.pdf"))
    now = timezone.now()
    assert document.file.name == f"documents/{now:%Y}/{now:%m}/{document.pk.hex}-Invoice_2026.pdf"
    assert stored_files(storage) == [document.file.name]


def test_the_stored_bytes_are_the_uploaded_bytes(invoice, storage):
    document = attach_document(target=invoice, file=pdf_file())
    with storage.open(document.file.name, "rb") as stored:
        assert stored.read() == PDF


@pytest.mark.parametrize(
    ("client_name", "original", "stored_suffix"),
    [
        ("../../etc/passwd", "passwd", "-passwd"),
        ("C:\\Users\\bob\\My Invoice.pdf", "My Invoice.pdf", "-My_Invoice.pdf"),
        ("Übersicht (Entwurf).pdf", "Übersicht (Entwurf).pdf", "-Ubersicht_Entwurf.pdf"),
        ("..", "..", "-file"),
        ("请求.pdf", "请求.pdf", "-file.pdf"),
    ],
)
def test_the_client_filename_never_chooses_the_storage_path(invoice, client_name, original, stored_suffix):
    document = attach_document(target=invoice, file=ContentFile(PDF), filename=client_name)
    assert document.original_filename == original
    assert re.fullmatch(rf"documents/\d{{4}}/\d{{2}}/{document.pk.hex}{re.escape(stored_suffix)}", document.file.name)


def test_a_long_filename_is_shortened_in_the_path_but_kept_as_data(invoice):
    name = "a" * 240 + ".pdf"
    document = attach_document(target=invoice, file=ContentFile(PDF), filename=name)
    assert document.original_filename == name
    assert document.file.name.endswith("-" + "a" * 80 + ".pdf")


def test_a_plain_python_file_object_is_accepted(invoice):
    document = attach_document(target=invoice, file=io.BytesIO(PDF), filename="raw.pdf")
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()


def test_a_text_file_is_stored_as_utf8(invoice, storage):
    document = attach_document(target=invoice, file=ContentFile("Grüße\n", name="note.txt"))
    assert document.size == len("Grüße\n".encode())
    assert document.detected_content_type == "text/plain"
    with storage.open(document.file.name, "rb") as stored:
        assert stored.read() == "Grüße\n".encode()


class CountingReader(io.RawIOBase):
    """A stream that records the largest read it was asked for and cannot seek."""

    def __init__(self, size):
        self.remaining = size
        self.largest_read = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        self.largest_read = max(self.largest_read, len(buffer))
        count = min(len(buffer), self.remaining)
        buffer[:count] = b"x" * count
        self.remaining -= count
        return count


def test_the_file_is_read_in_chunks_not_whole(invoice):
    source = CountingReader(3 * SPOOL_MEMORY_LIMIT)
    document = attach_document(target=invoice, file=File(source, name="big.bin"))
    assert document.size == 3 * SPOOL_MEMORY_LIMIT
    assert document.sha256 == hashlib.sha256(b"x" * (3 * SPOOL_MEMORY_LIMIT)).hexdigest()
    assert source.largest_read <= File.DEFAULT_CHUNK_SIZE


def test_a_stream_that_cannot_seek_is_stored_whole(invoice, storage):
    source = CountingReader(100_000)
    document = attach_document(target=invoice, file=File(source, name="stream.bin"))
    assert storage.size(document.file.name) == 100_000


def test_files_go_to_the_storage_named_by_the_setting(invoice, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    settings.DOCUMENTS_STORAGE = "documents"
    document = attach_document(target=invoice, file=pdf_file())
    assert (tmp_path / document.file.name).read_bytes() == PDF
    assert stored_files(storages["default"]) == []


def test_a_proxy_target_is_attached_as_its_concrete_model(int_invoice):
    from tests.testapp.models import ProxyIntInvoice

    proxy = ProxyIntInvoice.objects.get(pk=int_invoice.pk)
    document = attach_document(target=proxy, file=pdf_file())
    assert Document.objects.get(pk=document.pk).target == int_invoice


def test_targets_of_both_key_kinds_get_distinct_ids(db):
    uuid_target = UuidInvoice.objects.create(id=uuid.UUID(int=1), number="U")
    int_target = IntInvoice.objects.create(id=1, number="I")
    uuid_document = attach_document(target=uuid_target, file=pdf_file())
    int_document = attach_document(target=int_target, file=pdf_file())
    assert (uuid_document.target_id, int_document.target_id) == ("0" * 31 + "1", "1")
