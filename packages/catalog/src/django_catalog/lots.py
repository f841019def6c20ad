"""The lot a dispense record names: a lot number, or the canonical key of a lot row of any package.

The catalog imports no stock package; a lot row is stored as ``"<app_label>.<model>:<canonical pk>"``
(the text form of django-basemodels' generic keys), a lot number as it is written.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from django_basemodels.arguments import is_saved
from django_basemodels.fields import canonical_object_id
from django_catalog.exceptions import InvalidLotError

LOT_REFERENCE_MAX_LENGTH = 255


def lot_reference(lot: Any) -> str:
    """The text ``DispenseLog.lot_reference`` stores for ``lot``; ``""`` for ``None`` (no lot recorded).

    ``lot`` is a lot number (a non-empty string of at most 255 characters, kept as written) or a
    saved model instance (``"inventory.lot:<pk>"``). Raises ``InvalidLotError`` otherwise.
    """
    if lot is None:
        return ""
    if isinstance(lot, str):
        if not lot.strip() or len(lot) > LOT_REFERENCE_MAX_LENGTH:
            raise InvalidLotError(
                f"lot must be a lot number of 1 to {LOT_REFERENCE_MAX_LENGTH} characters, a saved lot instance "
                f"or None, not {lot[:40]!r}{'...' if len(lot) > 40 else ''}.",
                value=lot,
            )
        return lot
    if isinstance(lot, models.Model):
        if not is_saved(lot):
            raise InvalidLotError(
                f"lot must be a saved instance: save {lot!r} first, or pass its lot number.", value=lot
            )
        reference = f"{lot._meta.label_lower}:{canonical_object_id(lot.pk)}"
        if len(reference) > LOT_REFERENCE_MAX_LENGTH:  # pragma: no cover - a key longer than any real one
            raise InvalidLotError(f"The key of {lot!r} is too long to store; pass its lot number.", value=lot)
        return reference
    raise InvalidLotError(
        f"lot must be a lot number (str), a saved lot instance or None, not {type(lot).__name__} {lot!r}.", value=lot
    )
