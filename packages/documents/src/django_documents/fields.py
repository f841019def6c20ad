"""``RecordedAtField``: when the system recorded a document (``django_basemodels.fields.RecordedAtField``).

A subclass of its own so that migrations keep naming ``django_documents.fields.RecordedAtField``.
"""

from __future__ import annotations

from django_basemodels.fields import RecordedAtField as BaseRecordedAtField


class RecordedAtField(BaseRecordedAtField):
    """The server's current time on insert, whatever the caller gave; fills an empty ``effective_at``."""
