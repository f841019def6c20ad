"""Migration 0002_guarantees installs the declared guarantees and drops the triggers the former 0002 wrote;
0004 gives existing budgets no organization, keeps every guarantee, and reverses."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from django_basemodels.guarantees import guarantee_problems
from django_basemodels.testing import assert_migration_reversal_drops_guarantees, trigger_names
from django_budget import budgets, create_bucket, create_budget
from django_budget.models import Budget

TX = "django_budget_budgettransaction"
BUDGET = "django_budget_budget"
BUCKET = "django_budget_bucket"
ALLOCATION = "django_budget_monthlyallocation"
TABLES = [TX, BUDGET, BUCKET, ALLOCATION]

# The triggers of the former migration 0002_append_only_and_currency_triggers: (trigger, table, event).
FORMER_SQLITE = [
    ("django_budget_tx_no_update", TX, "UPDATE"),
    ("django_budget_tx_no_delete", TX, "DELETE"),
    ("django_budget_budget_currency_locked", BUDGET, "UPDATE OF currency"),
    ("django_budget_tx_currency_0", TX, "INSERT"),
    ("django_budget_bucket_currency_0", BUCKET, "INSERT"),
    ("django_budget_bucket_currency_1", BUCKET, "UPDATE OF monthly_limit_currency, budget_id"),
    ("django_budget_allocation_currency_0", ALLOCATION, "INSERT"),
    ("django_budget_allocation_currency_1", ALLOCATION, "UPDATE OF currency, bucket_id"),
]
# On PostgreSQL: (trigger, table, event, function).
FORMER_POSTGRESQL = [
    ("django_budget_tx_append_only", TX, "UPDATE OR DELETE", "django_budget_refuse_transaction_change"),
    ("django_budget_budget_currency_locked", BUDGET, "UPDATE OF currency", "django_budget_refuse_currency_change"),
    ("django_budget_tx_currency", TX, "INSERT", "django_budget_tx_currency"),
    ("django_budget_bucket_currency", BUCKET, "INSERT OR UPDATE", "django_budget_bucket_currency"),
    ("django_budget_allocation_currency", ALLOCATION, "INSERT OR UPDATE", "django_budget_allocation_currency"),
]


def declared_triggers():
    names = {
        f"{TX}_append_only_update",
        f"{TX}_append_only_delete",
        f"{TX}_currency_of_budget_insert",
        f"{BUDGET}_currency_locked_update",
        f"{BUCKET}_currency_of_budget_insert",
        f"{BUCKET}_currency_of_budget_update",
        f"{ALLOCATION}_currency_of_budget_insert",
        f"{ALLOCATION}_currency_of_budget_update",
    }
    # The currency checks guard what is written, not the rows kept: only these tables refuse REPLACE
    # (and, on MariaDB/MySQL, INSERT ... ON DUPLICATE KEY UPDATE), where it bypasses UPDATE and DELETE triggers.
    replace_guards = {f"{TX}_no_replace", f"{BUDGET}_no_replace"}
    return names | replace_guards if connection.vendor in ("sqlite", "mysql") else names


def former_mysql():
    """(trigger, table, event) of every name the former triggers had on SQLite or PostgreSQL, once each."""
    by_name = {trigger: (table, event) for trigger, table, event, *_ in FORMER_SQLITE + FORMER_POSTGRESQL}
    return [(trigger, table, event.split()[0]) for trigger, (table, event) in by_name.items()]


def former_triggers():
    if connection.vendor == "postgresql":
        return FORMER_POSTGRESQL
    return former_mysql() if connection.vendor == "mysql" else FORMER_SQLITE


def install_former_triggers():
    """Triggers named as the former 0002 named them, as a database migrated with it has them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for trigger, table, event, function in FORMER_POSTGRESQL:
                cursor.execute(
                    f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                    "BEGIN RAISE EXCEPTION 'former trigger'; END; $$"
                )
                cursor.execute(
                    f"CREATE TRIGGER {trigger} BEFORE {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"
                )
        elif connection.vendor == "mysql":
            # The former migration installed nothing on MariaDB/MySQL: stand-ins under every name it used.
            for trigger, table, event in former_mysql():
                cursor.execute(
                    f"CREATE TRIGGER {trigger} BEFORE {event} ON {table} FOR EACH ROW SET @former_trigger = 1"
                )
        else:
            for trigger, table, event in FORMER_SQLITE:
                cursor.execute(
                    f"CREATE TRIGGER {trigger} BEFORE {event} ON {table} BEGIN SELECT RAISE(ABORT, 'x'); END"
                )


def functions_left():
    with connection.cursor() as cursor:
        cursor.execute("SELECT proname FROM pg_proc WHERE proname = ANY(%s)", [[row[3] for row in FORMER_POSTGRESQL]])
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_migrations_install_exactly_the_declared_triggers():
    assert trigger_names(*TABLES) == declared_triggers()


@pytest.mark.django_db(transaction=True)
def test_the_guarantees_are_dropped_by_reversing_their_migration_and_restored():
    assert_migration_reversal_drops_guarantees("django_budget", before="0001", tables=TABLES)


@pytest.mark.django_db(transaction=True)
def test_a_database_migrated_with_the_former_triggers_gets_the_guarantees_instead():
    call_command("migrate", "django_budget", "0001", verbosity=0)
    try:
        install_former_triggers()
        assert trigger_names(*TABLES) == {row[0] for row in former_triggers()}
    finally:
        call_command("migrate", "django_budget", verbosity=0)
    assert trigger_names(*TABLES) == declared_triggers()
    if connection.vendor == "postgresql":
        assert functions_left() == []


@pytest.mark.django_db
def test_the_models_match_the_migrations():
    out = StringIO()
    call_command("makemigrations", "django_budget", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


BEFORE_ORG = "0003_idempotency_key_on_voids"


def models_at(migration, *names):
    """The models ``names`` as the database has them after ``migration`` of django_budget."""
    state = MigrationExecutor(connection).loader.project_state(("django_budget", migration))
    return [state.apps.get_model("django_budget", name) for name in names]


def budget_columns_and_indexes():
    with connection.cursor() as cursor:
        columns = {column.name for column in connection.introspection.get_table_description(cursor, BUDGET)}
        indexes = set(connection.introspection.get_constraints(cursor, BUDGET))
    return columns, indexes


def assert_currency_of_budget_refused(bucket_model, budget_pk):
    """The bucket trigger still reads the budget's currency: a limit in another currency is refused."""
    with pytest.raises(IntegrityError), transaction.atomic():
        bucket_model.objects.create(
            budget_id=budget_pk,
            name="Rent",
            kind="essentials",
            monthly_limit_amount=Decimal("1"),
            monthly_limit_currency="USD",
            start_month=dt.date(2026, 1, 1),
        )


@pytest.fixture
def migrated_back_to_before_org():
    call_command("migrate", "django_budget", BEFORE_ORG, verbosity=0)
    yield
    call_command("migrate", "django_budget", verbosity=0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_back_to_before_org")
def test_existing_budgets_belong_to_no_organization_and_keep_their_guarantees():
    old_budget, old_bucket = models_at(BEFORE_ORG, "Budget", "Bucket")
    home = old_budget.objects.create(name="Home", currency="EUR")
    old_bucket.objects.create(
        budget=home,
        name="Groceries",
        kind="essentials",
        monthly_limit_amount=Decimal("900"),
        monthly_limit_currency="EUR",
        start_month=dt.date(2026, 1, 1),
    )
    assert "org_key" not in budget_columns_and_indexes()[0]

    call_command("migrate", "django_budget", verbosity=0)

    columns, indexes = budget_columns_and_indexes()
    assert "org_key" in columns and "django_budget_org_name_idx" in indexes
    assert [(budget.pk, budget.org_key) for budget in budgets(org=None)] == [(home.pk, "")]
    assert Budget.objects.get().buckets.get().name == "Groceries"
    assert guarantee_problems() == []
    assert trigger_names(*TABLES) == declared_triggers()
    assert_currency_of_budget_refused(*models_at("0004_budget_org", "Bucket"), home.pk)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {BUDGET} SET currency = 'USD'")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_back_to_before_org")
def test_backwards_budgets_of_organizations_stay_without_the_column_and_the_guarantees_hold():
    call_command("migrate", "django_budget", verbosity=0)
    home = create_budget(name="Home", currency="EUR", org="org-a")
    create_bucket(budget=home, name="Groceries", kind="essentials", monthly_limit=Decimal("900"), start_month="2026-01")

    call_command("migrate", "django_budget", BEFORE_ORG, verbosity=0)

    columns, indexes = budget_columns_and_indexes()
    assert "org_key" not in columns and "django_budget_org_name_idx" not in indexes
    old_budget, old_bucket = models_at(BEFORE_ORG, "Budget", "Bucket")
    assert list(old_budget.objects.values_list("pk", "name")) == [(home.pk, "Home")]
    assert trigger_names(*TABLES) == declared_triggers()
    assert_currency_of_budget_refused(old_bucket, home.pk)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {BUDGET} SET currency = 'USD'")
