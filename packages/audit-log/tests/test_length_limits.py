"""AUDIT_LOG_MAX_JSON_BYTES: log() and log_event() refuse larger changes or metadata; a tracked write is never
refused for the size of its diff, which is summarised instead and marked as truncated."""

import hashlib
import json

import pytest
from django.core import checks
from django.test import override_settings

from django_audit_log import InvalidAuditEntryError, log, log_event, verify_chain
from django_audit_log.checks import check_settings
from django_audit_log.encoding import canonical_json
from django_audit_log.limits import HEAD_LENGTH
from django_audit_log.models import AuditLog
from django_basemodels.limits import DEFAULT_MAX_JSON_BYTES
from tests.testapp.models import Customer, Plain

pytestmark = pytest.mark.django_db


def json_bytes(value):
    return len(json.dumps(value).encode())


def metadata_of(size):
    """Metadata whose stored JSON is exactly ``size`` bytes."""
    return {"note": "x" * (size - json_bytes({"note": ""}))}


def changes_of(size):
    """Changes whose stored JSON is exactly ``size`` bytes."""
    return {"note": {"new": "x" * (size - json_bytes({"note": {"new": ""}}))}}


def digest(value):
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


@pytest.fixture
def plain():
    return Plain.objects.create(name="p")


# --- log() and log_event(): refused --------------------------------------------------------------


def test_metadata_at_the_default_limit_is_logged(plain):
    entry = log("touch", plain, metadata=metadata_of(DEFAULT_MAX_JSON_BYTES))
    assert AuditLog.objects.get(pk=entry.pk).metadata == metadata_of(DEFAULT_MAX_JSON_BYTES)


def test_metadata_one_byte_over_the_limit_is_refused_and_nothing_is_written(plain):
    with pytest.raises(InvalidAuditEntryError, match=r"metadata is 65,537 bytes of JSON; at most 65,536 are accepted"):
        log("touch", plain, metadata=metadata_of(DEFAULT_MAX_JSON_BYTES + 1))
    assert not AuditLog.objects.exists()


def test_changes_at_the_default_limit_are_logged(plain):
    entry = log("touch", plain, changes=changes_of(DEFAULT_MAX_JSON_BYTES))
    assert AuditLog.objects.get(pk=entry.pk).changes == changes_of(DEFAULT_MAX_JSON_BYTES)


def test_changes_one_byte_over_the_limit_are_refused_and_nothing_is_written(plain):
    with pytest.raises(InvalidAuditEntryError, match=r"changes is 65,537 bytes of JSON"):
        log("touch", plain, changes=changes_of(DEFAULT_MAX_JSON_BYTES + 1))
    assert not AuditLog.objects.exists()


def test_event_metadata_at_the_limit_is_logged_and_one_over_is_refused():
    log_event("export", metadata=metadata_of(DEFAULT_MAX_JSON_BYTES))
    with pytest.raises(InvalidAuditEntryError, match="metadata is 65,537 bytes"):
        log_event("export", metadata=metadata_of(DEFAULT_MAX_JSON_BYTES + 1))
    assert AuditLog.objects.count() == 1


@pytest.mark.parametrize("limit", [100, 200_000])
def test_the_limit_follows_audit_log_max_json_bytes(plain, limit):
    with override_settings(AUDIT_LOG_MAX_JSON_BYTES=limit):
        log("touch", plain, changes=changes_of(limit), metadata=metadata_of(limit))
        with pytest.raises(InvalidAuditEntryError, match="changes"):
            log("touch", plain, changes=changes_of(limit + 1))
        with pytest.raises(InvalidAuditEntryError, match="metadata"):
            log_event("export", metadata=metadata_of(limit + 1))
    assert AuditLog.objects.count() == 1


@override_settings(AUDIT_LOG_MAX_JSON_BYTES=100)
def test_values_are_measured_after_redaction(plain):
    entry = log("touch", plain, metadata={"token": "t" * 10_000})
    assert entry.metadata == {"token": "[REDACTED]"}


@override_settings(AUDIT_LOG_MAX_JSON_BYTES=100)
def test_a_refused_entry_writes_nothing_and_leaves_the_callers_transaction_usable(plain):
    with pytest.raises(InvalidAuditEntryError):
        log("touch", plain, metadata=metadata_of(101))
    Plain.objects.create(name="after")  # the caller's transaction is still usable
    assert not AuditLog.objects.exists()


# --- object_id: its column ----------------------------------------------------------------------


def loaded_plain(pk):
    """A ``Plain`` as loaded from a database (no table here holds a key that long)."""
    return Plain.from_db("default", ["id", "name", "size"], (pk, "p", 0))


def test_an_object_id_of_the_columns_length_is_logged():
    entry = log("touch", loaded_plain("9" * 255))
    assert AuditLog.objects.get(pk=entry.pk).object_id == "9" * 255


def test_an_object_id_longer_than_its_column_is_refused():
    with pytest.raises(InvalidAuditEntryError, match="object_id has 256 characters; at most 255 are accepted"):
        log("touch", loaded_plain("9" * 256))
    assert not AuditLog.objects.exists()


# --- tracked writes: never refused, summarised ----------------------------------------------------


def create_customer(**fields):
    return Customer.objects.create(name="Ada", **fields)


def test_a_tracked_diff_within_the_limit_is_stored_whole():
    customer = create_customer(profile={"bio": "b" * 1_000})
    [entry] = AuditLog.objects.filter(object_id=customer.pk.hex)
    assert entry.changes["profile"] == {"new": {"bio": "b" * 1_000}}
    assert "truncated" not in entry.metadata


def test_a_tracked_diff_exactly_at_the_limit_is_stored_whole_and_one_byte_less_summarises_it():
    first = create_customer(profile={"bio": "b" * 1_000})
    size = json_bytes(AuditLog.objects.get(object_id=first.pk.hex).changes)
    with override_settings(AUDIT_LOG_MAX_JSON_BYTES=size):
        second = create_customer(profile={"bio": "b" * 1_000})
    with override_settings(AUDIT_LOG_MAX_JSON_BYTES=size - 1):
        third = create_customer(profile={"bio": "b" * 1_000})
    assert "truncated" not in AuditLog.objects.get(object_id=second.pk.hex).metadata
    assert AuditLog.objects.get(object_id=third.pk.hex).metadata["truncated"]["changes"] == "summarised"


def test_a_tracked_save_over_the_limit_is_saved_and_its_diff_summarised():
    profile = {"bio": "é" * 100_000}
    customer = create_customer(profile=profile, email="ada@example.com")
    assert Customer.objects.get(pk=customer.pk).profile == profile  # the application's write is whole
    [entry] = AuditLog.objects.filter(object_id=customer.pk.hex)
    assert entry.changes["profile"] == {
        "new": {"truncated": True, "bytes": json_bytes(profile), "sha256": digest(profile)},
    }
    assert entry.changes["email"] == {"new": "ada@example.com"}  # small values stay as they are
    assert entry.metadata == {
        "write": "save",
        "truncated": {
            "limit": DEFAULT_MAX_JSON_BYTES,
            "bytes": json_bytes({**entry.changes, "profile": {"new": profile}}),
            "fields": ["profile"],
            "changes": "summarised",
        },
    }
    assert json_bytes(entry.changes) <= DEFAULT_MAX_JSON_BYTES


def test_an_update_over_the_limit_summarises_the_largest_values_first(entries):
    customer = create_customer()
    customer = Customer.objects.get(pk=customer.pk)
    customer.profile = {"bio": "b" * 70_000}
    customer.email = "e" * 100
    customer.save()
    [update] = entries(action="update")
    assert update.changes["email"] == {"old": "", "new": "e" * 100}
    assert update.changes["profile"]["old"] == {}
    assert update.changes["profile"]["new"]["truncated"] is True
    assert update.metadata["truncated"]["fields"] == ["profile"]


def test_a_summarised_string_keeps_its_head_and_digest(entries):
    customer = create_customer()
    long_text = "m" * 70_000
    with override_settings(AUDIT_LOG_MAX_JSON_BYTES=1_000):
        Customer.objects.filter(pk=customer.pk).update(profile=long_text)
    assert Customer.objects.get(pk=customer.pk).profile == long_text
    [update] = entries(action="update")
    assert update.changes["profile"]["new"] == {
        "truncated": True,
        "bytes": json_bytes(long_text),
        "sha256": digest(long_text),
        "head": long_text[:HEAD_LENGTH],
    }
    assert update.changes["profile"]["old"] == {}
    assert update.metadata["write"] == "queryset.update"


@override_settings(AUDIT_LOG_MAX_JSON_BYTES=60)
def test_when_even_the_summaries_do_not_fit_the_diff_is_omitted_and_its_fields_named(entries):
    customer = create_customer(profile={"bio": "b" * 1_000}, email="ada@example.com")
    [entry] = entries()
    assert entry.changes == {}
    truncated = entry.metadata["truncated"]
    assert truncated["changes"] == "omitted"
    assert truncated["fields"] == sorted(["name", "email", "password", "balance", "visits", "profile", "last_seen"])
    assert truncated["limit"] == 60
    assert Customer.objects.get(pk=customer.pk).profile == {"bio": "b" * 1_000}


@pytest.mark.parametrize("limit", [2_000, 200_000])
def test_the_tracked_limit_follows_audit_log_max_json_bytes(entries, limit):
    with override_settings(AUDIT_LOG_MAX_JSON_BYTES=limit):
        create_customer(profile={"bio": "b" * 100_000})
        [entry] = entries()
    assert ("truncated" in entry.metadata) is (limit < 100_000)
    assert json_bytes(entry.changes) <= limit


@override_settings(AUDIT_LOG_MAX_JSON_BYTES=500)
def test_redacted_values_are_never_summarised_nor_digested(entries):
    create_customer(profile={"token": "t" * 10_000})
    [entry] = entries()
    assert entry.changes["profile"] == {"new": {"token": "[REDACTED]"}}
    assert "truncated" not in entry.metadata


@override_settings(AUDIT_LOG_MAX_JSON_BYTES=1_000)
def test_bulk_create_and_delete_summarise_each_entry(entries):
    customers = Customer.objects.bulk_create([Customer(name=f"c{n}", profile={"bio": "b" * 5_000}) for n in range(3)])
    Customer.objects.filter(pk__in=[customer.pk for customer in customers]).delete()
    created, deleted = entries(action="create"), entries(action="delete")
    assert len(created) == len(deleted) == 3
    for entry in [*created, *deleted]:
        assert entry.metadata["truncated"]["fields"] == ["profile"]
        assert json_bytes(entry.changes) <= 1_000
    assert created[0].changes["profile"]["new"]["sha256"] == digest({"bio": "b" * 5_000})
    assert deleted[0].changes["profile"]["old"]["sha256"] == digest({"bio": "b" * 5_000})


@override_settings(AUDIT_LOG_MAX_JSON_BYTES=1_000, AUDIT_LOG_HASH_CHAIN=True)
def test_a_summarised_entry_is_chained_and_verifies(entries):
    create_customer(profile={"bio": "b" * 5_000})
    log_event("export")
    assert verify_chain().ok


# --- system check ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, -1, "65536", 1.5, True, None])
def test_a_limit_that_is_not_a_positive_integer_is_an_error(settings, value):
    settings.AUDIT_LOG_MAX_JSON_BYTES = value
    messages = check_settings()
    assert [message.id for message in messages] == ["django_audit_log.E006"]
    assert isinstance(messages[0], checks.Error)


def test_a_positive_integer_limit_passes_the_check(settings):
    settings.AUDIT_LOG_MAX_JSON_BYTES = 1
    assert check_settings() == []
