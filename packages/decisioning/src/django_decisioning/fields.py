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
        if not add:
            return getattr(model_instance, self.attname)
        now = timezone.now()
        setattr(model_instance, self.attname, now)
        if getattr(model_instance, "effective_at", now) is None:
            model_instance.effective_at = now  # type: ignore[attr-defined]
        return now
