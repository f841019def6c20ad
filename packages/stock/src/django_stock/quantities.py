"""The one rule for quantities: a positive Python ``int``. Safe to import before the app registry."""

from __future__ import annotations

from typing import Any

from django_stock.exceptions import InvalidQuantityError

#: The largest quantity one movement may carry (the column is a 32-bit integer on every database).
MAX_QUANTITY = 2_147_483_647


def validate_quantity(quantity: Any, *, name: str = "quantity") -> int:
    """Return ``quantity`` if it is an ``int`` from 1 to ``MAX_QUANTITY``; raise ``InvalidQuantityError`` otherwise.

    Stock is counted in whole units. ``bool`` (an ``int`` subclass), ``float`` (even ``2.0``),
    ``Decimal`` (even ``Decimal("2")``) and ``str`` (even ``"2"``) are refused: a caller parsing
    user input converts it explicitly, so a fractional or textual quantity never slips through.
    """
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidQuantityError(
            f"{name} must be an int, not {type(quantity).__name__} {quantity!r}: stock is counted in whole units.",
            quantity=quantity,
        )
    if quantity <= 0:
        raise InvalidQuantityError(f"{name} must be positive, not {quantity}.", quantity=quantity)
    if quantity > MAX_QUANTITY:
        raise InvalidQuantityError(f"{name} must be at most {MAX_QUANTITY}, not {quantity}.", quantity=quantity)
    return int(quantity)


__all__ = ["MAX_QUANTITY", "validate_quantity"]
