"""``RecordedAtField``: the server-side record time of a fact, shared with its default business time."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone


class RecordedAtField(models.DateTimeField):
    """Set to the server's current time on insert, whatever the caller gave; never changed after.

    On the same insert it fills an empty ``effective_at`` with that very value, so a fact that
    is not backdated has ``effective_at == recorded_at`` exactly. ``pre_save`` runs for
    ``save()`` and ``bulk_create()`` alike; it must run before ``effective_at``'s, which is why
    ``TimeSemanticsMixin`` declares ``recorded_at`` first.
    """

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        current = getattr(model_instance, self.attname)
        if not add:
            return current
        # Django 6.1 calls pre_save twice for one insert: keep the instant this insert stamped.
        stamp_marker = f"_{self.attname}_stamped"
        if current is not None and model_instance.__dict__.get(stamp_marker) is current:
            return current
        now = timezone.now()
        setattr(model_instance, self.attname, now)
        model_instance.__dict__[stamp_marker] = now
        if getattr(model_instance, "effective_at", now) is None:
            model_instance.effective_at = now  # type: ignore[attr-defined]
        return now
