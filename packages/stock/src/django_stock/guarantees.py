"""The SQL and messages of the database guarantees that ``django_stock.models`` declares in ``Meta.guarantees``.

Only constants live here, so that ``models.py`` reads as a list of rules. Table names are fixed
(the models set no ``db_table``); ``OLD``/``NEW`` are the trigger's rows.
"""

MOVEMENTS = '"django_stock_stockmovement"'
BALANCES = '"django_stock_stockbalance"'

MOVEMENT_INSERT_ONLY = "django_stock_stockmovement is insert-only: movements are never updated or deleted"
NEGATIVE_BALANCE = "django_stock: a movement cannot make a stock balance negative"
BALANCE_FOLLOWS_MOVEMENTS = (
    "django_stock_stockbalance: a balance row equals the signed sum of its movements; "
    "insert a movement instead of writing the balance"
)
BALANCE_KEEPS_ITS_PAIR = "django_stock_stockbalance: a balance row never changes its location or lot"
BALANCE_HOLDING_STOCK_KEPT = "django_stock_stockbalance: a balance row holding stock is never deleted"

_PAIR = "location_id = NEW.location_id AND lot_id = NEW.lot_id"
SIGNED_SUM = f"(SELECT COALESCE(SUM(quantity * direction), 0) FROM {MOVEMENTS} WHERE {_PAIR})"

# --- StockMovement: each insert moves its (location, lot) balance row ---------------------------------

# SQLite. The row is created at 0 when missing by a plain INSERT ... WHERE NOT EXISTS: the balance
# table's REPLACE guard refuses INSERT OR IGNORE of an existing key. The explicit RAISE backs the
# CHECK (quantity >= 0): under an outer INSERT OR IGNORE of the movement, SQLite would otherwise skip
# the failing balance UPDATE silently and keep the movement.
APPLY_MOVEMENT_SQLITE = f"""
INSERT INTO {BALANCES} (location_id, lot_id, quantity)
SELECT NEW.location_id, NEW.lot_id, 0
WHERE NOT EXISTS (SELECT 1 FROM {BALANCES} WHERE {_PAIR});
SELECT RAISE(ABORT, '{NEGATIVE_BALANCE}')
WHERE (SELECT quantity FROM {BALANCES} WHERE {_PAIR}) + NEW.quantity * NEW.direction < 0;
UPDATE {BALANCES} SET quantity = quantity + NEW.quantity * NEW.direction WHERE {_PAIR};
"""

# PostgreSQL. The balance row's CHECK (quantity >= 0) refuses a movement that would make it negative.
APPLY_MOVEMENT_POSTGRESQL = f"""
INSERT INTO {BALANCES} (location_id, lot_id, quantity) VALUES (NEW.location_id, NEW.lot_id, 0)
ON CONFLICT (location_id, lot_id) DO NOTHING;
UPDATE {BALANCES} SET quantity = quantity + NEW.quantity * NEW.direction WHERE {_PAIR};
RETURN NULL;
"""

# --- StockBalance: written by the movement trigger, or with the sum of the movements -------------------

# An UPDATE of a balance row must leave it equal to the signed sum of its pair's movements.
# PostgreSQL checks exactly that, for every write made outside a trigger (pg_trigger_depth() = 0: raw
# SQL, the ORM, rebuild_balances); the movement trigger's own update costs nothing.
# SQLite has no trigger depth, and summing the pair's movements on every movement would make each
# write cost the length of its pair's history. So an update that adds the change of the newest movement
# (the movement trigger's, the movement being the table's last row) passes on two index lookups; any
# other update must leave the row equal to the sum. What SQLite lets through: a raw UPDATE that repeats
# the newest movement's change on its own row (``manage.py stock_balances`` reports it).
NEWEST_MOVEMENT_CHANGE = (
    f"(SELECT quantity * direction FROM {MOVEMENTS} WHERE rowid = (SELECT MAX(rowid) FROM {MOVEMENTS}) AND {_PAIR})"
)
BALANCE_UPDATE_CHECKED_WHEN = {
    "postgresql": "pg_trigger_depth() < 1",
    "sqlite": f"NEW.quantity - OLD.quantity IS NOT {NEWEST_MOVEMENT_CHANGE} AND NEW.quantity <> {SIGNED_SUM}",
}
BALANCE_UPDATE_SQLITE = f"SELECT RAISE(ABORT, '{BALANCE_FOLLOWS_MOVEMENTS}');"
BALANCE_EQUALS_SUM_POSTGRESQL = f"""
IF NEW.quantity IS DISTINCT FROM {SIGNED_SUM} THEN
    RAISE EXCEPTION USING MESSAGE = '{BALANCE_FOLLOWS_MOVEMENTS}', ERRCODE = 'restrict_violation';
END IF;
RETURN NEW;
"""

# An INSERT of a row at 0 (the movement trigger, the services creating a destination row) is free. A
# row inserted with stock outside a trigger (rebuild_balances, a bulk load) must hold the signed sum of
# its pair's movements: PostgreSQL checks it. SQLite does not check inserts ("0": the trigger never
# fires): even the weakest check, that the pair has movements, scans the movement table for each row
# of a bulk load made with its indexes dropped (it tripled the load of benchmarks/bench_stock.py).
BALANCE_INSERT_CHECKED_WHEN = {"postgresql": "pg_trigger_depth() < 1 AND NEW.quantity <> 0", "sqlite": "0"}
BALANCE_INSERT_SQLITE = BALANCE_UPDATE_SQLITE
