"""``RecordedAtField``: the server's time of an entry's insert, whatever a caller put there.

The same rule as django-decisioning's ``RecordedAtField`` (``TimeSemanticsMixin``), kept here because
this package sits below decisioning and may not import it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone

_STAMP = "_audit_log_recorded_at_stamp"


def stamp_recorded_at(entry: models.Model) -> dt.datetime:
    """Give the unsaved ``entry`` the server's current time as ``recorded_at`` (and as ``effective_at``
    when that is empty), and return it.

    The services call it before the hash chain reads the entry: the insert then keeps this instant
    instead of taking a new one, so the stored times are the ones the hash covers.
    """
    now = timezone.now()
    entry.recorded_at = now  # type: ignore[attr-defined]
    entry.__dict__[_STAMP] = now
    if getattr(entry, "effective_at", None) is None:
        entry.effective_at = now  # type: ignore[attr-defined]
    return now


class RecordedAtField(models.DateTimeField):
    """Set to the server's current time on insert, whatever value a caller gave; never changed after.

    A value stamped by ``stamp_recorded_at()`` is kept (the services stamp entries before hashing
    them); any other value is replaced on insert (``save()`` and ``bulk_create()`` alike). On that
    insert an empty ``effective_at`` becomes the same instant, so an entry that is not backdated has
    ``effective_at == recorded_at`` exactly.
    """

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        current = getattr(model_instance, self.attname)
        if add:
            if current is None or model_instance.__dict__.get(_STAMP) is not current:
                current = stamp_recorded_at(model_instance)
            elif getattr(model_instance, "effective_at", None) is None:
                model_instance.effective_at = current  # type: ignore[attr-defined]
        return current
