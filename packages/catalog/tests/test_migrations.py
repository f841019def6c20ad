"""The append-only triggers of dispense records live in a migration that can be reversed and re-applied."""

import pytest
from django.core.management import call_command
from django.db import connection

from django_catalog.models import DispenseLog


def trigger_names():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger "
                "WHERE tgrelid = 'django_catalog_dispenselog'::regclass AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [DispenseLog._meta.db_table]
            )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_append_only_triggers_are_dropped_by_reversing_their_migration_and_restored():
    assert trigger_names()
    call_command("migrate", "django_catalog", "0001", verbosity=0)
    try:
        assert trigger_names() == set()
    finally:
        call_command("migrate", "django_catalog", verbosity=0)
    assert trigger_names()
