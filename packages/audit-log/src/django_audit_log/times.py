"""The check of the datetimes this package is given (``effective_at``, ``as_of()``): aware, and for a
business time not after now. Its messages say exactly what to pass instead."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from django_basemodels.arguments import require_aware


def require_aware_datetime(
    value: Any, *, name: str, error: type[Exception], not_in_future: bool = False
) -> dt.datetime:
    """``value`` when it is a timezone-aware ``datetime`` (not after now with ``not_in_future``).

    Raises ``error`` otherwise. For a naive datetime the message spells out the two aware values the
    caller most likely meant: the same wall-clock time in the current time zone, or in UTC; for a date,
    the end of that day in either.
    """
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        raise error(
            f"{name} must be a timezone-aware datetime, not the naive {value!r}: pass "
            f"django.utils.timezone.make_aware({value!r}) for that time in the current time zone "
            f"({timezone.get_current_timezone_name()}), or {value.replace(tzinfo=dt.timezone.utc)!r} for UTC."
        )
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        end_of_day = dt.datetime.combine(value, dt.time.max)
        raise error(
            f"{name} must be a timezone-aware datetime, not the date {value!r}: pass "
            f"django.utils.timezone.make_aware({end_of_day!r}) for the end of that day in the current time "
            f"zone ({timezone.get_current_timezone_name()}), or {end_of_day.replace(tzinfo=dt.timezone.utc)!r} in UTC."
        )
    aware = require_aware(value, name=name, error=error, allow_none=False)
    if not_in_future:
        now = timezone.now()
        if aware > now:
            raise error(
                f"{name} cannot be after the time of recording: {aware.isoformat()} is later than now "
                f"({now.isoformat()}). An entry records what has already happened: pass None (now) or an "
                "earlier time to backdate it."
            )
    return aware
