"""Migration 0002_guarantees installs the declared guarantee and drops the triggers the former 0002 wrote."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from django_basemodels.guarantees import guarantee_problems
from django_basemodels.testing import (
    assert_migration_replaces_former_triggers,
    assert_migration_reversal_drops_guarantees,
    trigger_names,
)
from django_decisioning.models import Decision

TABLE = Decision._meta.db_table
# The triggers (and PostgreSQL function) of the former migration 0002_decision_append_only_triggers.
FORMER_SQLITE = ["django_decisioning_decision_no_update", "django_decisioning_decision_no_delete"]
FORMER_POSTGRESQL = "django_decisioning_decision_append_only"
FORMER_FUNCTION = "django_decisioning_refuse_decision_change"


def declared_triggers():
    names = {f"{TABLE}_append_only_update", f"{TABLE}_append_only_delete"}
    # SQLite and MariaDB/MySQL replace a row without firing delete triggers: an insert guard refuses it.
    return names | {f"{TABLE}_no_replace"} if connection.vendor in ("sqlite", "mysql") else names


@pytest.mark.django_db
def test_migrations_install_exactly_the_declared_triggers():
    assert trigger_names(TABLE) == declared_triggers()
    assert guarantee_problems() == []


@pytest.mark.django_db(transaction=True)
def test_the_guarantee_is_dropped_by_reversing_its_migration_and_restored():
    assert_migration_reversal_drops_guarantees("django_decisioning", before="0001", tables=[TABLE])


@pytest.mark.django_db(transaction=True)
def test_a_database_migrated_with_the_former_triggers_gets_the_guarantee_instead():
    assert_migration_replaces_former_triggers(
        "django_decisioning",
        before="0001",
        table=TABLE,
        triggers=[*FORMER_SQLITE, FORMER_POSTGRESQL],
        functions=[FORMER_FUNCTION],
    )
    assert trigger_names(TABLE) == declared_triggers()


@pytest.mark.django_db
def test_the_models_match_the_migrations():
    out = StringIO()
    call_command("makemigrations", "django_decisioning", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_raw_update_that_changes_nothing_is_still_refused(django_user_model):
    user = django_user_model.objects.create_user(username="u")
    Decision.objects.create(action="a", actor=user, outcome="o")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE django_decisioning_decision SET outcome = outcome")
