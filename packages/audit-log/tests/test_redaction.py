import json

import pytest

from django_audit_log import log, log_event
from django_audit_log.conf import DEFAULT_REDACT_FIELDS
from django_audit_log.models import AuditLog
from tests.testapp.models import Customer, Plain

pytestmark = pytest.mark.django_db


def test_default_sensitive_keys_are_redacted_in_metadata():
    entry = log_event("login", metadata={"username": "ada", "password": "pw", "api_key": "k"})
    assert entry.metadata == {"username": "ada", "password": "[REDACTED]", "api_key": "[REDACTED]"}


def test_redaction_reaches_nested_mappings_and_lists():
    entry = log_event(
        "sync",
        metadata={"clients": [{"name": "a", "client_secret": "s1"}, {"name": "b", "auth": {"token": "t"}}]},
    )
    assert entry.metadata == {
        "clients": [{"name": "a", "client_secret": "[REDACTED]"}, {"name": "b", "auth": {"token": "[REDACTED]"}}]
    }


def test_redaction_ignores_the_case_of_keys():
    assert log_event("login", metadata={"Password": "pw", "TOKEN": "t"}).metadata == {
        "Password": "[REDACTED]",
        "TOKEN": "[REDACTED]",
    }


def test_a_redacted_value_that_is_a_structure_is_replaced_whole():
    assert log_event("x", metadata={"secret": {"a": 1}}).metadata == {"secret": "[REDACTED]"}


def test_changes_of_a_sensitive_field_keep_their_sides_but_not_the_values():
    plain = Plain.objects.create(name="p")
    entry = log("reset", plain, changes={"password": {"old": "a", "new": "b"}, "name": {"old": "p", "new": "q"}})
    assert entry.changes == {"password": {"old": "[REDACTED]", "new": "[REDACTED]"}, "name": {"old": "p", "new": "q"}}


def test_sensitive_keys_inside_changed_values_are_redacted():
    plain = Plain.objects.create(name="p")
    entry = log("edit", plain, changes={"settings": {"old": {"token": "x", "lang": "en"}, "new": {"lang": "fr"}}})
    assert entry.changes == {"settings": {"old": {"token": "[REDACTED]", "lang": "en"}, "new": {"lang": "fr"}}}


def test_the_setting_replaces_the_default_names(settings):
    settings.AUDIT_LOG_REDACT_FIELDS = [*DEFAULT_REDACT_FIELDS, "iban"]
    assert log_event("pay", metadata={"iban": "DE00", "password": "pw"}).metadata == {
        "iban": "[REDACTED]",
        "password": "[REDACTED]",
    }
    settings.AUDIT_LOG_REDACT_FIELDS = ["iban"]
    assert log_event("pay", metadata={"password": "pw"}).metadata == {"password": "pw"}


def _save_update(customer):
    customer.password = "NEW-SECRET"
    customer.save()


def _bulk_update(customer):
    customer.password = "NEW-SECRET"
    Customer.objects.bulk_update([customer], ["password"])


WRITE_PATHS = {
    "save-create": lambda customer: Customer.objects.create(name="B", password="NEW-SECRET"),
    "save-update": _save_update,
    "delete": lambda customer: customer.delete(),
    "queryset-update": lambda customer: Customer.objects.update(password="NEW-SECRET"),
    "queryset-delete": lambda customer: Customer.objects.all().delete(),
    "bulk-create": lambda customer: Customer.objects.bulk_create([Customer(name="B", password="NEW-SECRET")]),
    "bulk-update": _bulk_update,
}


@pytest.mark.parametrize("write", WRITE_PATHS.values(), ids=WRITE_PATHS.keys())
def test_no_write_path_stores_a_sensitive_value(write):
    customer = Customer.objects.create(name="A", password="OLD-SECRET")
    write(customer)
    stored = json.dumps([[entry.changes, entry.metadata] for entry in AuditLog.objects.all()])
    assert "SECRET" not in stored
    assert AuditLog.objects.count() >= 2
