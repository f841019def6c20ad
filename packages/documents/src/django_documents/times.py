"""The datetimes documents are given (``effective_at``, ``as_of``, ``known_at``): aware, and said how when not."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from django_basemodels.arguments import require_aware
from django_documents.exceptions import InvalidDatetimeError


def require_datetime(value: Any, *, name: str, not_in_future: bool = False) -> datetime.datetime:
    """``value`` if it is a datetime Django can store: timezone-aware under ``USE_TZ`` (naive otherwise).

    Raises ``InvalidDatetimeError`` saying exactly what to pass: for a naive datetime, the same wall time
    in UTC (``datetime.datetime(..., tzinfo=datetime.timezone.utc)``) or ``timezone.make_aware(...)`` in
    the current time zone. With ``not_in_future``, a time after now is refused too.
    """
    if is_naive_datetime(value):
        raise InvalidDatetimeError(naive_datetime_message(name, value), name=name, value=value)
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        start = datetime.datetime.combine(
            value, datetime.time(), tzinfo=datetime.timezone.utc if settings.USE_TZ else None
        )
        raise InvalidDatetimeError(
            f"{name} must be a {'timezone-aware ' if settings.USE_TZ else ''}datetime, not the date {value!r}: "
            f"pass {start!r} for the start of that day{' in UTC' if settings.USE_TZ else ''}.",
            name=name,
            value=value,
        )
    if settings.USE_TZ:
        try:
            require_aware(value, name=name, allow_none=False)  # the one guard, for what is no datetime at all
        except ValueError as exc:
            raise InvalidDatetimeError(str(exc), name=name, value=value) from None
    elif not isinstance(value, datetime.datetime):
        raise InvalidDatetimeError(
            f"{name} must be a datetime (django.utils.timezone.now() or datetime.datetime(...)), not {value!r}.",
            name=name,
            value=value,
        )
    if not_in_future and value > timezone.now():
        raise InvalidDatetimeError(
            f"{name} cannot be in the future ({value.isoformat()}): pass the time the document took effect, "
            f"at or before now, or leave {name} out to use the time it is recorded.",
            name=name,
            value=value,
        )
    return value


def is_naive_datetime(value: Any) -> bool:
    """Whether ``value`` is a naive datetime where Django needs aware ones (``USE_TZ``)."""
    return isinstance(value, datetime.datetime) and settings.USE_TZ and timezone.is_naive(value)


def naive_datetime_message(name: str, value: datetime.datetime) -> str:
    """What to pass instead of the naive ``value``: the same wall time in UTC, or made aware in the current zone."""
    return (
        f"{name} must be a timezone-aware datetime, not the naive {value!r}: pass "
        f"{value.replace(tzinfo=datetime.timezone.utc)!r} for that time in UTC, or "
        f"django.utils.timezone.make_aware({value!r}) for that time in the current time zone "
        f"({timezone.get_current_timezone_name()})."
    )
