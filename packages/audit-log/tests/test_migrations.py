"""Migration 0004 gives existing entries both times from their ``created_at``, keeps the hash chain valid and
the append-only guarantee installed, and reverses."""

import datetime
import types
import uuid

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from django_audit_log import verify_chain
from django_audit_log.chain import GENESIS_HASH, LEGACY_CHAIN_VERSION, compute_entry_hash
from django_audit_log.models import AuditLog
from django_basemodels.guarantees import guarantee_problems
from django_basemodels.testing import trigger_names

APP = "django_audit_log"
BEFORE = [(APP, "0003_chainlock")]
TABLE = AuditLog._meta.db_table


def columns() -> set[str]:
    with connection.cursor() as cursor:
        return {column.name for column in connection.introspection.get_table_description(cursor, TABLE)}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes(APP))


def old_entries(apps):
    """One entry from before the chain began, then two chained as the code before 0004 chained them (0003 state)."""
    old_model = apps.get_model(APP, "AuditLog")
    start = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.timezone.utc)
    prev_hash = GENESIS_HASH
    made = []
    for number, sequence in enumerate([None, 1, 2]):
        created_at = start + datetime.timedelta(minutes=number, microseconds=123)
        entry_id = uuid.uuid4()
        entry_hash = ""
        if sequence is not None:
            # The version 1 content read created_at, which the current code reads as recorded_at.
            fields = {
                "id": entry_id,
                "sequence": sequence,
                "recorded_at": created_at,
                "action": f"step {number}",
                "model_label": "",
                "object_id": "",
                "object_repr": "",
                "actor_id": None,
                "actor_repr": "",
                "changes": {},
                "metadata": {"number": number},
                "ip_address": None,
                "user_agent": "",
                "request_id": "",
                "sensitivity": "normal",
                "prev_hash": prev_hash,
            }
            entry_hash = compute_entry_hash(types.SimpleNamespace(**fields), version=LEGACY_CHAIN_VERSION)
        made.append(
            old_model.objects.create(
                id=entry_id,
                created_at=created_at,
                action=f"step {number}",
                metadata={"number": number},
                sequence=sequence,
                prev_hash=prev_hash if sequence is not None else "",
                entry_hash=entry_hash,
            )
        )
        if sequence is not None:
            prev_hash = entry_hash
    return made


@pytest.mark.django_db
def test_no_migration_is_missing():
    call_command("makemigrations", APP, "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_existing_entries_get_both_times_from_created_at(autocommit_db):
    try:
        apps = migrate(BEFORE)
        assert {"created_at"} <= columns() and not {"recorded_at", "effective_at"} & columns()
        made = old_entries(apps)
    finally:
        migrate_to_latest()

    assert "created_at" not in columns() and {"recorded_at", "effective_at"} <= columns()
    for old in made:
        stored = AuditLog.objects.get(pk=old.pk)
        assert stored.recorded_at == stored.effective_at == old.created_at
    assert verify_chain().ok and verify_chain().checked == 2
    assert guarantee_problems() == []
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET effective_at = recorded_at")


@pytest.mark.django_db(transaction=True)
def test_the_migration_reverses_and_applies_again(autocommit_db):
    try:
        apps = migrate(BEFORE)
        assert "created_at" in columns()
        assert guarantee_problems() == []  # the guarantee installed again when reversed
        old_entries(apps)
    finally:
        migrate_to_latest()
    assert guarantee_problems() == []
    assert trigger_names(TABLE) >= {f"{TABLE}_append_only_update", f"{TABLE}_append_only_delete"}
    assert verify_chain().ok
