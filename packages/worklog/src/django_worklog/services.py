"""Write paths: start a session (switch policy), stop it; and the read of the running one.

Times come from the server clock (``django.utils.timezone.now``); the one exception is a backdated
start, ``start_session(..., effective_at=...)``, which the server checks against the user's recorded
sessions and records at its own time (``recorded_at``). ``start_session`` and ``stop_session`` are
idempotent when given an ``idempotency_key`` (through ``django_decisioning.services.run_once``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connections, models, router, transaction
from django.utils import timezone

from django_basemodels.arguments import require_aware, require_idempotency_key, require_saved, require_user
from django_basemodels.generic import generic_key_filter
from django_decisioning.services import run_once
from django_worklog import conf
from django_worklog.exceptions import (
    InvalidContextError,
    InvalidEffectiveAtError,
    InvalidIdempotencyKeyError,
    InvalidUserError,
    NoActiveSessionError,
)
from django_worklog.models import WorkSession

START_SCOPE = "django_worklog.start_session"
STOP_SCOPE = "django_worklog.stop_session"


def start_session(
    user: Any,
    context: models.Model,
    *,
    effective_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> WorkSession:
    """Start timing ``user``'s work on ``context`` (a saved instance of any model) and return the session.

    Switch policy: a running session of the user on another context is stopped at the very
    instant the new one starts, in the same transaction. Idempotent switch: when the running
    session is already on ``context``, it is returned unchanged (a double click starts nothing).

    The session starts now (server time) or, with ``effective_at`` (aware, not in the future), at
    that earlier moment: a backdated start. Its ``started_at`` and ``effective_at`` are that moment,
    its ``recorded_at`` the server's time of the insert; a running session on another context is
    stopped at that moment. The backdated start must not overlap the user's recorded time: not
    before the start of the running session, nor before the end of the last stopped one.

    Concurrency: the user's row is locked (``SELECT ... FOR NO KEY UPDATE`` on PostgreSQL,
    ``FOR UPDATE`` on MariaDB/MySQL) for the transaction, so concurrent starts and stops of one
    user run one after the other; each start switches over the previous one and returns its own
    session (which a later start may already have stopped). The database refuses a second running
    session per user; if a running session committed by a writer that bypassed this lock makes
    the insert fail, the switch is retried once, then the ``IntegrityError`` propagates.

    With ``idempotency_key``, the first call switches and a retry with the same key and arguments
    returns the session that call returned (re-read: it may have been stopped since) without
    switching again; the same key with another user or context raises
    ``django_decisioning.IdempotencyConflictError``. The key is kept for
    ``DECISIONING_IDEMPOTENCY_TTL`` under the scope ``"django_worklog.start_session"``.

    Raises ``InvalidUserError`` (not a saved user), ``InvalidContextError`` (not a saved model
    instance, or a model outside ``WORKLOG_CONTEXT_MODELS``), ``InvalidEffectiveAtError`` (naive, in
    the future, or overlapping the user's recorded time; ``earliest`` names the earliest start
    allowed), ``InvalidIdempotencyKeyError`` (a key that is not a string of 1 to 255 characters),
    before any write.
    """
    _check_user(user)
    _check_context(context)
    _check_effective_at(effective_at)
    require_idempotency_key(idempotency_key, error=InvalidIdempotencyKeyError)
    target = generic_key_filter("context", context)
    using = router.db_for_write(WorkSession)

    def start() -> WorkSession:
        with transaction.atomic(using=using):
            _lock_user(user, using)
            try:
                with transaction.atomic(using=using):
                    return _switch(user, target, using, effective_at=effective_at)
            except IntegrityError:
                # Only a running session that was committed while we waited on the unique index can
                # cause this; it is visible now, so the second attempt stops it like any other.
                with transaction.atomic(using=using):
                    return _switch(user, target, using, effective_at=effective_at)

    payload: dict[str, Any] = {"user": user, "context": context}
    if effective_at is not None:  # absent when not given, so keys stored before this argument still match
        payload["effective_at"] = effective_at
    return run_once(scope=START_SCOPE, idempotency_key=idempotency_key, func=start, payload=payload, using=using)


def stop_session(user: Any, *, idempotency_key: str | None = None) -> WorkSession:
    """Stop ``user``'s running session now and return it, with ``stopped_at`` and ``duration_seconds`` set.

    ``duration_seconds`` is the whole seconds from start to stop, rounded down; the session
    never changes again. Serialised with ``start_session`` by the same lock on the user's row.

    With ``idempotency_key``, a retry with the same key and user returns the session the first
    call stopped (instead of raising ``NoActiveSessionError``) and stops nothing else, also when
    the user started another session meanwhile; the same key with another user raises
    ``django_decisioning.IdempotencyConflictError``. A refused call keeps no key. The key is kept
    for ``DECISIONING_IDEMPOTENCY_TTL`` under the scope ``"django_worklog.stop_session"``.

    Raises ``NoActiveSessionError`` when the user has no running session (including a retry
    without a key of a stop that already succeeded, and an anonymous or unsaved user), and
    ``InvalidIdempotencyKeyError`` for a key that is not a string of 1 to 255 characters.
    """
    require_idempotency_key(idempotency_key, error=InvalidIdempotencyKeyError)
    if getattr(user, "pk", None) is None:
        raise NoActiveSessionError(user)
    using = router.db_for_write(WorkSession)

    def stop() -> WorkSession:
        with transaction.atomic(using=using):
            _lock_user(user, using)
            session = _running_session_for_update(user, using)
            if session is None:
                raise NoActiveSessionError(user)
            _stop(session, at=timezone.now(), using=using)
            return session

    return run_once(scope=STOP_SCOPE, idempotency_key=idempotency_key, func=stop, payload={"user": user}, using=using)


def get_active_session(user: Any) -> WorkSession | None:
    """The running session of ``user``, or ``None`` (also for an anonymous or unsaved user). One query."""
    if getattr(user, "pk", None) is None:
        return None
    return WorkSession.objects.running().filter(user=user).first()


def _check_user(user: Any) -> None:
    try:
        require_user(user, name="user", error=InvalidUserError, allow_none=False)
    except InvalidUserError as error:
        raise InvalidUserError(
            f"{error} Pass the logged-in request.user (a view behind login_required) or a user loaded from "
            "the database."
        ) from None


def _check_context(context: Any) -> None:
    try:
        require_saved(context, name="context", error=InvalidContextError)
    except InvalidContextError as error:
        raise InvalidContextError(
            f"{error} Pass the model instance the work is about (a task, a ticket), saved first (.save() or "
            "objects.create()) or loaded from the database."
        ) from None
    allowed = conf.context_models()
    if not allowed:
        return
    concrete = context._meta.concrete_model
    if not any(apps.get_model(label)._meta.concrete_model is concrete for label in allowed):
        raise InvalidContextError(
            f"{context._meta.label} is not in WORKLOG_CONTEXT_MODELS; pass an instance of one of "
            f"{', '.join(allowed)}, or add {context._meta.label!r} to WORKLOG_CONTEXT_MODELS."
        )


def _check_effective_at(effective_at: Any) -> None:
    try:
        require_aware(effective_at, name="effective_at", error=InvalidEffectiveAtError, not_in_future=True)
    except InvalidEffectiveAtError as error:
        raise InvalidEffectiveAtError(
            f"{error} A backdated start is a moment at or before now, such as timezone.now() - timedelta(minutes=20); "
            "leave effective_at out to start now."
        ) from None


def _check_backdated_start(user: Any, running: WorkSession | None, effective_at: dt.datetime, using: str) -> None:
    """Refuse a backdated start that would overlap the user's recorded sessions (run under the user's lock)."""
    if running is not None:
        earliest, what = running.started_at, "the running session started"
    else:
        last_stop = (
            WorkSession.objects.using(using).stopped().filter(user=user).aggregate(end=models.Max("stopped_at"))["end"]
        )
        if last_stop is None:
            return
        earliest, what = last_stop, "the user's last session stopped"
    if effective_at < earliest:
        raise InvalidEffectiveAtError(
            f"effective_at {effective_at.isoformat()} is before {what} ({earliest.isoformat()}): sessions of one "
            f"user never overlap; pass effective_at at or after {earliest.isoformat()}.",
            earliest=earliest,
        )


def _lock_user(user: Any, using: str) -> None:
    # FOR NO KEY UPDATE rather than FOR UPDATE where the database has it (PostgreSQL): it does not
    # block rows that merely reference the user (their foreign key check takes FOR KEY SHARE), nor
    # other users. MariaDB/MySQL have only FOR UPDATE, which also waits for transactions that
    # inserted rows referencing the user (InnoDB's foreign key check takes a shared lock on it),
    # until they end. No-op on SQLite, where the database serialises writers.
    no_key = connections[using].features.has_select_for_no_key_update
    locked = list(
        get_user_model()
        ._base_manager.using(using)
        .select_for_update(no_key=no_key)
        .filter(pk=user.pk)
        .values_list("pk", flat=True)
    )
    if not locked:
        raise InvalidUserError(f"{user!r} does not exist in the database.")


def _running_session_for_update(user: Any, using: str) -> WorkSession | None:
    return WorkSession.objects.using(using).select_for_update().running().filter(user=user).first()


def _switch(user: Any, target: dict[str, Any], using: str, *, effective_at: dt.datetime | None) -> WorkSession:
    running = _running_session_for_update(user, using)
    # Read the clock once the lock is held, so that a user's consecutive sessions are ordered
    # like the transactions that started them.
    now = timezone.now()
    if effective_at is not None:
        _check_backdated_start(user, running, effective_at, using)
        now = effective_at
    if running is not None:
        if running.context_type_id == target["context_type"].pk and running.context_id == target["context_id"]:
            return running
        # A clock that stepped back must not stop a session before its start.
        now = max(now, running.started_at)
        _stop(running, at=now, using=using)
    session = WorkSession(user=user, started_at=now, effective_at=now, **target)
    session.save(using=using, force_insert=True)
    return session


def _stop(session: WorkSession, *, at: Any, using: str) -> None:
    session.stopped_at = max(at, session.started_at)
    session.save(using=using, update_fields=["stopped_at", "duration_seconds"])
