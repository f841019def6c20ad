import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.testapp.models import Invoice, Memo

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_invoices() -> list[Invoice]:
    return [Invoice.objects.create(number=f"INV-{n}") for n in (1, 2, 3)]


def test_queryset_delete_soft_deletes_in_one_update(three_invoices):
    with CaptureQueriesContext(connection) as queries:
        result = Invoice.objects.filter(number__in=["INV-1", "INV-2"]).delete()
    assert result == (2, {"testapp.Invoice": 2})
    assert len(queries) == 1
    assert queries[0]["sql"].startswith("UPDATE")
    assert list(Invoice.objects.values_list("number", flat=True)) == ["INV-3"]
    assert Invoice.all_objects.count() == 3


def test_queryset_delete_keeps_the_timestamp_of_rows_already_deleted(three_invoices):
    three_invoices[0].delete()
    first = Invoice.all_objects.get(number="INV-1").deleted_at
    assert Invoice.all_objects.all().delete() == (2, {"testapp.Invoice": 2})
    assert Invoice.all_objects.get(number="INV-1").deleted_at == first


def test_queryset_delete_moves_updated_at(three_invoices):
    Invoice.objects.all().delete()
    for before in three_invoices:
        assert Invoice.all_objects.get(pk=before.pk).updated_at > before.updated_at


def test_manager_has_no_delete_to_wipe_a_table_by_accident():
    assert not hasattr(Invoice.objects, "delete")


def test_queryset_restore_restores_in_one_update(three_invoices):
    Invoice.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        restored = Invoice.deleted_objects.filter(number__in=["INV-1", "INV-3"]).restore()
    assert restored == 2
    assert len(queries) == 1
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["INV-1", "INV-3"]


def test_queryset_restore_counts_only_rows_that_were_deleted(three_invoices):
    three_invoices[0].delete()
    assert Invoice.all_objects.restore() == 1
    assert Invoice.objects.count() == 3


def test_queryset_restore_moves_updated_at(three_invoices):
    Invoice.objects.all().delete()
    deleted = {invoice.pk: invoice.updated_at for invoice in Invoice.all_objects.all()}
    Invoice.all_objects.restore()
    assert all(invoice.updated_at > deleted[invoice.pk] for invoice in Invoice.objects.all())


def test_queryset_hard_delete_removes_rows_live_or_deleted(three_invoices):
    three_invoices[0].delete()
    result = Invoice.all_objects.filter(number__in=["INV-1", "INV-2"]).hard_delete()
    assert result == (2, {"testapp.Invoice": 2})
    assert list(Invoice.all_objects.values_list("number", flat=True)) == ["INV-3"]


def test_alive_and_dead_split_a_queryset(three_invoices):
    three_invoices[0].delete()
    assert list(Invoice.all_objects.dead().values_list("number", flat=True)) == ["INV-1"]
    assert sorted(Invoice.all_objects.alive().values_list("number", flat=True)) == ["INV-2", "INV-3"]


def test_bulk_soft_delete_works_without_timestamps():
    Memo.objects.create(title="a")
    assert Memo.objects.all().delete() == (1, {"testapp.Memo": 1})
    assert Memo.all_objects.restore() == 1
