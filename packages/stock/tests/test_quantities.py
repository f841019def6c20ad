from decimal import Decimal

import pytest

from django_stock import MAX_QUANTITY, InvalidQuantityError, validate_quantity
from django_stock.models import StockBalance, StockMovement
from django_stock.services import adjust, issue, receive, return_stock, transfer

REFUSED = [1.5, 2.0, 0, -1, "2", Decimal("2"), Decimal("1.5"), True, False, None, MAX_QUANTITY + 1]


@pytest.mark.parametrize("value", [1, 7, MAX_QUANTITY])
def test_positive_ints_are_quantities(value):
    assert validate_quantity(value) == value


@pytest.mark.parametrize("value", REFUSED, ids=repr)
def test_anything_but_a_positive_int_is_refused_with_the_value_carried(value):
    with pytest.raises(InvalidQuantityError) as raised:
        validate_quantity(value)
    assert raised.value.quantity is value


def test_invalid_quantity_is_a_value_error():
    with pytest.raises(ValueError):
        validate_quantity("2")


@pytest.mark.django_db
@pytest.mark.parametrize("value", [1.5, 0, -1, "2", Decimal("2")], ids=repr)
def test_every_service_refuses_a_bad_quantity_and_writes_nothing(value, store, pharmacy, lot, item):
    receive(location=store, lot=lot, quantity=5)
    calls = [
        lambda: receive(location=store, lot=lot, quantity=value),
        lambda: issue(location=store, lot=lot, quantity=value),
        lambda: issue(location=store, item=item, quantity=value),
        lambda: transfer(from_location=store, to_location=pharmacy, lot=lot, quantity=value),
        lambda: adjust(location=store, lot=lot, quantity=value, direction="out", reason="count"),
        lambda: return_stock(location=store, lot=lot, quantity=value),
    ]
    for call in calls:
        with pytest.raises(InvalidQuantityError):
            call()
    assert StockMovement.objects.count() == 1
    assert list(StockBalance.objects.values_list("quantity", flat=True)) == [5]
