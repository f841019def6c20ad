"""A write and its entries commit together or not at all, also in autocommit mode (no test transaction)."""

import pytest
from django.db import IntegrityError

from django_audit_log.models import AuditLog
from tests.testapp.models import Account, Customer


class EntryWriteFailed(Exception):
    pass


@pytest.fixture
def break_entry_writes(monkeypatch):
    """Call it to make every later entry insert of automatic tracking fail."""

    def fail(entries, *, using):
        raise EntryWriteFailed

    return lambda: monkeypatch.setattr("django_audit_log.tracking.diff.insert_entries", fail)


def test_update_is_rolled_back_when_its_entry_cannot_be_written(autocommit_db, break_entry_writes):
    customer = Customer.objects.create(name="Ada")
    break_entry_writes()
    customer.name = "Not saved"
    with pytest.raises(EntryWriteFailed):
        customer.save()
    assert Customer.objects.get(pk=customer.pk).name == "Ada"


def test_create_is_rolled_back_when_its_entry_cannot_be_written(autocommit_db, break_entry_writes):
    break_entry_writes()
    with pytest.raises(EntryWriteFailed):
        Customer.objects.create(name="Ada")
    assert not Customer.objects.exists()


def test_delete_is_rolled_back_when_its_entry_cannot_be_written(autocommit_db, break_entry_writes):
    customer = Customer.objects.create(name="Ada")
    break_entry_writes()
    with pytest.raises(EntryWriteFailed):
        customer.delete()
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_queryset_update_is_rolled_back_when_its_entries_cannot_be_written(autocommit_db, break_entry_writes):
    Customer.objects.create(name="Ada")
    break_entry_writes()
    with pytest.raises(EntryWriteFailed):
        Customer.objects.update(name="Not saved")
    assert list(Customer.objects.values_list("name", flat=True)) == ["Ada"]


def test_queryset_delete_is_rolled_back_when_its_entries_cannot_be_written(autocommit_db, break_entry_writes):
    Customer.objects.create(name="Ada")
    break_entry_writes()
    with pytest.raises(EntryWriteFailed):
        Customer.objects.all().delete()
    assert Customer.objects.count() == 1


def test_bulk_create_is_rolled_back_when_its_entries_cannot_be_written(autocommit_db, break_entry_writes):
    break_entry_writes()
    with pytest.raises(EntryWriteFailed):
        Customer.objects.bulk_create([Customer(name="A"), Customer(name="B")])
    assert not Customer.objects.exists()


def test_bulk_update_is_rolled_back_when_its_entries_cannot_be_written(autocommit_db, break_entry_writes):
    customer = Customer.objects.create(name="Ada")
    break_entry_writes()
    customer.name = "Not saved"
    with pytest.raises(EntryWriteFailed):
        Customer.objects.bulk_update([customer], ["name"])
    assert Customer.objects.get(pk=customer.pk).name == "Ada"


def test_a_failed_bulk_create_leaves_no_entries(autocommit_db):
    customer = Customer.objects.create(name="Ada")
    Account.objects.create(customer=customer, number="A-1")
    with pytest.raises(IntegrityError):
        Account.objects.bulk_create(
            [Account(customer=customer, number="A-2"), Account(customer=customer, number="A-1")]
        )
    assert list(Account.objects.values_list("number", flat=True)) == ["A-1"]
    assert AuditLog.objects.filter(model_label="testapp.Account").count() == 1


def test_a_failed_queryset_update_leaves_no_entries(autocommit_db):
    customer = Customer.objects.create(name="Ada")
    Account.objects.create(customer=customer, number="A-1")
    Account.objects.create(customer=customer, number="A-2")
    with pytest.raises(IntegrityError):
        Account.objects.update(number="same")
    assert AuditLog.objects.filter(model_label="testapp.Account", action="update").count() == 0
