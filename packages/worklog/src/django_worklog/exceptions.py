"""Exceptions of django-worklog: one base class, ``WorklogError``, and typed subclasses."""

from __future__ import annotations

from typing import Any


class WorklogError(Exception):
    """Base class of every error this package raises on purpose."""


class NoActiveSession(WorklogError):
    """``stop_session`` found no running session for the user; ``user`` is the user asked about."""

    def __init__(self, user: Any) -> None:
        super().__init__(f"{user} has no running work session.")
        self.user = user


class InvalidUser(WorklogError, ValueError):
    """The user is not a saved instance of ``AUTH_USER_MODEL`` (an anonymous user, an unsaved one)."""


class InvalidContext(WorklogError, ValueError):
    """The context is not a saved model instance, or its model is not in ``WORKLOG_CONTEXT_MODELS``."""


class SessionImmutable(WorklogError):
    """A recorded time would change: sessions are created running, stopped once, never edited nor deleted."""
