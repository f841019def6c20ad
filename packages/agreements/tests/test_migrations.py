"""Migration 0002_guarantees installs the declared guarantee (and drops the former triggers); 0003 renames actions."""

import pytest
from django.core.management import call_command
from django.db import connection

from django_agreements.models import AgreementVersion
from django_agreements.services import AMEND_ACTION, CREATE_ACTION, TERMINATE_ACTION
from django_basemodels.testing import (
    assert_migration_replaces_former_triggers,
    assert_migration_reversal_drops_guarantees,
    empty_guarded_tables,
    trigger_names,
)
from django_decisioning.models import Decision
from django_decisioning.services import record_decision

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


@pytest.fixture
def committed_decisions():
    yield
    call_command("migrate", "django_agreements", verbosity=0)
    empty_guarded_tables(Decision)


def test_actions_are_named_after_the_services_that_record_them():
    assert (CREATE_ACTION, AMEND_ACTION, TERMINATE_ACTION) == (
        "django_agreements.create_agreement",
        "django_agreements.amend_agreement",
        "django_agreements.terminate_agreement",
    )


# Only decisions are written (no versions), and they are emptied with their triggers lifted afterwards.
@pytest.mark.django_db(transaction=True)
def test_decisions_stored_under_the_former_names_are_renamed_both_ways(committed_decisions):
    call_command("migrate", "django_agreements", "0002", verbosity=0)
    for action in ["agreement.create", "agreement.amend", "agreement.terminate", "other.create"]:
        record_decision(action=action, by=None, outcome="ok")

    call_command("migrate", "django_agreements", "0003", verbosity=0)
    assert sorted(Decision.objects.values_list("action", flat=True)) == [
        "django_agreements.amend_agreement",
        "django_agreements.create_agreement",
        "django_agreements.terminate_agreement",
        "other.create",
    ]

    call_command("migrate", "django_agreements", "0002", verbosity=0)
    assert sorted(Decision.objects.values_list("action", flat=True)) == [
        "agreement.amend",
        "agreement.create",
        "agreement.terminate",
        "other.create",
    ]
