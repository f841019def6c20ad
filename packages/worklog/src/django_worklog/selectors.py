"""Reports: total time per context and per user per day, one aggregate SQL query each.

Both count stopped sessions only, so a figure never changes once reported (a running session
has no duration yet: add ``get_active_session(user).elapsed_seconds()`` yourself if you want
it), and each session counts whole under the moment it started.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django_worklog.models import WorkSession
from django_worklog.querysets import WorkSessionQuerySet


@dataclass(frozen=True)
class ContextTotal:
    """Time worked on one context: ``ContentType.objects.get_for_id(context_type_id)`` gives its model."""

    context_type_id: int
    context_id: str
    total_seconds: int
    sessions: int


@dataclass(frozen=True)
class DailyTotal:
    """Time worked by one user on one local day (the current time zone's)."""

    user_id: Any
    day: dt.date
    total_seconds: int
    sessions: int


def _sessions(user: Any, start: Any, end: Any) -> WorkSessionQuerySet:
    sessions = WorkSession.objects.started_within(start, end)
    return sessions if user is None else sessions.for_user(user)


def total_time_by_context(
    *, user: Any = None, start: dt.date | dt.datetime | None = None, end: dt.date | dt.datetime | None = None
) -> list[ContextTotal]:
    """Total seconds and number of stopped sessions per context, largest total first, in one query.

    ``user`` restricts to one user's sessions (default: everyone's). ``start``/``end`` keep the
    sessions that started in ``[start, end)``; a ``date`` is its midnight in the current time
    zone; a session is counted whole, also when it ran past ``end``. Running sessions are not
    counted. Raises ``ValueError`` for a naive datetime.
    """
    rows = _sessions(user, start, end).totals_by_context()
    return [
        ContextTotal(
            context_type_id=row["context_type"],
            context_id=row["context_id"],
            total_seconds=row["total_seconds"],
            sessions=row["sessions"],
        )
        for row in rows
    ]


def daily_totals(
    *, user: Any = None, start: dt.date | dt.datetime | None = None, end: dt.date | dt.datetime | None = None
) -> list[DailyTotal]:
    """Total seconds and number of stopped sessions per user and local day, by day then user, in one query.

    The day is the date of ``started_at`` in the current time zone (``timezone.override()``
    to report in another one): a session that runs past midnight counts whole on the day it
    started. Days without stopped sessions are absent. ``user``, ``start`` and ``end`` filter
    as in ``total_time_by_context``. Raises ``ValueError`` for a naive datetime.
    """
    rows = _sessions(user, start, end).daily_totals()
    return [
        DailyTotal(user_id=row["user"], day=row["day"], total_seconds=row["total_seconds"], sessions=row["sessions"])
        for row in rows
    ]
