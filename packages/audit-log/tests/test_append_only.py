import pytest
from django.core import checks
from django.db import IntegrityError, connection, transaction

from django_audit_log import AuditLogImmutableError, log_event
from django_audit_log.checks import check_append_only_triggers
from django_audit_log.models import AuditLog
from django_audit_log.triggers import (
    append_only_triggers_installed,
    drop_append_only_triggers,
    install_append_only_triggers,
)

pytestmark = pytest.mark.django_db


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


def test_raw_sql_update_is_refused_by_the_database(entry):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE django_audit_log_auditlog SET action = %s WHERE id = %s", ["logout", entry.pk.hex])
    assert _stored(entry) == "login"


def test_raw_sql_update_by_any_key_is_refused(entry):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE django_audit_log_auditlog SET metadata = metadata")
    assert AuditLog.objects.get(pk=entry.pk).metadata == {"method": "password"}


def test_raw_sql_delete_is_refused_by_the_database(entry):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_audit_log_auditlog")
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_raw_sql_changes_succeed_once_the_triggers_are_dropped(entry):
    # Proves the refusals above come from the triggers and not from something else.
    drop_append_only_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_audit_log_auditlog")
    assert not AuditLog.objects.exists()
    install_append_only_triggers(connection)


def test_the_migrations_install_the_triggers():
    assert append_only_triggers_installed(connection)


def test_database_check_reports_missing_triggers():
    assert check_append_only_triggers(databases=["default"]) == []
    drop_append_only_triggers(connection)
    try:
        errors = check_append_only_triggers(databases=["default"])
    finally:
        install_append_only_triggers(connection)
    assert [error.id for error in errors] == ["django_audit_log.E010"]
    assert errors[0].level == checks.ERROR


def test_database_check_skips_an_unmigrated_database(monkeypatch):
    monkeypatch.setattr(connection.introspection, "table_names", lambda *args, **kwargs: [])
    drop_append_only_triggers(connection)
    try:
        assert check_append_only_triggers(databases=["default"]) == []
    finally:
        install_append_only_triggers(connection)


def test_database_check_warns_on_a_vendor_without_triggers(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "oracle")
    assert [m.id for m in check_append_only_triggers(databases=["default"])] == ["django_audit_log.W003"]


def test_deleting_the_actor_keeps_the_entry_and_its_actor(user):
    entry = log_event("login", user)
    user_pk = user.pk
    user.delete()
    stored = AuditLog.objects.get(pk=entry.pk)
    assert (stored.actor_id, stored.actor_repr) == (user_pk, "alice")
    assert list(AuditLog.objects.by_actor(user_pk)) == [stored]
