"""The database guarantees of StockMovement and StockBalance: every raw write path, on every vendor."""

import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from django_basemodels.guarantees import guarantee_problems, guarantees_of
from django_basemodels.testing import (
    assert_migration_replaces_former_triggers,
    assert_migration_reversal_drops_guarantees,
    assert_write_paths_refused,
    trigger_names,
)
from django_stock import guarantees as sql
from django_stock.models import StockBalance, StockMovement
from django_stock.selectors import balance, balances_differing_from_movements
from django_stock.services import issue, rebuild_balances, receive, reverse_movement, transfer

MOVEMENTS = StockMovement._meta.db_table
BALANCES = StockBalance._meta.db_table
BALANCE_REFUSED = "django_stock_stockbalance: a balance row"
sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's REPLACE")
# What SQLite lets through (see the README); PostgreSQL and MariaDB/MySQL check it.
checks_every_write = connection.vendor in ("postgresql", "mysql")


def follows_movements() -> str:
    """The refusal of a balance that differs from its movements (one word shorter on MariaDB/MySQL)."""
    return sql.BALANCE_FOLLOWS_MOVEMENTS_MYSQL if connection.vendor == "mysql" else sql.BALANCE_FOLLOWS_MOVEMENTS


def raw(statement: str, params: list | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def key(value: uuid.UUID):
    """A UUID as the database stores it (SQLite: 32 hex digits)."""
    return value.hex if connection.vendor == "sqlite" else value


def balance_row(location, lot) -> StockBalance:
    return StockBalance.objects.get(location=location, lot=lot)


@pytest.fixture
def movement(store, lot):
    return receive(location=store, lot=lot, quantity=5)


# --- declared and installed -------------------------------------------------------------------------


def test_the_declared_guarantees_of_each_model():
    assert [g.name for g in guarantees_of(StockMovement)] == ["append_only", "apply_to_balance"]
    assert [g.name for g in guarantees_of(StockBalance)] == [
        "update_follows_movements",
        "insert_follows_movements",
        "frozen_columns",
        "holding_stock_undeletable",
    ]


@pytest.mark.django_db
def test_every_declared_trigger_is_installed_by_the_migrations():
    assert guarantee_problems() == []


@pytest.mark.django_db(transaction=True)
def test_migrating_back_drops_the_triggers_and_forward_installs_them_again():
    assert "django_stock_stockmovement_apply_to_balance_insert" in trigger_names(MOVEMENTS)
    assert_migration_reversal_drops_guarantees("django_stock", before="0001", tables=[MOVEMENTS, BALANCES])


@pytest.mark.django_db(transaction=True)
def test_the_migration_drops_the_triggers_of_the_former_migration():
    assert_migration_replaces_former_triggers(
        "django_stock",
        before="0001",
        table=MOVEMENTS,
        triggers=[
            "django_stock_movement_no_update",
            "django_stock_movement_no_delete",
            "django_stock_movement_insert_only",
            "django_stock_movement_apply",
        ],
        functions=["django_stock_refuse_movement_change", "django_stock_apply_movement"],
    )


# --- StockMovement: insert-only --------------------------------------------------------------------


@pytest.mark.django_db
def test_every_raw_write_path_to_a_movement_is_refused(store, lot, movement):
    refused = assert_write_paths_refused(movement, changes={"quantity": 50}, match=sql.MOVEMENT_INSERT_ONLY)

    expected = {
        "sqlite": {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE", "INSERT OR REPLACE", "REPLACE"},
        "postgresql": {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE"},
        "mysql": {"UPDATE", "DELETE", "INSERT ... ON DUPLICATE KEY UPDATE", "REPLACE"},
    }[connection.vendor]
    assert {write.path for write in refused} == expected
    assert balance(store, lot) == 5


@pytest.mark.django_db
@sqlite_only
@pytest.mark.parametrize("verb", ["REPLACE", "INSERT OR REPLACE"])
def test_a_replaced_movement_no_longer_drags_its_balance_along(store, lot, movement, verb):
    # SQLite's REPLACE deletes the old row without firing a DELETE trigger, then inserts the forged one:
    # the balance trigger would add the forged quantity on top of the original.
    columns = [field.column for field in StockMovement._meta.local_concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {MOVEMENTS}")
        row = list(cursor.fetchone())
    row[columns.index("quantity")] = 500

    with pytest.raises(IntegrityError, match="never replaced"):
        raw(f"{verb} INTO {MOVEMENTS} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(row))})", row)

    assert StockMovement.objects.get().quantity == 5
    assert balance_row(store, lot).quantity == 5


@pytest.mark.django_db
def test_a_second_reversal_of_a_movement_written_past_the_service_is_still_refused(store, lot, movement):
    reversal = reverse_movement(movement=movement, reason="typo", by=None)[0]
    twin = StockMovement(
        location=store,
        lot=lot,
        movement_type="reversal",
        direction=-1,
        quantity=5,
        reverses=movement,
        operation_id=uuid.uuid4(),
    )
    # The unique key on reverses; on SQLite the REPLACE guard answers first ("never replaced").
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    assert list(StockMovement.objects.filter(reverses=movement)) == [reversal]
    assert balance(store, lot) == 0


# --- StockBalance: follows the movements ---------------------------------------------------------------


@pytest.mark.django_db
def test_every_raw_write_path_that_changes_a_balance_holding_stock_is_refused(store, lot, movement):
    assert_write_paths_refused(
        balance_row(store, lot),
        changes={"quantity": 99},
        match=f"{BALANCE_REFUSED} (equals the signed sum of its movements|holding stock is never deleted)",
    )
    assert balance(store, lot) == 5


@pytest.mark.django_db
def test_every_raw_write_path_that_changes_an_empty_balance_is_refused(store, lot, movement):
    issue(location=store, lot=lot, quantity=5)

    assert_write_paths_refused(
        balance_row(store, lot),
        changes={"quantity": 7},
        delete=False,
        match=f"{BALANCE_REFUSED} equals the signed sum of its movements",
    )
    assert balance(store, lot) == 0


@pytest.mark.django_db
def test_every_raw_write_path_that_moves_a_balance_row_is_refused(store, pharmacy, lot, movement):
    assert_write_paths_refused(
        balance_row(store, lot),
        changes={"location_id": key(pharmacy.pk)},
        delete=False,
        # PostgreSQL's upsert is refused by the insert check first: the row is not the pharmacy's sum.
        match=f"{BALANCE_REFUSED} (never changes its location or lot|equals the signed sum of its movements)",
    )


@pytest.mark.django_db
def test_an_orm_update_of_a_balance_is_refused(store, lot, movement):
    with pytest.raises(IntegrityError, match=follows_movements()), transaction.atomic():
        StockBalance.objects.filter(location=store, lot=lot).update(quantity=6)
    assert balance(store, lot) == 5


@pytest.mark.django_db
def test_a_balance_row_created_with_stock_is_refused_except_by_sqlite(pharmacy, lot):
    """Opening stock written as a balance row instead of a movement. PostgreSQL and MariaDB/MySQL
    compare every insert with stock made outside the movement trigger with the sum; SQLite does not
    check inserts (see the README) and ``stock_balances`` reports the row."""
    if checks_every_write:
        with pytest.raises(IntegrityError, match=follows_movements()), transaction.atomic():
            StockBalance.objects.create(location=pharmacy, lot=lot, quantity=40)
        assert not StockBalance.objects.exists()
    else:
        StockBalance.objects.create(location=pharmacy, lot=lot, quantity=40)
        assert balances_differing_from_movements() == [(pharmacy.pk, lot.pk, 40, 0)]


@pytest.mark.django_db
def test_a_raw_write_that_leaves_the_balance_equal_to_its_movements_is_allowed(store, lot, movement):
    raw(f"UPDATE {BALANCES} SET quantity = 5")
    raw(f"UPDATE {BALANCES} SET quantity = quantity")
    assert balance(store, lot) == 5


@pytest.mark.django_db
def test_an_empty_balance_row_may_be_deleted_and_comes_back_with_the_next_movement(store, lot, movement):
    issue(location=store, lot=lot, quantity=5)
    raw(f"DELETE FROM {BALANCES}")
    assert not StockBalance.objects.exists()

    receive(location=store, lot=lot, quantity=2)
    assert balance_row(store, lot).quantity == 2


@pytest.mark.django_db
def test_a_location_whose_balance_rows_are_empty_can_be_deleted(make_location, lot):
    empty = make_location("EMPTY")
    StockBalance.objects.create(location=empty, lot=lot, quantity=0)

    empty.delete()

    assert not StockBalance.objects.exists()


@pytest.mark.django_db
def test_services_that_create_balance_rows_still_work_when_the_rows_exist(store, pharmacy, lot):
    receive(location=store, lot=lot, quantity=5)
    receive(location=store, lot=lot, quantity=5)
    transfer(from_location=store, to_location=pharmacy, lot=lot, quantity=2)
    transfer(from_location=store, to_location=pharmacy, lot=lot, quantity=2)
    assert (balance(store, lot), balance(pharmacy, lot)) == (6, 4)
    assert StockBalance.objects.count() == 2


@pytest.mark.django_db
def test_rebuild_still_writes_the_rows_the_guarantees_allow(store, lot, movement):
    assert rebuild_balances() == []
    assert balances_differing_from_movements() == []


@pytest.mark.django_db
def test_a_raw_update_repeating_the_newest_movement_is_caught_except_by_sqlite(store, lot, movement):
    """A raw UPDATE that adds the newest movement once more. PostgreSQL and MariaDB/MySQL compare every
    write made outside the movement trigger with the sum; SQLite lets this one through (see the README)
    and ``stock_balances`` reports it."""
    repeat = f"UPDATE {BALANCES} SET quantity = quantity + 5"
    if checks_every_write:
        with pytest.raises(IntegrityError, match=follows_movements()):
            raw(repeat)
        assert balances_differing_from_movements() == []
    else:
        raw(repeat)
        assert balances_differing_from_movements() == [(store.pk, lot.pk, 10, 5)]


@pytest.mark.django_db
@pytest.mark.skipif("connection.vendor != 'mysql'", reason="the session variable of MariaDB/MySQL's movement trigger")
def test_mariadb_lets_through_only_the_change_of_the_movement_the_session_names(store, lot, movement):
    """MariaDB/MySQL have no trigger depth: the movement trigger names the movement it applies in a
    session variable, cleared after its update, and the balance guard lets through the update that
    adds that movement's change to its row. A session that sets the variable by hand can repeat that
    one change (``stock_balances`` reports it); any other write is still compared with the sum."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql.APPLYING_MOVEMENT}")
        assert cursor.fetchone() == (None,)
        cursor.execute(f"SET {sql.APPLYING_MOVEMENT} = %s", [str(movement.pk)])
    try:
        with pytest.raises(IntegrityError, match=follows_movements()):
            raw(f"UPDATE {BALANCES} SET quantity = quantity + 4")
        raw(f"UPDATE {BALANCES} SET quantity = quantity + 5")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"SET {sql.APPLYING_MOVEMENT} = NULL")
    assert balances_differing_from_movements() == [(store.pk, lot.pk, 10, 5)]
