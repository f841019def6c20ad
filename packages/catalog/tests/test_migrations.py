"""The append-only triggers of dispense records live in a migration that can be reversed and re-applied."""

import pytest
from django.core.management import call_command
from django.db import connection

from django_basemodels.testing import trigger_names
from django_catalog.models import DispenseLog

TABLE = DispenseLog._meta.db_table


def installed_triggers():
    """The names migration 0002 gives the triggers of this vendor."""
    if connection.vendor == "postgresql":
        return {"django_catalog_dispenselog_append_only"}
    return {"django_catalog_dispenselog_no_update", "django_catalog_dispenselog_no_delete"}


@pytest.mark.django_db(transaction=True)
def test_append_only_triggers_are_dropped_by_reversing_their_migration_and_restored():
    assert trigger_names(TABLE) == installed_triggers()
    call_command("migrate", "django_catalog", "0001", verbosity=0)
    try:
        assert trigger_names(TABLE) == set()
    finally:
        call_command("migrate", "django_catalog", verbosity=0)
    assert trigger_names(TABLE) == installed_triggers()
