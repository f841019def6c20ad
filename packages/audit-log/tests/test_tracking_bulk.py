import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from django_audit_log import audit_context
from tests.testapp.models import Account, Customer, Note, Plain, Receipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def customers():
    return [Customer.objects.create(name=name, visits=i) for i, name in enumerate(["Ada", "Bob", "Cy"])]


def _bulk(entries, write):
    return [entry for entry in entries() if entry.metadata.get("write") == write]


def test_queryset_update_records_each_affected_row(customers, entries):
    Customer.objects.filter(name__in=["Ada", "Bob"]).update(name="Same")
    recorded = _bulk(entries, "queryset.update")
    assert sorted(entry.object_id for entry in recorded) == sorted(c.pk.hex for c in customers[:2])
    assert {entry.object_id: entry.changes for entry in recorded} == {
        customers[0].pk.hex: {"name": {"old": "Ada", "new": "Same"}},
        customers[1].pk.hex: {"name": {"old": "Bob", "new": "Same"}},
    }
    assert {entry.action for entry in recorded} == {"update"}


def test_queryset_update_skips_rows_that_do_not_change(customers, entries):
    Customer.objects.update(name="Bob")
    assert [entry.object_id for entry in _bulk(entries, "queryset.update")] != []
    assert customers[1].pk.hex not in {entry.object_id for entry in _bulk(entries, "queryset.update")}


def test_queryset_update_returns_the_row_count(customers):
    assert Customer.objects.filter(visits__gte=1).update(name="X") == 2


def test_queryset_update_of_untracked_fields_writes_no_entry(entries):
    Note.objects.create(text="a")
    Note.objects.update(priority=5)
    assert _bulk(entries, "queryset.update") == []


def test_queryset_update_with_expressions_records_the_stored_values(customers, entries):
    Customer.objects.update(visits=F("visits") + 10)
    recorded = {entry.object_id: entry.changes for entry in _bulk(entries, "queryset.update")}
    assert recorded[customers[2].pk.hex] == {"visits": {"old": 2, "new": 12}}


def test_queryset_update_of_a_foreign_key_records_primary_keys(customers, entries):
    account = Account.objects.create(customer=customers[0], number="A-1")
    Account.objects.filter(pk=account.pk).update(customer=customers[1])
    [entry] = _bulk(entries, "queryset.update")
    assert entry.changes == {"customer": {"old": str(customers[0].pk), "new": str(customers[1].pk)}}


def test_queryset_update_through_a_related_manager_is_recorded(customers, entries):
    account = Account.objects.create(customer=customers[0], number="A-1")
    customers[0].accounts.update(status="frozen")
    [entry] = _bulk(entries, "queryset.update")
    assert (entry.object_id, entry.changes) == (str(account.pk), {"status": {"old": "open", "new": "frozen"}})


def test_queryset_update_redacts_sensitive_fields(customers, entries):
    Customer.objects.filter(pk=customers[0].pk).update(password="new-secret")
    [entry] = _bulk(entries, "queryset.update")
    assert entry.changes == {"password": {"old": "[REDACTED]", "new": "[REDACTED]"}}


def test_queryset_update_on_a_sliced_queryset_is_refused(customers):
    with pytest.raises(TypeError):
        Customer.objects.all()[:1].update(name="X")


def test_queryset_delete_records_each_row_in_one_insert(customers, entries, django_assert_max_num_queries):
    with django_assert_max_num_queries(4) as captured:
        Customer.objects.filter(visits__lte=1).delete()
    inserts = [q for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    recorded = _bulk(entries, "queryset.delete")
    assert sorted(entry.object_id for entry in recorded) == sorted(c.pk.hex for c in customers[:2])
    assert {entry.changes["name"]["old"] for entry in recorded} == {"Ada", "Bob"}


def test_queryset_delete_records_cascades(customers, entries):
    Account.objects.create(customer=customers[0], number="A-1")
    Customer.objects.filter(pk=customers[0].pk).delete()
    [cascaded] = [e for e in entries(action="delete") if e.model_label == "testapp.Account"]
    assert cascaded.metadata == {"write": "cascade"}


def test_set_null_on_delete_is_recorded_as_an_update(customers, entries):
    account = Account.objects.create(customer=customers[0], number="A-1")
    note = Note.objects.create(account=account, text="hi")
    account_pk = account.pk
    account.delete()
    [entry] = [e for e in entries(action="update") if e.model_label == "testapp.Note"]
    assert (entry.object_id, entry.changes) == (str(note.pk), {"account": {"old": account_pk, "new": None}})


def test_bulk_create_records_each_object(entries):
    created = Customer.objects.bulk_create([Customer(name="A", password="p"), Customer(name="B")])
    recorded = {entry.object_id: entry for entry in _bulk(entries, "bulk_create")}
    assert set(recorded) == {obj.pk.hex for obj in created}
    first = recorded[created[0].pk.hex]
    assert first.action == "create"
    assert first.changes["name"] == {"new": "A"}
    assert first.changes["password"] == {"new": "[REDACTED]"}


def test_bulk_create_with_integer_keys_records_the_returned_keys(customers, entries):
    if not connection.features.can_return_rows_from_bulk_insert:
        pytest.skip("this database does not return keys from a bulk insert")
    accounts = Account.objects.bulk_create([Account(customer=customers[0], number=f"A-{i}") for i in range(3)])
    assert sorted(e.object_id for e in _bulk(entries, "bulk_create")) == sorted(str(a.pk) for a in accounts)


def test_bulk_create_with_ignored_conflicts_says_so(customers, entries):
    Account.objects.bulk_create([Account(customer=customers[0], number="A-1")], ignore_conflicts=True)
    assert _bulk(entries, "bulk_create")[0].metadata == {"write": "bulk_create", "on_conflict": "ignore"}


def _conflict_target(*fields):
    """``unique_fields`` for ``bulk_create(update_conflicts=True)``: MariaDB and MySQL take none (any unique
    key that conflicts updates the row)."""
    return {"unique_fields": list(fields)} if connection.features.supports_update_conflicts_with_target else {}


def test_bulk_create_with_updated_conflicts_says_so(customers, entries):
    Account.objects.bulk_create(
        [Account(customer=customers[0], number="A-1", status="new")],
        update_conflicts=True,
        update_fields=["status"],
        **_conflict_target("number"),
    )
    assert _bulk(entries, "bulk_create")[0].metadata == {"write": "bulk_create", "on_conflict": "update"}


def test_bulk_create_into_a_guarded_table_with_ignore_conflicts_records_each_new_row(entries):
    Receipt.objects.bulk_create([Receipt(number="R-1"), Receipt(number="R-2")], ignore_conflicts=True)

    recorded = [e for e in _bulk(entries, "bulk_create") if e.model_label == "testapp.Receipt"]
    assert sorted(Receipt.objects.values_list("number", flat=True)) == ["R-1", "R-2"]
    assert [e.metadata for e in recorded] == [{"write": "bulk_create", "on_conflict": "ignore"}] * 2


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's guard against replacing a guarded row")
def test_the_replace_guard_refuses_a_conflict_ignored_into_a_guarded_table_and_records_nothing(entries):
    Receipt.objects.create(number="R-1", amount=5)
    before = len(entries())

    # INSERT OR IGNORE would skip the row; the guard refuses any insert reusing a guarded row's key first.
    with pytest.raises(IntegrityError, match="never replaced"), transaction.atomic():
        Receipt.objects.bulk_create([Receipt(number="R-1"), Receipt(number="R-2")], ignore_conflicts=True)

    assert list(Receipt.objects.values_list("number", "amount")) == [("R-1", 5)]
    assert len(entries()) == before


@pytest.mark.skipif(
    "connection.vendor == 'sqlite'", reason="ON CONFLICT DO NOTHING and INSERT IGNORE change no guarded row"
)
def test_the_server_databases_skip_a_conflict_ignored_into_a_guarded_table_and_record_every_object(entries):
    Receipt.objects.create(number="R-1", amount=5)

    Receipt.objects.bulk_create([Receipt(number="R-1"), Receipt(number="R-2")], ignore_conflicts=True)

    assert sorted(Receipt.objects.values_list("number", "amount")) == [("R-1", 5), ("R-2", 0)]
    recorded = [e for e in _bulk(entries, "bulk_create") if e.model_label == "testapp.Receipt"]
    assert len(recorded) == 2  # Django cannot say which object was skipped: each is recorded, marked on_conflict


def test_bulk_create_updating_conflicts_in_a_guarded_table_is_refused_and_records_nothing(entries):
    Receipt.objects.create(number="R-1", amount=5)
    before = len(entries())

    with pytest.raises(IntegrityError, match=r"receipts are append-only|never replaced"), transaction.atomic():
        Receipt.objects.bulk_create(
            [Receipt(number="R-1", amount=9)],
            update_conflicts=True,
            update_fields=["amount"],
            **_conflict_target("number"),
        )

    assert list(Receipt.objects.values_list("number", "amount")) == [("R-1", 5)]
    assert len(entries()) == before


def test_bulk_created_objects_diff_against_their_created_values(entries):
    [customer] = Customer.objects.bulk_create([Customer(name="A")])
    customer.name = "B"
    customer.save()
    assert entries(action="update")[-1].changes == {"name": {"old": "A", "new": "B"}}


def test_bulk_update_records_the_changed_fields_of_each_object(customers, entries, django_assert_num_queries):
    loaded = list(Customer.objects.order_by("visits"))
    loaded[0].name = "Ada L."
    loaded[1].visits = 50
    with django_assert_num_queries(2):  # Django's one UPDATE for the batch, one INSERT for the entries
        assert Customer.objects.bulk_update(loaded, ["name", "visits"]) == 3
    recorded = {entry.object_id: entry.changes for entry in _bulk(entries, "bulk_update")}
    assert recorded == {
        loaded[0].pk.hex: {"name": {"old": "Ada", "new": "Ada L."}},
        loaded[1].pk.hex: {"visits": {"old": 1, "new": 50}},
    }


def test_bulk_update_of_objects_never_loaded_records_new_values_only(customers, entries):
    Customer.objects.bulk_update([Customer(pk=customers[0].pk, name="X")], ["name"])
    assert _bulk(entries, "bulk_update")[0].changes == {"name": {"new": "X"}}


def test_bulk_update_with_an_expression_records_the_stored_value(customers, entries):
    customers[2].visits = F("visits") + 1
    Customer.objects.bulk_update([customers[2]], ["visits"])
    assert _bulk(entries, "bulk_update")[0].changes == {"visits": {"old": 2, "new": 3}}


def test_bulk_update_refreshes_the_old_values(customers, entries):
    customers[0].name = "B"
    Customer.objects.bulk_update([customers[0]], ["name"])
    customers[0].name = "C"
    customers[0].save()
    assert entries(action="update")[-1].changes == {"name": {"old": "B", "new": "C"}}


def test_bulk_entries_carry_the_request_context(customers, user, entries):
    with audit_context(actor=user, request_id="bulk-1"):
        Customer.objects.update(name="X")
    recorded = _bulk(entries, "queryset.update")
    assert {(entry.actor_id, entry.request_id) for entry in recorded} == {(user.pk, "bulk-1")}


def test_untracked_models_keep_the_plain_bulk_paths(entries):
    [plain] = Plain.objects.bulk_create([Plain(name="a")])
    plain.name = "b"
    Plain.objects.bulk_update([plain], ["name"])
    Plain.objects.update(size=2)
    Plain.objects.all().delete()
    assert entries() == []


def test_clearing_a_reverse_foreign_key_is_recorded(customers, entries):
    account = Account.objects.create(customer=customers[0], number="A-1")
    note = Note.objects.create(account=account, text="hi")
    account.notes.clear()
    [entry] = _bulk(entries, "queryset.update")
    assert (entry.object_id, entry.changes) == (str(note.pk), {"account": {"old": account.pk, "new": None}})


def test_loaddata_is_recorded(tmp_path, entries):
    fixture = tmp_path / "notes.json"
    fixture.write_text('[{"model": "testapp.note", "pk": 7, "fields": {"text": "from a fixture"}}]')
    call_command("loaddata", str(fixture), verbosity=0)
    [entry] = entries(model_label="testapp.Note")
    assert (entry.action, entry.object_id, entry.changes["text"]) == ("create", "7", {"new": "from a fixture"})
