"""Abstract models that give any fact its two times, or any record its validity period.

``class Payment(TimeSemanticsMixin, UUIDModel): ...`` gets ``effective_at``/``recorded_at`` and
``Payment.objects.as_of(t)``; ``class Role(EffectiveDatedMixin, models.Model): ...`` gets
``valid_from``/``valid_to`` and ``Role.objects.current()``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from django_decisioning.fields import RecordedAtField
from django_decisioning.querysets import EffectiveDatedQuerySet, EventAsOfQuerySet


class TimeSemanticsMixin(models.Model):
    """``effective_at`` (business time, may be backdated) and ``recorded_at`` (record time).

    ``recorded_at`` is set by the server when the row is inserted: a value passed by a caller
    is overwritten, so it always tells when the system learnt the fact. ``effective_at`` left
    empty becomes that same instant (not backdated: ``effective_at == recorded_at``).
    ``objects`` is an ``EventAsOfQuerySet`` manager (``as_of``, ``known_at``).
    """

    # recorded_at first: its pre_save fills an empty effective_at before that one is read.
    recorded_at = RecordedAtField(editable=False, db_index=True)
    effective_at = models.DateTimeField(db_index=True, blank=True)

    objects = EventAsOfQuerySet.as_manager()

    class Meta:
        abstract = True


class EffectiveDatedMixin(models.Model):
    """A validity period ``[valid_from, valid_to)``; ``valid_to`` null means open-ended.

    The database refuses ``valid_to <= valid_from`` (check constraint
    ``<app_label>_<model>_valid_period``) and ``clean()`` says so as a ``ValidationError``. A
    subclass with its own ``Meta`` keeps the constraint by inheriting it:
    ``class Meta(EffectiveDatedMixin.Meta): ...`` (and listing it again if it sets ``constraints``).
    ``objects`` is an ``EffectiveDatedQuerySet`` manager (``as_of``, ``current``).
    """

    valid_from = models.DateTimeField(default=timezone.now, db_index=True)
    valid_to = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = EffectiveDatedQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="%(app_label)s_%(class)s_valid_period",
                violation_error_message="valid_to must be later than valid_from.",
            )
        ]

    def clean(self) -> None:
        """Raise ``ValidationError`` on ``valid_to`` when it is not after ``valid_from``."""
        super().clean()
        if self.valid_to is not None and self.valid_from is not None and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": "valid_to must be later than valid_from."})

    def is_valid_at(self, when: object) -> bool:
        """Whether this record is valid at ``when`` (same rule as ``EffectiveDatedQuerySet.as_of``)."""
        return self.valid_from <= when and (self.valid_to is None or when < self.valid_to)  # type: ignore[operator]
