import pytest

from tests.testapp.models import Invoice, Tag, Ticket


@pytest.mark.django_db
def test_reverse_join_finds_uuid_and_integer_targets():
    invoice = Invoice.objects.create(number="1")
    ticket = Ticket.objects.create(title="t")
    Tag.objects.create(name="urgent", target=invoice)
    Tag.objects.create(name="urgent", target=ticket)
    assert list(Invoice.objects.filter(tags__name="urgent")) == [invoice]
    assert list(Ticket.objects.filter(tags__name="urgent")) == [ticket]
    assert [t.name for t in invoice.tags.all()] == ["urgent"]
    assert [i.tags.all()[0].name for i in Invoice.objects.prefetch_related("tags")] == ["urgent"]
    assert {t.target for t in Tag.objects.prefetch_related("target")} == {invoice, ticket}


@pytest.mark.django_db
def test_soft_delete_hides_row():
    invoice = Invoice.objects.create(number="1")
    invoice.delete()
    assert not Invoice.objects.exists()
    assert Invoice.all_objects.get().is_deleted
    Invoice.objects.create(number="1")
