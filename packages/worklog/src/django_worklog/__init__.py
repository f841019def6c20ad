"""Server-timed work sessions: one running session per user, a switch policy, and time reports.

The services and reports (``start_session``, ``stop_session``, ``get_active_session``,
``total_time_by_context``, ``daily_totals``) are importable from here and load on first use; models
need the app registry: import them from ``django_worklog.models``. Everything else below is safe to
import anywhere.
"""

from typing import TYPE_CHECKING

from django_basemodels.exports import lazy_exports
from django_worklog.exceptions import (
    InvalidContext,
    InvalidContextError,
    InvalidEffectiveAtError,
    InvalidIdempotencyKeyError,
    InvalidUser,
    InvalidUserError,
    NoActiveSession,
    NoActiveSessionError,
    SessionImmutable,
    SessionImmutableError,
    WorklogError,
)
from django_worklog.querysets import WorkSessionQuerySet

if TYPE_CHECKING:
    from django_worklog.selectors import ContextTotal, DailyTotal, daily_totals, total_time_by_context
    from django_worklog.services import get_active_session, start_session, stop_session

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "django_worklog.services": ["get_active_session", "start_session", "stop_session"],
        "django_worklog.selectors": ["ContextTotal", "DailyTotal", "daily_totals", "total_time_by_context"],
    },
)

# The exception names without "Error" are their deprecated aliases, kept for one release
# (``NoActiveSession`` is the roadmap's name).
__all__ = [
    "ContextTotal",
    "DailyTotal",
    "InvalidContext",
    "InvalidContextError",
    "InvalidEffectiveAtError",
    "InvalidIdempotencyKeyError",
    "InvalidUser",
    "InvalidUserError",
    "NoActiveSession",
    "NoActiveSessionError",
    "SessionImmutable",
    "SessionImmutableError",
    "WorkSessionQuerySet",
    "WorklogError",
    "daily_totals",
    "get_active_session",
    "start_session",
    "stop_session",
    "total_time_by_context",
]
