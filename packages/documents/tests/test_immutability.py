"""A stored document never changes: not through the model, not through querysets, not through raw SQL."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from django_documents import DocumentImmutableError, attach_document
from django_documents.models import Document
from tests.files import pdf_file

pytestmark = pytest.mark.django_db

TABLE = Document._meta.db_table


@pytest.fixture
def document(invoice):
    return attach_document(target=invoice, file=pdf_file())


def test_saving_a_stored_document_is_refused(document):
    document.original_filename = "other.pdf"
    with pytest.raises(DocumentImmutableError):
        document.save()
    document.refresh_from_db()
    assert document.original_filename == "invoice.pdf"


def test_saving_a_stored_document_without_changes_is_refused_too(document):
    with pytest.raises(DocumentImmutableError):
        document.save(update_fields=["retain_until"])


def test_queryset_update_is_refused(document):
    with pytest.raises(DocumentImmutableError):
        Document.objects.filter(pk=document.pk).update(sha256="0" * 64)
    document.refresh_from_db()
    assert document.sha256 != "0" * 64


def test_bulk_update_is_refused(document):
    document.size = 1
    with pytest.raises(DocumentImmutableError):
        Document.objects.bulk_update([document], ["size"])


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("sha256", "0" * 64),
        ("file", "documents/elsewhere.pdf"),
        ("size", 1),
        ("target_id", "other"),
        ("retain_until", datetime.datetime(2000, 1, 1)),
    ],
)
def test_the_database_refuses_a_raw_update(document, column, value):
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET {column} = %s WHERE id = %s", [value, document.pk.hex])


def test_the_database_refuses_a_raw_delete_before_retain_until(invoice):
    document = attach_document(target=invoice, file=pdf_file(), retention_policy="invoice")
    with pytest.raises(IntegrityError, match="retain_until"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [document.pk.hex])
    assert Document.objects.filter(pk=document.pk).exists()


def test_the_database_allows_a_raw_delete_after_retain_until(invoice):
    document = attach_document(
        target=invoice, file=pdf_file(), retain_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [document.pk.hex])
    assert not Document.objects.filter(pk=document.pk).exists()


@pytest.mark.skipif("connection.vendor == 'sqlite'", reason="SQLite has no session time zone")
@pytest.mark.parametrize("zone", ["+05:00", "-05:00"])
def test_the_retention_clock_of_the_database_is_utc_whatever_the_session_time_zone(uuid_invoice, zone):
    # MariaDB holds datetimes as UTC without a zone: NOW() in a session five hours off UTC would
    # let the retained document go (or keep the expired one).
    hour = datetime.timedelta(hours=1)
    retained = attach_document(target=uuid_invoice, file=pdf_file("kept.pdf"), retain_until=timezone.now() + hour)
    expired = attach_document(target=uuid_invoice, file=pdf_file("old.pdf"), retain_until=timezone.now() - hour)
    with connection.cursor() as cursor:
        cursor.execute("SELECT @@session.time_zone" if connection.vendor == "mysql" else "SHOW TIME ZONE")
        [session_zone] = cursor.fetchone()
        set_zone = "SET time_zone = %s" if connection.vendor == "mysql" else "SELECT set_config('TimeZone', %s, false)"
        cursor.execute(set_zone, [zone])
        try:
            with pytest.raises(IntegrityError, match="retain_until"), transaction.atomic():
                cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [retained.pk.hex])
            cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [expired.pk.hex])
        finally:
            cursor.execute(set_zone, [session_zone])
    assert list(Document.objects.values_list("pk", flat=True)) == [retained.pk]


def test_the_database_allows_a_raw_delete_without_retention(document):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [document.pk.hex])
    assert not Document.objects.filter(pk=document.pk).exists()


def test_a_document_saved_by_hand_starts_its_own_lineage(document):
    by_hand = Document(
        target_type=document.target_type,
        target_id=document.target_id,
        file="documents/by-hand.pdf",
        original_filename="by-hand.pdf",
        detected_content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    by_hand.save()
    assert Document.objects.get(pk=by_hand.pk).lineage == by_hand.pk


def test_the_database_refuses_a_version_number_taken_twice(document):
    duplicate = Document(
        target_type=document.target_type,
        target_id=document.target_id,
        file="documents/duplicate.pdf",
        original_filename="duplicate.pdf",
        detected_content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        lineage=document.lineage,
        version=1,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
