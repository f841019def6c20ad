import pytest
from django.db.models.signals import post_delete, post_save, pre_delete

from tests.testapp.models import Invoice, Memo

pytestmark = pytest.mark.django_db


def test_delete_marks_the_row_deleted_instead_of_removing_it(invoice):
    invoice.delete()
    assert invoice.is_deleted
    assert Invoice.all_objects.get(pk=invoice.pk).deleted_at == invoice.deleted_at


def test_delete_returns_a_count_like_django(invoice):
    assert invoice.delete() == (1, {"testapp.Invoice": 1})


def test_default_manager_hides_deleted_rows(invoice):
    Invoice.objects.create(number="INV-2")
    invoice.delete()
    assert list(Invoice.objects.values_list("number", flat=True)) == ["INV-2"]
    assert Invoice._default_manager is Invoice.objects


def test_all_objects_shows_live_and_deleted_rows(invoice):
    Invoice.objects.create(number="INV-2")
    invoice.delete()
    assert sorted(Invoice.all_objects.values_list("number", flat=True)) == ["INV-1", "INV-2"]


def test_deleted_objects_shows_only_deleted_rows(invoice):
    Invoice.objects.create(number="INV-2")
    invoice.delete()
    assert list(Invoice.deleted_objects.values_list("number", flat=True)) == ["INV-1"]


def test_get_through_the_default_manager_misses_a_deleted_row(invoice):
    invoice.delete()
    with pytest.raises(Invoice.DoesNotExist):
        Invoice.objects.get(pk=invoice.pk)


def test_refresh_from_db_still_works_on_a_deleted_row(invoice):
    invoice.delete()
    invoice.refresh_from_db()
    assert invoice.is_deleted


def test_delete_twice_keeps_the_first_timestamp(invoice):
    invoice.delete()
    first = invoice.deleted_at
    assert invoice.delete() == (0, {"testapp.Invoice": 0})
    invoice.refresh_from_db()
    assert invoice.deleted_at == first


def test_delete_moves_updated_at(invoice):
    before = invoice.updated_at
    invoice.delete()
    invoice.refresh_from_db()
    assert invoice.updated_at > before


def test_delete_saves_only_the_deletion_fields(invoice):
    invoice.number = "unsaved change"
    invoice.delete()
    assert Invoice.all_objects.get(pk=invoice.pk).number == "INV-1"


def test_delete_sends_save_signals_not_delete_signals(invoice):
    received = []

    def record(sender, **kwargs):
        received.append(kwargs["signal"])

    for signal in (pre_delete, post_delete, post_save):
        signal.connect(record, sender=Invoice)
    try:
        invoice.delete()
    finally:
        for signal in (pre_delete, post_delete, post_save):
            signal.disconnect(record, sender=Invoice)
    assert received == [post_save]


def test_delete_of_an_unsaved_instance_raises_and_writes_nothing():
    with pytest.raises(ValueError, match="never saved"):
        Invoice(number="draft").delete()
    assert not Invoice.all_objects.exists()


def test_restore_brings_the_row_back(invoice):
    invoice.delete()
    invoice.restore()
    assert not invoice.is_deleted
    assert Invoice.objects.get(pk=invoice.pk).deleted_at is None


def test_restore_of_a_live_row_changes_nothing(invoice):
    before = invoice.updated_at
    invoice.restore()
    invoice.refresh_from_db()
    assert invoice.updated_at == before


def test_restore_moves_updated_at(invoice):
    invoice.delete()
    deleted_at_update = Invoice.all_objects.get(pk=invoice.pk).updated_at
    invoice.restore()
    invoice.refresh_from_db()
    assert invoice.updated_at > deleted_at_update


def test_hard_delete_removes_the_row(invoice):
    assert invoice.hard_delete() == (1, {"testapp.Invoice": 1})
    assert not Invoice.all_objects.exists()


def test_hard_delete_removes_an_already_soft_deleted_row(invoice):
    invoice.delete()
    invoice.hard_delete()
    assert not Invoice.all_objects.exists()


def test_hard_delete_sends_delete_signals(invoice):
    received = []

    def record(sender, **kwargs):
        received.append(kwargs["signal"])

    post_delete.connect(record, sender=Invoice)
    try:
        invoice.hard_delete()
    finally:
        post_delete.disconnect(record, sender=Invoice)
    assert received == [post_delete]


def test_soft_delete_works_without_timestamps():
    memo = Memo.objects.create(title="call back")
    memo.delete()
    assert not Memo.objects.exists()
    Memo.all_objects.get().restore()
    assert Memo.objects.get().title == "call back"


def test_custom_manager_built_on_alive_manager_hides_deleted_rows():
    Memo.objects.create(title="kept", pinned=True)
    Memo.objects.create(title="gone", pinned=True).delete()
    assert list(Memo.objects.pinned().values_list("title", flat=True)) == ["kept"]
    assert Memo._default_manager is Memo.objects
