import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from django_stock import MovementImmutableError
from django_stock.models import StockBalance, StockMovement
from django_stock.services import receive

MOVEMENTS = StockMovement._meta.db_table


def raw_insert(location, lot, movement_type, direction, quantity):
    """A movement written by raw SQL, bypassing the model and the services."""
    now = timezone.now()
    values = [
        uuid.uuid4().hex if connection.vendor == "sqlite" else uuid.uuid4(),
        location.pk.hex if connection.vendor == "sqlite" else location.pk,
        lot.pk.hex if connection.vendor == "sqlite" else lot.pk,
        movement_type,
        direction,
        quantity,
        now,
        now,
        uuid.uuid4().hex if connection.vendor == "sqlite" else uuid.uuid4(),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {MOVEMENTS} (id, location_id, lot_id, movement_type, direction, quantity, recorded_at, "
            "effective_at, operation_id, reference_id, reason, idempotency_key) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, '', '', '')",
            values,
        )


@pytest.fixture
def movement(store, lot):
    return receive(location=store, lot=lot, quantity=5)


@pytest.mark.django_db
def test_saving_an_existing_movement_is_refused(movement):
    movement.quantity = 50
    with pytest.raises(MovementImmutableError):
        movement.save()


@pytest.mark.django_db
def test_deleting_a_movement_is_refused(movement):
    with pytest.raises(MovementImmutableError):
        movement.delete()
    assert StockMovement.objects.filter(pk=movement.pk).exists()


@pytest.mark.django_db
def test_bulk_update_and_delete_are_refused(movement):
    with pytest.raises(MovementImmutableError):
        StockMovement.objects.filter(pk=movement.pk).update(quantity=50)
    with pytest.raises(MovementImmutableError):
        StockMovement.objects.all().delete()
    with pytest.raises(MovementImmutableError), transaction.atomic():  # bulk_update's own atomic has no savepoint
        StockMovement.objects.bulk_update([movement], ["quantity"])
    assert StockMovement.objects.get().quantity == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        f"UPDATE {MOVEMENTS} SET quantity = 50",
        f"UPDATE {MOVEMENTS} SET quantity = quantity",
        f"DELETE FROM {MOVEMENTS}",
    ],
)
def test_raw_sql_update_and_delete_are_refused_by_the_database(movement, statement):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert StockMovement.objects.get().quantity == 5


@pytest.mark.django_db
def test_a_movement_inserted_by_raw_sql_still_updates_its_balance(store, lot, movement):
    raw_insert(store, lot, "issue", -1, 2)
    assert StockBalance.objects.get(location=store, lot=lot).quantity == 3


@pytest.mark.django_db
def test_a_raw_movement_that_would_make_stock_negative_is_refused(store, pharmacy, lot, movement):
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_insert(store, lot, "issue", -1, 6)
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_insert(pharmacy, lot, "issue", -1, 1)
    assert list(StockBalance.objects.values_list("quantity", flat=True)) == [5]
    assert StockMovement.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("movement_type", "direction", "quantity"),
    [("receive", -1, 1), ("issue", 1, 1), ("receive", 1, 0), ("reversal", 1, 1), ("RECEIVE", 1, 1)],
    ids=["receive-out", "issue-in", "zero", "reversal-of-nothing", "type-in-another-case"],
)
def test_the_database_refuses_incoherent_movements(store, lot, movement_type, direction, quantity):
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_insert(store, lot, movement_type, direction, quantity)


@pytest.mark.django_db
def test_a_balance_row_cannot_be_set_negative(store, lot, movement):
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.filter(location=store, lot=lot).update(quantity=-1)


@pytest.mark.django_db
def test_the_model_fills_the_direction_from_the_type(store, lot):
    movement = StockMovement(location=store, lot=lot, movement_type="receive", quantity=2, operation_id=uuid.uuid4())
    movement.save()
    assert movement.direction == 1
    assert StockBalance.objects.get().quantity == 2
