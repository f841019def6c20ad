"""Database triggers on stock movements, for SQLite and PostgreSQL.

- Insert-only: raw SQL UPDATE and DELETE of a movement are refused (``RefuseUpdateAndDelete``:
  django_stock_movement_no_update/_no_delete on SQLite, django_stock_movement_insert_only calling
  django_stock_refuse_movement_change() on PostgreSQL).
- Balances: every inserted movement adds ``quantity * direction`` to its (location, lot) row of
  ``django_stock_stockbalance`` in the same statement (creating the row when missing). The row's
  CHECK (quantity >= 0) then refuses any insert, even raw SQL, that would make stock negative.
"""

from django.db import migrations

from django_basemodels.triggers import RefuseUpdateAndDelete

MOVEMENTS = "django_stock_stockmovement"
BALANCES = "django_stock_stockbalance"
IMMUTABLE = "django_stock_stockmovement is insert-only: movements are never updated or deleted"
NEGATIVE = "django_stock: a movement cannot make a stock balance negative"

POSTGRES_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION django_stock_apply_movement() RETURNS trigger AS $$
    BEGIN
        INSERT INTO {BALANCES} (location_id, lot_id, quantity) VALUES (NEW.location_id, NEW.lot_id, 0)
        ON CONFLICT (location_id, lot_id) DO NOTHING;
        UPDATE {BALANCES} SET quantity = quantity + NEW.quantity * NEW.direction
        WHERE location_id = NEW.location_id AND lot_id = NEW.lot_id;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE TRIGGER django_stock_movement_apply
    AFTER INSERT ON {MOVEMENTS}
    FOR EACH ROW EXECUTE FUNCTION django_stock_apply_movement();
    """,
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS django_stock_movement_apply ON {MOVEMENTS};",
    "DROP FUNCTION IF EXISTS django_stock_apply_movement();",
]
SQLITE_CREATE = [
    # The explicit RAISE backs the CHECK constraint: an INSERT OR IGNORE of a movement would
    # otherwise make SQLite skip a failing balance UPDATE silently and keep the movement.
    f"""
    CREATE TRIGGER django_stock_movement_apply AFTER INSERT ON {MOVEMENTS}
    BEGIN
        INSERT OR IGNORE INTO {BALANCES} (location_id, lot_id, quantity) VALUES (NEW.location_id, NEW.lot_id, 0);
        SELECT RAISE(ABORT, '{NEGATIVE}')
        WHERE (SELECT quantity FROM {BALANCES} WHERE location_id = NEW.location_id AND lot_id = NEW.lot_id)
              + NEW.quantity * NEW.direction < 0;
        UPDATE {BALANCES} SET quantity = quantity + NEW.quantity * NEW.direction
        WHERE location_id = NEW.location_id AND lot_id = NEW.lot_id;
    END;
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS django_stock_movement_apply;",
]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def create_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_CREATE, "sqlite": SQLITE_CREATE})


def drop_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP})


class Migration(migrations.Migration):
    dependencies = [("django_stock", "0001_initial")]

    operations = [
        RefuseUpdateAndDelete(
            "StockMovement",
            name="django_stock_movement",
            postgres_trigger="django_stock_movement_insert_only",
            postgres_function="django_stock_refuse_movement_change",
            message=IMMUTABLE,
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
