"""The SQL and messages of the database guarantees that ``django_stock.models`` declares in ``Meta.guarantees``.

Only constants live here, so that ``models.py`` reads as a list of rules. Table names are fixed
(the models set no ``db_table``); ``OLD``/``NEW`` are the trigger's rows.

MariaDB/MySQL (InnoDB, ``REPEATABLE READ``): ``quantity`` is an ``UNSIGNED`` column there, and an
unsigned value times a negative direction is out of range, so it is cast to ``SIGNED`` first. A plain
``SELECT`` in a trigger reads the snapshot its transaction took at its first read; the reads a refusal
depends on are locking reads (``LOCK IN SHARE MODE``), and the movement trigger updates its balance
row before it would insert one (an ``UPDATE`` reads the latest committed row).
"""

from django_basemodels.guarantees import mysql_refusal

MOVEMENTS = '"django_stock_stockmovement"'
BALANCES = '"django_stock_stockbalance"'
MOVEMENTS_MYSQL = "`django_stock_stockmovement`"
BALANCES_MYSQL = "`django_stock_stockbalance`"

MOVEMENT_INSERT_ONLY = "django_stock_stockmovement is insert-only: movements are never updated or deleted"
NEGATIVE_BALANCE = "django_stock: a movement cannot make a stock balance negative"
BALANCE_FOLLOWS_MOVEMENTS = (
    "django_stock_stockbalance: a balance row equals the signed sum of its movements; "
    "insert a movement instead of writing the balance"
)
# MariaDB/MySQL keep at most 128 characters of a refusal's message: its last words differ there.
BALANCE_FOLLOWS_MOVEMENTS_MYSQL = (
    "django_stock_stockbalance: a balance row equals the signed sum of its movements; "
    "insert a movement instead of writing a balance"
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

# MariaDB/MySQL. No trigger depth there: the trigger names the movement it applies in the session
# variable below for the length of its own UPDATE, and the balance guard lets through only the update
# that adds that movement's change to that movement's row. Should the UPDATE fail, the statement fails
# and the movement is rolled back with it: the variable left behind names no movement. A row missing
# is inserted with the change (the UPDATE matched none; of two first movements of a pair inserted at
# once outside the services, one fails on the unique key), and the insert check compares it with the
# sum, which the new movement alone makes. The row's CHECK (quantity >= 0) refuses a movement that
# would make it negative (an outer INSERT IGNORE does not reach the statements of a trigger).
APPLYING_MOVEMENT = "@django_stock_applying_movement"
_CHANGE_MYSQL = "CAST(NEW.quantity AS SIGNED) * NEW.direction"
APPLY_MOVEMENT_MYSQL = f"""
DECLARE updated INT;
SET {APPLYING_MOVEMENT} = NEW.id;
UPDATE {BALANCES_MYSQL} SET quantity = quantity + {_CHANGE_MYSQL} WHERE {_PAIR};
SET updated = ROW_COUNT();
SET {APPLYING_MOVEMENT} = NULL;
IF updated = 0 THEN
    INSERT INTO {BALANCES_MYSQL} (location_id, lot_id, quantity) VALUES (NEW.location_id, NEW.lot_id, {_CHANGE_MYSQL});
END IF;
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
# MariaDB/MySQL has no trigger depth either: the update that adds the change of the movement the
# movement trigger is applying (APPLY_MOVEMENT_MYSQL) passes on a primary-key lookup; every other write
# is compared with the sum, as on PostgreSQL. What a session could still do on purpose: set the
# variable itself to a movement's key and repeat that movement's change on its row (``manage.py
# stock_balances`` reports it).
APPLYING_MOVEMENT_CHANGE = (
    f"(SELECT CAST(quantity AS SIGNED) * direction FROM {MOVEMENTS_MYSQL} WHERE id = {APPLYING_MOVEMENT} AND {_PAIR})"
)
BALANCE_UPDATE_CHECKED_WHEN = {
    "postgresql": "pg_trigger_depth() < 1",
    "sqlite": f"NEW.quantity - OLD.quantity IS NOT {NEWEST_MOVEMENT_CHANGE} AND NEW.quantity <> {SIGNED_SUM}",
    "mysql": f"NOT (NEW.quantity - OLD.quantity <=> {APPLYING_MOVEMENT_CHANGE})",
}
BALANCE_UPDATE_SQLITE = f"SELECT RAISE(ABORT, '{BALANCE_FOLLOWS_MOVEMENTS}');"
BALANCE_EQUALS_SUM_POSTGRESQL = f"""
IF NEW.quantity IS DISTINCT FROM {SIGNED_SUM} THEN
    RAISE EXCEPTION USING MESSAGE = '{BALANCE_FOLLOWS_MOVEMENTS}', ERRCODE = 'restrict_violation';
END IF;
RETURN NEW;
"""
# A locking read: the snapshot could miss a movement committed since this transaction's first read.
BALANCE_EQUALS_SUM_MYSQL = f"""
DECLARE movements_sum BIGINT;
SELECT COALESCE(SUM(CAST(quantity AS SIGNED) * direction), 0) INTO movements_sum
FROM {MOVEMENTS_MYSQL} WHERE {_PAIR} LOCK IN SHARE MODE;
IF NOT (NEW.quantity <=> movements_sum) THEN
    {mysql_refusal(BALANCE_FOLLOWS_MOVEMENTS_MYSQL)}
END IF;
"""

# An INSERT of a row at 0 (the movement trigger, the services creating a destination row) is free. A
# row inserted with stock outside a trigger (rebuild_balances, a bulk load) must hold the signed sum of
# its pair's movements: PostgreSQL checks it. SQLite does not check inserts ("0": the trigger never
# fires): even the weakest check, that the pair has movements, scans the movement table for each row
# of a bulk load made with its indexes dropped (it tripled the load of benchmarks/bench_stock.py).
# MariaDB/MySQL checks every insert with stock, the movement trigger's included (it inserts a row only
# for the first movement of a pair written outside the services, or after its empty row was deleted).
BALANCE_INSERT_CHECKED_WHEN = {
    "postgresql": "pg_trigger_depth() < 1 AND NEW.quantity <> 0",
    "sqlite": "0",
    "mysql": "NEW.quantity <> 0",
}
BALANCE_INSERT_SQLITE = BALANCE_UPDATE_SQLITE
