"""Posted transactions and entries refuse every change through the ORM with a typed error."""

from __future__ import annotations

from decimal import Decimal

import pytest

from django_ledger import ImmutableEntryError, ImmutableFactError, ImmutableTransactionError
from django_ledger.models import Entry, Transaction

pytestmark = pytest.mark.django_db


def test_saving_a_changed_posted_entry_raises(sale):
    entry = sale.entries.first()
    entry.amount = Decimal("1")
    with pytest.raises(ImmutableEntryError):
        entry.save()
    assert Entry.objects.get(pk=entry.pk).amount == Decimal("100")


def test_moving_a_posted_entry_to_a_draft_raises(sale):
    draft = Transaction.objects.create(description="Draft")
    entry = sale.entries.first()
    entry.transaction = draft
    with pytest.raises(ImmutableEntryError):
        entry.save()


def test_deleting_a_posted_entry_raises(sale):
    with pytest.raises(ImmutableEntryError):
        sale.entries.first().delete()
    assert sale.entries.count() == 2


def test_saving_a_posted_transaction_raises(sale):
    sale.description = "Edited"
    with pytest.raises(ImmutableTransactionError):
        sale.save()
    assert Transaction.objects.get(pk=sale.pk).description == "Cash sale"


def test_saving_a_stale_copy_of_a_transaction_posted_since_raises(sale):
    stale = Transaction.objects.get(pk=sale.pk)
    stale.posted_at = None
    with pytest.raises(ImmutableTransactionError):
        stale.save()


def test_deleting_a_posted_transaction_raises(sale):
    with pytest.raises(ImmutableTransactionError):
        sale.delete()
    assert Transaction.objects.filter(pk=sale.pk).exists()


def test_queryset_update_of_posted_entries_raises(sale):
    with pytest.raises(ImmutableEntryError):
        Entry.objects.update(amount=Decimal("1"))


def test_queryset_delete_of_posted_entries_raises(sale):
    with pytest.raises(ImmutableEntryError):
        Entry.objects.all().delete()


def test_bulk_update_of_posted_entries_raises(sale):
    entries = list(sale.entries.all())
    for entry in entries:
        entry.amount = Decimal("1")
    with pytest.raises(ImmutableEntryError):
        Entry.objects.bulk_update(entries, ["amount"])


def test_queryset_update_of_posted_transactions_raises(sale):
    with pytest.raises(ImmutableTransactionError):
        Transaction.objects.update(description="Edited")


def test_queryset_delete_of_posted_transactions_raises(sale):
    with pytest.raises(ImmutableTransactionError):
        Transaction.objects.all().delete()


def test_immutability_errors_share_a_base_class():
    assert issubclass(ImmutableEntryError, ImmutableFactError)
    assert issubclass(ImmutableTransactionError, ImmutableFactError)
