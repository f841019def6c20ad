"""Server-timed work sessions: one running session per user, a switch policy, and time reports.

Models, services and reports need the app registry: import them from ``django_worklog.models``,
``django_worklog.services`` and ``django_worklog.selectors``. What is below is safe to import anywhere.
"""

from django_worklog.exceptions import InvalidContext, InvalidUser, NoActiveSession, SessionImmutable, WorklogError
from django_worklog.querysets import WorkSessionQuerySet

__all__ = [
    "InvalidContext",
    "InvalidUser",
    "NoActiveSession",
    "SessionImmutable",
    "WorkSessionQuerySet",
    "WorklogError",
]
