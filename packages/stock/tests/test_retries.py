"""A service that the database rolls back to break a deadlock runs again; a balance row that another
transaction creates between the services' locking read and their insert is locked, not duplicated.

Deadlocks and that race need real concurrent transactions (``test_concurrency.py`` runs them on the
servers); here the database error is raised where the database would raise it, on every vendor.
"""

import pytest
from django.db import IntegrityError, OperationalError, transaction

from django_stock.models import StockBalance, StockMovement
from django_stock.selectors import balance, balances_differing_from_movements
from django_stock.services import locking, movements, receive, transfer

pytestmark = pytest.mark.usefixtures("committed_db")


def deadlock() -> OperationalError:
    # What the MariaDB/MySQL driver reports (ER_LOCK_DEADLOCK); django_basemodels.transactions.is_deadlock reads it.
    return OperationalError(1213, "Deadlock found when trying to get lock; try restarting transaction")


@pytest.fixture
def deadlocking_write(monkeypatch):
    """The first movement write of the test is chosen as a deadlock victim; returns the calls made."""
    calls = []
    write = movements.write_movements

    def victim_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise deadlock()
        return write(*args, **kwargs)

    monkeypatch.setattr(movements, "write_movements", victim_once)
    return calls


def test_a_service_rolled_back_by_a_deadlock_runs_again_and_writes_once(store, pharmacy, lot, deadlocking_write):
    received = receive(location=store, lot=lot, quantity=5)
    movements = transfer(from_location=store, to_location=pharmacy, lot=lot, quantity=2)

    assert len(deadlocking_write) == 3  # the receive twice (its first attempt rolled back), then the transfer
    assert StockMovement.objects.get(movement_type="receive") == received
    assert [m.movement_type for m in movements] == ["transfer_out", "transfer_in"]
    assert StockMovement.objects.count() == 3
    assert (balance(store, lot), balance(pharmacy, lot)) == (3, 2)


def test_an_idempotent_call_rolled_back_by_a_deadlock_runs_again(store, lot, deadlocking_write):
    receive(location=store, lot=lot, quantity=5, idempotency_key="delivery-1")
    again = receive(location=store, lot=lot, quantity=5, idempotency_key="delivery-1")

    assert len(deadlocking_write) == 2
    assert StockMovement.objects.get() == again
    assert balance(store, lot) == 5


def test_inside_a_callers_transaction_the_deadlock_goes_to_the_caller(store, lot, deadlocking_write):
    with pytest.raises(OperationalError, match="Deadlock"), transaction.atomic():
        receive(location=store, lot=lot, quantity=5)

    assert len(deadlocking_write) == 1
    assert not StockMovement.objects.exists()


def test_another_error_is_not_retried(store, lot, monkeypatch):
    calls = []

    def refused(*args, **kwargs):
        calls.append(args)
        raise OperationalError(1205, "Lock wait timeout exceeded; try restarting transaction")

    monkeypatch.setattr(movements, "write_movements", refused)
    with pytest.raises(OperationalError, match="Lock wait timeout"):
        receive(location=store, lot=lot, quantity=5)
    assert len(calls) == 1


@pytest.fixture
def row_created_after_the_read(monkeypatch):
    """The services' first locking read of balance rows misses every row, as if the rows it finds had
    been created by another transaction just after it; later reads see the table as it is."""
    reads = []
    locked_balances = locking.locked_balances

    def first_read_misses(db, pairs):
        reads.append(pairs)
        return [] if len(reads) == 1 else locked_balances(db, pairs)

    monkeypatch.setattr(locking, "locked_balances", first_read_misses)
    return reads


def test_a_balance_row_created_after_the_read_is_locked_not_duplicated(store, lot, row_created_after_the_read):
    StockBalance.objects.create(location=store, lot=lot, quantity=0)

    receive(location=store, lot=lot, quantity=4)

    assert len(row_created_after_the_read) == 2  # the read that missed it, then the row alone
    assert list(StockBalance.objects.values_list("quantity", flat=True)) == [4]
    assert balances_differing_from_movements() == []


def test_a_row_created_after_the_read_is_locked_with_its_stock(pharmacy, lot, row_created_after_the_read):
    receive(location=pharmacy, lot=lot, quantity=6)
    row_created_after_the_read.clear()  # the next read misses the pharmacy's row
    pair = (pharmacy.pk, lot.pk)

    with transaction.atomic():
        assert locking.lock_balances("default", adding=[pair]) == {pair: 6}


def test_an_insert_refused_for_another_reason_reaches_the_caller(store, lot, monkeypatch):
    monkeypatch.setattr(locking, "locked_balances", lambda db, pairs: [])
    StockBalance.objects.create(location=store, lot=lot, quantity=0)

    with pytest.raises(IntegrityError):
        receive(location=store, lot=lot, quantity=4)
    assert not StockMovement.objects.exists()
