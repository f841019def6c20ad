import datetime
import decimal
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from django_audit_log import InvalidAuditEntryError, audit_context, log, log_event
from django_audit_log.models import AuditLog
from tests.testapp.models import Account, Customer, Plain

pytestmark = pytest.mark.django_db


def test_log_stores_action_object_and_actor_snapshots(user):
    plain = Plain.objects.create(name="p")
    entry = log("approve", plain, user)
    stored = AuditLog.objects.get(pk=entry.pk)
    assert (stored.action, stored.model_label, stored.object_id) == ("approve", "testapp.Plain", str(plain.pk))
    assert stored.object_repr == str(plain)
    assert (stored.actor_id, stored.actor_repr) == (user.pk, "alice")
    assert stored.sensitivity == "normal"


def test_log_stores_uuid_object_ids_as_32_hex_digits():
    customer = Customer.objects.create(name="c")
    entry = log("export", customer)
    assert AuditLog.objects.get(pk=entry.pk).object_id == customer.pk.hex


def test_log_stores_changes_and_metadata_as_json_safe_values():
    plain = Plain.objects.create(name="p")
    moment = datetime.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=datetime.timezone.utc)
    token = uuid.UUID("12345678-1234-5678-1234-567812345678")
    entry = log(
        "price",
        plain,
        changes={"price": {"old": decimal.Decimal("1.50"), "new": decimal.Decimal("2.00")}},
        metadata={"at": moment, "ref": token, "day": moment.date(), "tags": {"b", "a"}},
    )
    stored = AuditLog.objects.get(pk=entry.pk)
    assert stored.changes == {"price": {"old": "1.50", "new": "2.00"}}
    assert stored.metadata == {
        "at": "2026-01-02T03:04:05.000006+00:00",
        "ref": "12345678-1234-5678-1234-567812345678",
        "day": "2026-01-02",
        "tags": ["a", "b"],
    }


def test_log_event_records_an_event_without_object(user):
    entry = log_event("login", user, metadata={"method": "oauth"})
    stored = AuditLog.objects.get(pk=entry.pk)
    assert (stored.action, stored.model_label, stored.object_id) == ("login", "", "")
    assert stored.metadata == {"method": "oauth"}
    assert stored.actor_id == user.pk


def test_log_takes_request_context_from_the_request_argument(user):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="tests/1.0", HTTP_X_REQUEST_ID="abc-1")
    request.user = user
    entry = log_event("login", request=request)
    assert (entry.ip_address, entry.user_agent, entry.request_id) == ("10.1.2.3", "tests/1.0", "abc-1")
    assert entry.actor_id == user.pk


def test_log_takes_request_context_and_actor_from_the_current_context(user):
    with audit_context(actor=user, ip_address="2001:db8::1", user_agent="job", request_id="job-7"):
        entry = log_event("export")
    assert (entry.ip_address, entry.user_agent, entry.request_id, entry.actor_id) == (
        "2001:db8::1",
        "job",
        "job-7",
        user.pk,
    )


def test_explicit_actor_wins_over_the_context_user(user, other_user):
    with audit_context(actor=user):
        entry = log_event("export", other_user)
    assert entry.actor_id == other_user.pk


def test_anonymous_actor_is_recorded_as_nobody():
    entry = log_event("login_failed", AnonymousUser(), metadata={"username": "eve"})
    assert (entry.actor_id, entry.actor_repr) == (None, "")


def test_log_without_context_has_empty_request_fields():
    entry = log_event("cron")
    assert (entry.ip_address, entry.user_agent, entry.request_id, entry.actor_id) == (None, "", "", None)


def test_log_accepts_a_sensitivity_level():
    assert log_event("export", sensitivity="critical").sensitivity == "critical"


@pytest.mark.parametrize("action", ["", "   ", "x" * 101, None])
def test_log_refuses_an_invalid_action(action):
    with pytest.raises(InvalidAuditEntryError):
        log_event(action)
    assert not AuditLog.objects.exists()


def test_log_refuses_an_unknown_sensitivity():
    with pytest.raises(InvalidAuditEntryError, match="sensitivity"):
        log_event("export", sensitivity="secret")


def test_log_refuses_an_unsaved_object():
    with pytest.raises(InvalidAuditEntryError, match="saved model instance"):
        log("approve", Plain(name="p"))


def test_log_refuses_an_actor_that_is_not_a_user():
    plain = Plain.objects.create(name="p")
    with pytest.raises(InvalidAuditEntryError, match="actor"):
        log("approve", plain, plain)


@pytest.mark.parametrize(
    "changes",
    [["name"], {"name": "x"}, {"name": {}}, {"name": {"before": 1}}, {1: {"old": 1}}],
    ids=["list", "not-a-mapping", "empty", "unknown-side", "non-string-field"],
)
def test_log_refuses_malformed_changes(changes):
    plain = Plain.objects.create(name="p")
    with pytest.raises(InvalidAuditEntryError, match="changes"):
        log("edit", plain, changes=changes)


def test_log_refuses_metadata_that_is_not_a_mapping():
    with pytest.raises(InvalidAuditEntryError, match="metadata"):
        log_event("export", metadata=["a"])


def test_log_truncates_long_reprs():
    plain = Plain.objects.create(name="p" * 100)
    entry = log("approve", plain)
    assert len(AuditLog.objects.get(pk=entry.pk).object_repr) <= 255


def test_log_redacts_the_registered_models_extra_fields(user):
    customer = Customer.objects.create(name="c")
    account = Account.objects.create(customer=customer, number="A-1")
    entry = log("reset", account, user, changes={"pin_hint": {"old": "dog", "new": "cat"}})
    assert entry.changes == {"pin_hint": {"old": "[REDACTED]", "new": "[REDACTED]"}}


def test_log_writes_one_insert(django_assert_num_queries):
    plain = Plain.objects.create(name="p")
    with django_assert_num_queries(1):
        log("approve", plain)
