"""Database triggers: budget transactions are append-only, and every amount is in its budget's currency.

- raw SQL UPDATE and DELETE of a budget transaction are refused (``RefuseUpdateAndDelete``:
  django_budget_tx_no_update/_no_delete on SQLite, django_budget_tx_append_only calling
  django_budget_refuse_transaction_change() on PostgreSQL);
- a budget's currency cannot change;
- a transaction, a bucket's monthly limit and an allocation in another currency than their
  budget's are refused on INSERT (and on UPDATE of the columns involved).

Written for SQLite and PostgreSQL; other vendors get no triggers.
"""

from django.db import migrations

from django_basemodels.triggers import RefuseUpdateAndDelete

TX = "django_budget_budgettransaction"
BUDGET = "django_budget_budget"
BUCKET = "django_budget_bucket"
ALLOCATION = "django_budget_monthlyallocation"

APPEND_ONLY = f"{TX} is append-only: budget transactions are never updated or deleted, void them instead"
# No apostrophes: the messages are SQL string literals.
LOCKED = f"{BUDGET}.currency cannot change: the amounts of the budget are stored in it"
MISMATCH = "django_budget: an amount must be in the currency of its budget"

BUDGET_CURRENCY_OF_BUDGET = f"(SELECT currency FROM {BUDGET} WHERE id = NEW.budget_id)"
BUDGET_CURRENCY_OF_BUCKET = (
    f"(SELECT b.currency FROM {BUDGET} b JOIN {BUCKET} k ON k.budget_id = b.id WHERE k.id = NEW.bucket_id)"
)

# (trigger name, table, events for SQLite, events for PostgreSQL, the currency column, the budget's currency)
CURRENCY_CHECKS = [
    ("django_budget_tx_currency", TX, ["INSERT"], "INSERT", "currency", BUDGET_CURRENCY_OF_BUDGET),
    (
        "django_budget_bucket_currency",
        BUCKET,
        ["INSERT", "UPDATE OF monthly_limit_currency, budget_id"],
        "INSERT OR UPDATE OF monthly_limit_currency, budget_id",
        "monthly_limit_currency",
        BUDGET_CURRENCY_OF_BUDGET,
    ),
    (
        "django_budget_allocation_currency",
        ALLOCATION,
        ["INSERT", "UPDATE OF currency, bucket_id"],
        "INSERT OR UPDATE OF currency, bucket_id",
        "currency",
        BUDGET_CURRENCY_OF_BUCKET,
    ),
]

POSTGRES_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION django_budget_refuse_currency_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{LOCKED}' USING ERRCODE = 'restrict_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE TRIGGER django_budget_budget_currency_locked BEFORE UPDATE OF currency ON {BUDGET}
    FOR EACH ROW WHEN (NEW.currency IS DISTINCT FROM OLD.currency)
    EXECUTE FUNCTION django_budget_refuse_currency_change();
    """,
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS django_budget_budget_currency_locked ON {BUDGET};",
    "DROP FUNCTION IF EXISTS django_budget_refuse_currency_change();",
]
SQLITE_CREATE = [
    f"""
    CREATE TRIGGER django_budget_budget_currency_locked BEFORE UPDATE OF currency ON {BUDGET}
    WHEN NEW.currency IS NOT OLD.currency
    BEGIN SELECT RAISE(ABORT, '{LOCKED}'); END;
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS django_budget_budget_currency_locked;",
]

for name, table, sqlite_events, postgres_events, column, expected in CURRENCY_CHECKS:
    POSTGRES_CREATE += [
        f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
        BEGIN
            IF NEW.{column} IS DISTINCT FROM {expected} THEN
                RAISE EXCEPTION '{MISMATCH} ({table})' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql;
        """,
        f"CREATE TRIGGER {name} BEFORE {postgres_events} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}();",
    ]
    POSTGRES_DROP += [f"DROP TRIGGER IF EXISTS {name} ON {table};", f"DROP FUNCTION IF EXISTS {name}();"]
    for index, event in enumerate(sqlite_events):
        SQLITE_CREATE.append(
            f"""
            CREATE TRIGGER {name}_{index} BEFORE {event} ON {table}
            WHEN NEW.{column} IS NOT {expected}
            BEGIN SELECT RAISE(ABORT, '{MISMATCH} ({table})'); END;
            """
        )
        SQLITE_DROP.append(f"DROP TRIGGER IF EXISTS {name}_{index};")


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def create_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_CREATE, "sqlite": SQLITE_CREATE})


def drop_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP})


class Migration(migrations.Migration):
    dependencies = [("django_budget", "0001_initial")]

    operations = [
        RefuseUpdateAndDelete(
            "BudgetTransaction",
            name="django_budget_tx",
            postgres_function="django_budget_refuse_transaction_change",
            message=APPEND_ONLY,
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
