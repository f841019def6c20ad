import pytest
from django.core import checks
from django.db import IntegrityError, connection, transaction

from django_audit_log import AuditLogImmutableError, log, log_event, verify_chain
from django_audit_log.chain import GENESIS_HASH, compute_entry_hash
from django_audit_log.fields import stamp_recorded_at
from django_audit_log.models import APPEND_ONLY_MESSAGE, AuditLog
from django_basemodels.guarantees import AppendOnly, guarantee_problems, guarantees_of, install_guarantees
from django_basemodels.testing import assert_write_paths_refused, trigger_names
from tests.conftest import drop_guarantee_triggers
from tests.testapp.models import Customer

pytestmark = pytest.mark.django_db

TABLE = AuditLog._meta.db_table
APPEND_ONLY = "django_audit_log: audit entries are append-only"
KEY_REUSED = r"(?i)unique|duplicate (key|entry)|never replaced"


@pytest.fixture
def entry():
    return log_event("login", metadata={"method": "password"})


def _stored(entry):
    return AuditLog.objects.filter(pk=entry.pk).values_list("action", flat=True).first()


def test_saving_a_stored_entry_raises(entry):
    entry.action = "logout"
    with pytest.raises(AuditLogImmutableError):
        entry.save()
    assert _stored(entry) == "login"


def test_saving_a_loaded_entry_raises(entry):
    loaded = AuditLog.objects.get(pk=entry.pk)
    with pytest.raises(AuditLogImmutableError):
        loaded.save()


def test_deleting_an_entry_raises(entry):
    with pytest.raises(AuditLogImmutableError):
        entry.delete()
    assert _stored(entry) == "login"


def test_queryset_update_raises(entry):
    with pytest.raises(AuditLogImmutableError):
        AuditLog.objects.filter(pk=entry.pk).update(action="logout")
    assert _stored(entry) == "login"


def test_queryset_delete_raises(entry):
    with pytest.raises(AuditLogImmutableError):
        AuditLog.objects.all().delete()
    assert _stored(entry) == "login"


def test_bulk_update_raises(entry):
    entry.action = "logout"
    with pytest.raises(AuditLogImmutableError):
        AuditLog.objects.bulk_update([entry], ["action"])
    assert _stored(entry) == "login"


def test_base_manager_refuses_changes_too(entry):
    with pytest.raises(AuditLogImmutableError):
        AuditLog._base_manager.filter(pk=entry.pk).update(action="logout")
    with pytest.raises(AuditLogImmutableError):
        AuditLog._base_manager.filter(pk=entry.pk)._raw_delete(using="default")


def test_every_raw_write_path_of_an_entry_is_refused(entry):
    refused = assert_write_paths_refused(entry, changes={"action": "logout"}, match=APPEND_ONLY)

    expected = {
        "sqlite": {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE", "INSERT OR REPLACE", "REPLACE"},
        "postgresql": {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE"},
        "mysql": {"UPDATE", "DELETE", "INSERT ... ON DUPLICATE KEY UPDATE", "REPLACE"},
    }[connection.vendor]
    assert {write.path for write in refused} == expected
    assert all(isinstance(write.error, IntegrityError) for write in refused)


def test_every_raw_write_path_of_a_chained_entry_is_refused(settings):
    settings.AUDIT_LOG_HASH_CHAIN = True
    log_event("login")
    chained = log_event("logout")

    # A forger rewriting the chain: the entry's place in it and its hash.
    forged = {"sequence": 1, "prev_hash": "0" * 64, "entry_hash": "f" * 64}
    assert_write_paths_refused(chained, changes=forged, match=APPEND_ONLY)
    assert verify_chain().ok


def test_raw_sql_update_by_any_key_is_refused(entry):
    with pytest.raises(IntegrityError, match=APPEND_ONLY), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET metadata = metadata")
    assert AuditLog.objects.get(pk=entry.pk).metadata == {"method": "password"}


def test_raw_sql_delete_of_the_whole_table_is_refused(entry):
    with pytest.raises(IntegrityError, match=APPEND_ONLY), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_raw_sql_changes_succeed_once_the_triggers_are_dropped(entry, triggers_dropped):
    # Proves the refusals above come from the declared guarantee's triggers and not from something else.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
    assert not AuditLog.objects.exists()


def _raw_insert(entry):
    fields = AuditLog._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    values = [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})", values)


def test_new_entries_are_still_appended_by_every_insert_path(settings):
    log_event("login")
    log("approve", Customer.objects.create(name="Ada"))
    Customer.objects.bulk_create([Customer(name="Bob"), Customer(name="Cy")])
    raw = AuditLog(action="raw")
    stamp_recorded_at(raw)  # raw SQL runs no pre_save: the two times are given
    _raw_insert(raw)
    settings.AUDIT_LOG_HASH_CHAIN = True
    log_event("chained")
    log_event("chained")

    # Unchained entries all have a NULL sequence: none of them collides with another on the unique key.
    assert AuditLog.objects.filter(sequence__isnull=True).count() == 6
    assert list(AuditLog.objects.exclude(sequence=None).values_list("sequence", flat=True).order_by("sequence")) == [
        1,
        2,
    ]
    assert verify_chain().ok


def test_an_append_that_reuses_a_taken_sequence_is_refused(settings):
    settings.AUDIT_LOG_HASH_CHAIN = True
    first = log_event("login")
    forked = AuditLog(action="fork", sequence=first.sequence, prev_hash=GENESIS_HASH)
    stamp_recorded_at(forked)
    forked.entry_hash = compute_entry_hash(forked)

    # PostgreSQL and MariaDB refuse it on the unique sequence; SQLite's guard against replacing a row refuses it first.
    with pytest.raises(IntegrityError, match=KEY_REUSED), transaction.atomic():
        forked.save()
    assert list(AuditLog.objects.values_list("action", flat=True)) == ["login"]
    assert verify_chain().ok


def test_an_insert_that_reuses_an_entry_id_is_refused(entry):
    copy = AuditLog(id=entry.id, action="logout")

    with pytest.raises(IntegrityError, match=KEY_REUSED), transaction.atomic():
        copy.save()
    assert _stored(entry) == "login"


def test_the_audit_table_declares_append_only():
    [guarantee] = guarantees_of(AuditLog)
    assert guarantee == AppendOnly(message=APPEND_ONLY_MESSAGE)
    assert [g.name for g in guarantees_of(AuditLog)] == ["append_only"]


def test_the_migrations_install_the_declared_triggers():
    expected = {f"{TABLE}_append_only_update", f"{TABLE}_append_only_delete"}
    if connection.vendor in ("sqlite", "mysql"):
        # REPLACE (and SQLite's INSERT OR REPLACE, MariaDB's ON DUPLICATE KEY UPDATE) rewrite a row without
        # an UPDATE or DELETE trigger firing; PostgreSQL has no such statement.
        expected.add(f"{TABLE}_no_replace")
    assert trigger_names(TABLE) == expected
    assert guarantee_problems() == []


def test_the_database_check_reports_a_missing_trigger(autocommit_db):
    assert checks.run_checks(tags=[checks.Tags.database], databases=["default"]) == []
    drop_guarantee_triggers(AuditLog)
    try:
        errors = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
    finally:
        install_guarantees()
    assert {error.id for error in errors} == {"django_basemodels.E011"}
    assert any(f"trigger {TABLE}_append_only_update on table {TABLE} is missing" in error.msg for error in errors)
    assert guarantee_problems() == []


def test_deleting_the_actor_keeps_the_entry_and_its_actor(user):
    entry = log_event("login", user)
    user_pk = user.pk
    user.delete()
    stored = AuditLog.objects.get(pk=entry.pk)
    assert (stored.actor_id, stored.actor_repr) == (user_pk, "alice")
    assert list(AuditLog.objects.by_actor(user_pk)) == [stored]
