"""``RecordedAtField``: the server's time of an entry's insert (``django_basemodels.fields.RecordedAtField``).

A subclass of its own so that migrations keep naming ``django_audit_log.fields.RecordedAtField``. The
services call ``stamp_recorded_at`` before the hash chain reads an entry: the insert then keeps that
instant, so the stored times are the ones the hash covers.
"""

from __future__ import annotations

from django_basemodels.fields import RecordedAtField as BaseRecordedAtField
from django_basemodels.fields import stamp_recorded_at

__all__ = ["RecordedAtField", "stamp_recorded_at"]


class RecordedAtField(BaseRecordedAtField):
    """The server's current time on insert, whatever the caller gave; fills an empty ``effective_at``."""
