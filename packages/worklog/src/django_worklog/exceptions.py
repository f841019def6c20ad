"""Exceptions of django-worklog: one base class, ``WorklogError``, and typed subclasses."""

from __future__ import annotations

from typing import Any


class WorklogError(Exception):
    """Base class of every error this package raises on purpose."""


class NoActiveSessionError(WorklogError):
    """``stop_session`` found no running session for the user; ``user`` is the user asked about."""

    def __init__(self, user: Any) -> None:
        super().__init__(
            f"{user} has no running work session: start one with start_session(user, context) first; "
            "to make a retried stop return the session it stopped, pass idempotency_key= to stop_session()."
        )
        self.user = user


class InvalidUserError(WorklogError, ValueError):
    """The user is not a saved instance of ``AUTH_USER_MODEL`` (an anonymous user, an unsaved one)."""


class InvalidContextError(WorklogError, ValueError):
    """The context is not a saved model instance, or its model is not in ``WORKLOG_CONTEXT_MODELS``."""


class InvalidEffectiveAtError(WorklogError, ValueError):
    """An ``effective_at`` (a backdated start) that is naive, in the future, or overlaps the user's recorded time.

    ``earliest`` is the earliest start the user's sessions allow (the start of the running session
    or the end of the last stopped one), or ``None`` when the time itself was refused.
    """

    def __init__(self, message: str, *, earliest: Any = None) -> None:
        super().__init__(message)
        self.earliest = earliest


class InvalidIdempotencyKeyError(WorklogError, ValueError):
    """An ``idempotency_key`` that is not a string of 1 to 255 characters; nothing was written."""


class SessionImmutableError(WorklogError):
    """A recorded time would change: sessions are created running, stopped once, never edited nor deleted."""


# The names without "Error" are deprecated aliases, kept for one release so ``except NoActiveSession``
# (the roadmap's name) keeps working.
NoActiveSession = NoActiveSessionError
InvalidUser = InvalidUserError
InvalidContext = InvalidContextError
SessionImmutable = SessionImmutableError
