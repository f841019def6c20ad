"""The storage proxy follows DOCUMENTS_STORAGE at run time; migrations name it, never a backend."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, storages

from django_documents import attach_document
from django_documents.models import Document
from django_documents.storage import DocumentsStorage, documents_storage, safe_filename
from tests.files import PDF, pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def local(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": "/files/"},
        },
    }
    settings.DOCUMENTS_STORAGE = "documents"
    return tmp_path


def test_the_field_storage_is_the_proxy_and_migrations_name_its_callable():
    field = Document._meta.get_field("file")
    assert isinstance(field.storage, DocumentsStorage)
    _name, _path, _args, kwargs = field.deconstruct()
    assert kwargs["storage"] is documents_storage


def test_the_proxy_follows_the_setting(settings, local):
    assert documents_storage().backend is storages["documents"]
    settings.DOCUMENTS_STORAGE = "default"
    assert isinstance(documents_storage().backend, InMemoryStorage)


def test_the_proxy_passes_every_storage_operation_to_the_backend(invoice, local):
    document = attach_document(target=invoice, file=pdf_file())
    storage = document.file.storage
    name = document.file.name
    assert storage.exists(name)
    assert storage.size(name) == len(PDF)
    assert storage.path(name) == str(local / name)
    assert storage.url(name) == f"/files/{name}"
    assert storage.listdir(name.rsplit("/", 1)[0]) == ([], [name.rsplit("/", 1)[1]])
    for timestamp in (storage.get_accessed_time, storage.get_created_time, storage.get_modified_time):
        assert isinstance(timestamp(name), datetime.datetime)
    assert storage.get_available_name(name) != name
    assert storage.get_alternative_name("a", ".pdf").startswith("a_")
    assert storage.get_valid_name("my file.pdf") == "my_file.pdf"
    assert storage.location == str(local)
    with document.file.open("rb") as stored:
        assert stored.read() == PDF
    storage.delete(name)
    assert not storage.exists(name)


def test_the_proxy_saves_through_the_backend(local):
    name = documents_storage().save("direct/a.txt", ContentFile(b"x"))
    assert (local / name).read_bytes() == b"x"


def test_the_proxy_has_no_dunder_attributes_of_the_backend():
    with pytest.raises(AttributeError):
        documents_storage().__wrapped__  # noqa: B018


@pytest.mark.parametrize(
    ("filename", "safe"),
    [
        ("invoice.pdf", "invoice.pdf"),
        ("my invoice (1).PDF", "my_invoice_1.PDF"),
        ("../../x.pdf", "x.pdf"),
        ("....pdf", "pdf"),
        ("...", "file"),
        ("", "file"),
        ("name." + "x" * 20, "name." + "x" * 20),
        ("é", "e"),
    ],
)
def test_safe_filenames(filename, safe):
    assert safe_filename(filename) == safe
