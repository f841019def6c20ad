"""The datetimes documents are given (``effective_at``, ``as_of``, ``known_at``): aware, and said how when not."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings

from django_basemodels.arguments import require_aware
from django_documents.exceptions import InvalidDatetimeError


def require_datetime(value: Any, *, name: str, not_in_future: bool = False) -> datetime.datetime:
    """``value`` if it is a datetime Django can store: timezone-aware under ``USE_TZ`` (naive otherwise).

    Raises ``InvalidDatetimeError`` saying exactly what to pass (``django_basemodels.arguments.require_aware``'s
    message: the naive time made aware, a day's start or end, a time up to now with ``not_in_future``).
    """
    if settings.USE_TZ:
        try:
            return require_aware(value, name=name, allow_none=False, not_in_future=not_in_future)
        except ValueError as exc:
            raise InvalidDatetimeError(str(exc), name=name, value=value) from None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        start = datetime.datetime.combine(value, datetime.time())
        raise InvalidDatetimeError(
            f"{name} must be a datetime, not the date {value!r}: pass {start!r} for the start of that day.",
            name=name,
            value=value,
        )
    if not isinstance(value, datetime.datetime):
        raise InvalidDatetimeError(
            f"{name} must be a datetime (django.utils.timezone.now() or datetime.datetime(...)), not {value!r}.",
            name=name,
            value=value,
        )
    return value
