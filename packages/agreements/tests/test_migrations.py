"""Migration 0002_guarantees installs the declared guarantee and drops the triggers the former 0002 wrote."""

import pytest
from django.db import connection

from django_agreements.models import AgreementVersion
from django_basemodels.testing import (
    assert_migration_replaces_former_triggers,
    assert_migration_reversal_drops_guarantees,
    trigger_names,
)

TABLE = AgreementVersion._meta.db_table
# The triggers (and PostgreSQL function) of the former migration 0002_version_append_only_triggers.
FORMER_SQLITE = ["django_agreements_version_no_update", "django_agreements_version_no_delete"]
FORMER_POSTGRESQL = "django_agreements_version_append_only"
FORMER_FUNCTION = "django_agreements_refuse_version_change"


def declared_triggers():
    names = {f"{TABLE}_append_only_update", f"{TABLE}_append_only_delete"}
    # SQLite and MariaDB/MySQL replace a row without firing delete triggers: an insert guard refuses it.
    return names | {f"{TABLE}_no_replace"} if connection.vendor in ("sqlite", "mysql") else names


@pytest.mark.django_db
def test_migrations_install_exactly_the_declared_triggers():
    assert trigger_names(TABLE) == declared_triggers()


# No version rows are written here, so the flush after these tests (DELETE on SQLite) is not refused.
@pytest.mark.django_db(transaction=True)
def test_the_guarantee_is_dropped_by_reversing_its_migration_and_restored():
    assert_migration_reversal_drops_guarantees("django_agreements", before="0001", tables=[TABLE])


@pytest.mark.django_db(transaction=True)
def test_a_database_migrated_with_the_former_triggers_gets_the_guarantee_instead():
    assert_migration_replaces_former_triggers(
        "django_agreements",
        before="0001",
        table=TABLE,
        triggers=[*FORMER_SQLITE, FORMER_POSTGRESQL],
        functions=[FORMER_FUNCTION],
    )
    assert trigger_names(TABLE) == declared_triggers()
