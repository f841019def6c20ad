import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from django_audit_log import audit_context
from tests.testapp.models import Account, Customer, Note

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    return Customer.objects.create(name="Ada", email="ada@example.com", password="s3cret", visits=1)


def test_create_records_every_tracked_field(entries):
    customer = Customer.objects.create(name="Ada", balance="10.50", profile={"lang": "en"})
    [entry] = entries()
    assert (entry.action, entry.model_label, entry.object_id) == ("create", "testapp.Customer", customer.pk.hex)
    assert entry.object_repr == "Customer Ada"
    assert entry.metadata == {"write": "save"}
    assert entry.changes == {
        "name": {"new": "Ada"},
        "email": {"new": ""},
        "password": {"new": "[REDACTED]"},
        "balance": {"new": "10.50"},
        "visits": {"new": 0},
        "profile": {"new": {"lang": "en"}},
        "last_seen": {"new": None},
    }


def test_auto_now_fields_are_not_tracked_by_default(customer, entries):
    assert "updated_at" not in entries()[0].changes


def test_update_records_only_the_changed_fields(customer, entries):
    customer = Customer.objects.get(pk=customer.pk)
    customer.name = "Ada L."
    customer.visits = 2
    customer.save()
    update = entries(action="update")
    assert [entry.changes for entry in update] == [
        {"name": {"old": "Ada", "new": "Ada L."}, "visits": {"old": 1, "new": 2}}
    ]


def test_save_without_changes_writes_no_entry(customer, entries):
    Customer.objects.get(pk=customer.pk).save()
    assert entries(action="update") == []


def test_value_of_another_type_but_equal_is_no_change(customer, entries):
    customer.visits = "1"
    customer.save()
    assert entries(action="update") == []


def test_tracked_save_costs_the_update_and_one_insert(customer, django_assert_num_queries):
    customer = Customer.objects.get(pk=customer.pk)
    customer.name = "Ada L."
    with django_assert_num_queries(2) as captured:
        customer.save()
    assert captured.captured_queries[0]["sql"].startswith("UPDATE")
    assert captured.captured_queries[1]["sql"].startswith("INSERT")


def test_untracked_change_costs_only_the_update(customer, django_assert_num_queries):
    customer = Customer.objects.get(pk=customer.pk)
    with django_assert_num_queries(1):
        customer.save()


def test_the_old_value_is_the_loaded_value_not_reread(customer, entries):
    loaded = Customer.objects.get(pk=customer.pk)
    Customer.objects.filter(pk=customer.pk).update(name="Changed elsewhere")
    loaded.name = "Mine"
    loaded.save()
    assert entries(action="update")[-1].changes["name"] == {"old": "Ada", "new": "Mine"}


def test_deferred_fields_are_not_loaded_nor_recorded(customer, entries, django_assert_num_queries):
    with django_assert_num_queries(1):
        loaded = Customer.objects.only("name").get(pk=customer.pk)
    loaded.name = "Ada L."
    with django_assert_num_queries(2):
        loaded.save()
    assert entries(action="update")[-1].changes == {"name": {"old": "Ada", "new": "Ada L."}}


def test_a_deferred_field_assigned_is_recorded_without_old_value(customer, entries):
    loaded = Customer.objects.only("name").get(pk=customer.pk)
    loaded.visits = 5
    loaded.save()
    assert entries(action="update")[-1].changes == {"visits": {"new": 5}}


def test_update_fields_limit_what_is_recorded(customer, entries):
    customer.name = "Ada L."
    customer.visits = 9
    customer.save(update_fields=["name"])
    assert entries(action="update")[-1].changes == {"name": {"old": "Ada", "new": "Ada L."}}
    customer.save(update_fields=["visits"])
    assert entries(action="update")[-1].changes == {"visits": {"old": 1, "new": 9}}


def test_in_place_change_of_a_json_field_is_detected(customer, entries):
    customer = Customer.objects.get(pk=customer.pk)
    customer.profile["lang"] = "fr"
    customer.save()
    assert entries(action="update")[-1].changes == {"profile": {"old": {}, "new": {"lang": "fr"}}}


def test_successive_saves_diff_against_the_last_save(customer, entries):
    customer.name = "B"
    customer.save()
    customer.name = "C"
    customer.save()
    assert [e.changes["name"] for e in entries(action="update")] == [
        {"old": "Ada", "new": "B"},
        {"old": "B", "new": "C"},
    ]


def test_expression_values_are_recorded_as_stored(customer, entries):
    customer.visits = F("visits") + 10
    customer.save()
    assert entries(action="update")[-1].changes == {"visits": {"old": 1, "new": 11}}
    customer.refresh_from_db()
    customer.visits = 12
    customer.save()
    assert entries(action="update")[-1].changes == {"visits": {"old": 11, "new": 12}}


def test_refresh_from_db_resets_the_old_values(customer, entries):
    Customer.objects.filter(pk=customer.pk).update(name="Changed elsewhere")
    customer.refresh_from_db()
    customer.name = "Mine"
    customer.save()
    assert entries(action="update")[-1].changes["name"] == {"old": "Changed elsewhere", "new": "Mine"}


def test_refresh_of_some_fields_resets_only_those(customer, entries):
    Customer.objects.filter(pk=customer.pk).update(name="N2", visits=7)
    customer.refresh_from_db(fields=["visits"])
    customer.visits = 8
    customer.save(update_fields=["visits"])
    assert entries(action="update")[-1].changes == {"visits": {"old": 7, "new": 8}}


def test_saving_an_unloaded_instance_over_a_row_records_new_values_only(entries):
    customer = Customer.objects.create(name="Ada")
    account = Account.objects.create(customer=customer, number="A-1")
    Account(pk=account.pk, customer=customer, number="A-1", status="closed").save()
    changes = entries(action="update")[-1].changes
    assert changes["status"] == {"new": "closed"}
    assert all(set(sides) == {"new"} for sides in changes.values())


def test_foreign_keys_are_recorded_as_primary_keys(customer, entries):
    account = Account.objects.create(customer=customer, number="A-1")
    assert entries(model_label="testapp.Account")[0].changes["customer"] == {"new": str(customer.pk)}
    other = Customer.objects.create(name="Bob")
    account.customer = other
    account.save()
    assert entries(action="update")[-1].changes["customer"] == {"old": str(customer.pk), "new": str(other.pk)}


def test_datetimes_are_recorded_in_utc_iso_format(customer, entries):
    customer.last_seen = datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    customer.save()
    assert entries(action="update")[-1].changes["last_seen"] == {"old": None, "new": "2026-05-01T10:00:00+00:00"}


def test_exclude_and_registration_options_apply(customer, entries):
    Account.objects.create(customer=customer, number="A-1", pin_hint="dog", internal_note="vip")
    [entry] = entries(model_label="testapp.Account")
    assert "internal_note" not in entry.changes
    assert entry.changes["pin_hint"] == {"new": "[REDACTED]"}
    assert entry.sensitivity == "high"


def test_include_limits_the_tracked_fields(entries):
    Note.objects.create(text="hello", priority=3)
    assert entries(model_label="testapp.Note")[0].changes == {"text": {"new": "hello"}, "account": {"new": None}}


def test_change_of_an_untracked_field_writes_no_entry(entries):
    note = Note.objects.create(text="hello")
    note.priority = 3
    note.save()
    assert entries(model_label="testapp.Note", action="update") == []


def test_delete_records_the_last_values(customer, entries):
    pk = customer.pk
    customer.delete()
    [entry] = entries(action="delete")
    assert (entry.object_id, entry.object_repr) == (pk.hex, "Customer Ada")
    assert entry.changes["name"] == {"old": "Ada"}
    assert entry.changes["password"] == {"old": "[REDACTED]"}
    assert entry.metadata == {"write": "delete"}


def test_cascaded_deletes_are_recorded(customer, entries):
    Account.objects.create(customer=customer, number="A-1")
    customer.delete()
    [account_entry] = entries(action="delete", model_label="testapp.Account")
    assert account_entry.metadata == {"write": "cascade"}
    assert account_entry.changes["number"] == {"old": "A-1"}


def test_delete_of_an_instance_never_loaded_records_no_values(customer, entries):
    Customer(pk=customer.pk).delete()
    assert entries(action="delete")[0].changes == {}


def test_entries_take_the_actor_and_request_from_the_context(user, entries):
    with audit_context(actor=user, ip_address="10.0.0.1", request_id="r-1"):
        Customer.objects.create(name="Ada")
    [entry] = entries()
    assert (entry.actor_id, entry.actor_repr, entry.ip_address, entry.request_id) == (
        user.pk,
        "alice",
        "10.0.0.1",
        "r-1",
    )


def test_a_failed_save_leaves_no_entry(customer, entries):
    Account.objects.create(customer=customer, number="A-1")
    duplicate = Account(customer=customer, number="A-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert len(entries(model_label="testapp.Account")) == 1


def test_entry_is_written_in_the_transaction_of_the_save(customer, entries):
    with transaction.atomic():
        customer.name = "Rolled back"
        customer.save()
        assert len(entries(action="update")) == 1
        transaction.set_rollback(True)
    assert entries(action="update") == []
    assert Customer.objects.get(pk=customer.pk).name == "Ada"
