"""Stock's former triggers (its migration 0002_movement_triggers), SQL only.

Copied from the package as it was before its guarantees were declared in ``Meta.guarantees`` (commit
03b5c60), so that ``bench_guarantees`` can measure the declared triggers beside the former ones in one run.
Not used by any package.
"""

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


# What RefuseUpdateAndDelete("StockMovement", name="django_stock_movement", ...) installed.
POSTGRES_CREATE += [
    f"""
    CREATE OR REPLACE FUNCTION django_stock_refuse_movement_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{IMMUTABLE}' USING ERRCODE = 'restrict_violation';
    END;
    $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE OR REPLACE TRIGGER django_stock_movement_insert_only BEFORE UPDATE OR DELETE ON {MOVEMENTS}
    FOR EACH ROW EXECUTE FUNCTION django_stock_refuse_movement_change()
    """,
]
SQLITE_CREATE += [
    f"CREATE TRIGGER django_stock_movement_no_{event.lower()} BEFORE {event} ON {MOVEMENTS} "
    f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END"
    for event in ("UPDATE", "DELETE")
]
CREATE = {"postgresql": POSTGRES_CREATE, "sqlite": SQLITE_CREATE}
