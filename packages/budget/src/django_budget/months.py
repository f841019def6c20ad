"""Months as the first day of the month: parsing, stepping and counting."""

from __future__ import annotations

import datetime as dt
import re

from django_budget.exceptions import InvalidMonthError

_YEAR_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})")


def to_month(value: object) -> dt.date:
    """The first day of the month ``value`` is in: a ``date`` (any day) or a ``"YYYY-MM"`` string.

    Raises ``InvalidMonthError`` for anything else, a ``datetime`` included (which month an instant is
    in depends on a time zone: pass ``timezone.localdate(instant)``).
    """
    if isinstance(value, dt.datetime):
        raise InvalidMonthError(
            f"a month is a date or 'YYYY-MM', not a datetime ({value.isoformat()}): its month depends on a time zone"
        )
    if isinstance(value, dt.date):
        return value.replace(day=1)
    if isinstance(value, str):
        match = _YEAR_MONTH.fullmatch(value)
        if match and 1 <= int(match["month"]) <= 12 and int(match["year"]) >= 1:
            return dt.date(int(match["year"]), int(match["month"]), 1)
        raise InvalidMonthError(f"{value!r} is not a month such as '2026-01'")
    raise InvalidMonthError(f"a month is a date or 'YYYY-MM', not {type(value).__name__}")


def next_month(month: dt.date) -> dt.date:
    """The first day of the month after ``month``.

    Raises ``InvalidMonthError`` for December 9999 (``date.max``'s month): a ``date`` has no month after it.
    """
    if month.month != 12:
        return dt.date(month.year, month.month + 1, 1)
    if month.year == dt.MAXYEAR:
        raise InvalidMonthError(f"{month:%Y-%m} is the last month a date can hold: there is no month after it")
    return dt.date(month.year + 1, 1, 1)


def months_between(start: dt.date, end: dt.date) -> int:
    """How many months lie in ``[start, end)`` (both first days of months); 0 when ``end <= start``."""
    return max(0, (end.year - start.year) * 12 + end.month - start.month)
