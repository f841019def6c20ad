"""``WorkSession``: a span of work by one user on one context (any model), timed by the server."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from django_basemodels.constraints import PartialUniqueConstraint
from django_basemodels.fields import ObjectIdField
from django_basemodels.generic import GenericForeignKey
from django_basemodels.guarantees import FrozenColumns, ImmutableWhen, Undeletable
from django_basemodels.models import UUIDModel
from django_decisioning.fields import RecordedAtField
from django_worklog.exceptions import InvalidEffectiveAtError, SessionImmutableError
from django_worklog.querysets import WorkSessionQuerySet

# Fixed when a session is created; the stop sets stopped_at, duration_seconds and stop_recorded_at once.
IDENTITY_FIELDS = ("id", "user_id", "context_type_id", "context_id", "started_at", "effective_at", "recorded_at")

TABLE = "django_worklog_worksession"
STOPPED_MESSAGE = f"{TABLE}: a stopped work session never changes"
IDENTITY_MESSAGE = f"{TABLE}: the user, context, start and recorded time of a work session never change"
DELETE_MESSAGE = f"{TABLE}: work sessions are never deleted"


def whole_seconds(elapsed: dt.timedelta) -> int:
    """Completed seconds of ``elapsed``, rounded down: 59.9 s gives 59."""
    return elapsed // dt.timedelta(seconds=1)


def is_stopped(session: WorkSession) -> bool:
    """Whether any column of the stop is set (a new session must have none)."""
    return any(value is not None for value in (session.stopped_at, session.duration_seconds, session.stop_recorded_at))


def effective_start(session: WorkSession) -> dt.datetime:
    """The ``effective_at`` a new session gets: its ``started_at``; one given apart from it must be equal."""
    if session.effective_at is None:
        return session.started_at
    if session.effective_at != session.started_at:
        raise InvalidEffectiveAtError(
            f"The effective_at of a work session is its start: pass started_at={session.effective_at!r} too, "
            f"or leave effective_at out (it is then started_at, {session.started_at!r}); "
            "start_session(user, context, effective_at=...) sets both."
        )
    return session.effective_at


class WorkSession(UUIDModel):
    """Work by ``user`` on ``context`` from ``started_at`` until ``stopped_at`` (``None`` while running).

    Written by ``django_worklog.services`` only. Its two times as a fact: ``effective_at`` is the
    business time of the session, which is its start (always equal to ``started_at``: the server's
    now, or an earlier moment given to ``start_session(effective_at=...)``); ``recorded_at`` is when
    the server inserted the row, never a caller's value. Database guarantees: at most
    one running session per user (a partial unique index; on MariaDB/MySQL a unique index over a
    generated column), ``effective_at = started_at``, ``stopped_at >= started_at``,
    ``duration_seconds`` set exactly when stopped and never negative, and (``Meta.guarantees``)
    triggers that refuse any UPDATE of a stopped session, a change of id, user, context, start or
    recorded time, every DELETE, and on SQLite and MariaDB/MySQL a REPLACE (or SQLite's INSERT OR
    REPLACE) that would remove a session.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="work_sessions", editable=False
    )
    context_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", editable=False)
    context_id = ObjectIdField(editable=False)
    context = GenericForeignKey("context_type", "context_id")
    started_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True, editable=False)
    duration_seconds = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text="Whole seconds from start to stop, rounded down."
    )
    # recorded_at first: its pre_save runs before effective_at is read (as in TimeSemanticsMixin).
    recorded_at = RecordedAtField(
        editable=False, db_index=True, help_text="When the server recorded the start; never the caller's value."
    )
    effective_at = models.DateTimeField(
        editable=False, db_index=True, help_text="Business time of the session: its start (equal to started_at)."
    )
    stop_recorded_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the server recorded the stop; None while running."
    )

    objects = WorkSessionQuerySet.as_manager()

    class Meta:
        verbose_name = "work session"
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["user", "started_at"], name="django_worklog_user_start_idx"),
            models.Index(fields=["context_type", "context_id"], name="django_worklog_context_idx"),
        ]
        constraints = [
            PartialUniqueConstraint(
                fields=["user"],
                condition=models.Q(stopped_at__isnull=True),
                name="django_worklog_one_running_session_per_user",
                violation_error_message="This user already has a running work session.",
            ),
            models.CheckConstraint(
                condition=models.Q(stopped_at__isnull=True, stop_recorded_at__isnull=True)
                | models.Q(stopped_at__isnull=False, stop_recorded_at__isnull=False),
                name="django_worklog_stop_recorded_when_stopped",
                violation_error_message="stop_recorded_at is set exactly when the session is stopped.",
            ),
            models.CheckConstraint(
                condition=models.Q(effective_at=models.F("started_at")),
                name="django_worklog_effective_at_is_start",
                violation_error_message="The effective_at of a work session is its start: it equals started_at.",
            ),
            models.CheckConstraint(
                condition=models.Q(stopped_at__isnull=True) | models.Q(stopped_at__gte=models.F("started_at")),
                name="django_worklog_stopped_after_started",
                violation_error_message="A work session cannot stop before it started.",
            ),
            models.CheckConstraint(
                condition=models.Q(stopped_at__isnull=True, duration_seconds__isnull=True)
                # IS NOT NULL spelled out: a CHECK whose expression is NULL passes.
                | models.Q(stopped_at__isnull=False, duration_seconds__isnull=False, duration_seconds__gte=0),
                name="django_worklog_duration_when_stopped",
                violation_error_message="duration_seconds is set, and not negative, exactly when stopped.",
            ),
        ]
        # Stopping a running row (setting stopped_at and duration_seconds) is the one UPDATE allowed.
        guarantees = [
            # deletable=True: every DELETE is refused by Undeletable below, with its own message.
            ImmutableWhen(
                "OLD.stopped_at IS NOT NULL", name="stopped_is_final", deletable=True, message=STOPPED_MESSAGE
            ),
            FrozenColumns(*IDENTITY_FIELDS, name="identity_frozen", message=IDENTITY_MESSAGE),  # names = columns
            Undeletable(message=DELETE_MESSAGE),
        ]

    def __str__(self) -> str:
        state = "running" if self.is_running else f"{self.duration_seconds} s"
        return f"Work session {self.pk} ({state})"

    @property
    def is_running(self) -> bool:
        """Whether the session has not been stopped (as loaded)."""
        return self.stopped_at is None

    def elapsed_seconds(self) -> int:
        """``duration_seconds`` when stopped; while running, whole seconds from the start to now."""
        if self.duration_seconds is not None:
            return self.duration_seconds
        return max(0, whole_seconds(timezone.now() - self.started_at))

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert a running session, or record the stop of a running one.

        ``duration_seconds`` is always computed here from ``stopped_at - started_at`` (whole
        seconds, rounded down), and ``stop_recorded_at`` is the server's time of the stop, never
        taken from the caller; an insert left without ``effective_at``
        gets ``started_at`` and ``recorded_at`` is the server's time of the insert. Raises
        ``SessionImmutableError`` when inserting a stopped session, saving a session that is stopped
        in the database, or changing a session's user, context, start or recorded time;
        ``InvalidEffectiveAtError`` when inserting one whose ``effective_at`` is not its ``started_at``.
        """
        stored = None
        if not self._state.adding:
            # Read the row back rather than trust this instance: it may have been loaded before
            # another process stopped the session.
            stored = (
                type(self)
                ._base_manager.using(kwargs.get("using") or self._state.db)
                .filter(pk=self.pk)
                .values(*IDENTITY_FIELDS, "stopped_at")
                .first()
            )
        if stored is None:
            if is_stopped(self):
                raise SessionImmutableError("A work session is created running; stop it with stop_session().")
            self.effective_at = effective_start(self)
        else:
            if stored["stopped_at"] is not None:
                raise SessionImmutableError("A stopped work session never changes.")
            changed = [name for name in IDENTITY_FIELDS if getattr(self, name) != stored[name]]
            if changed:
                raise SessionImmutableError(f"The {', '.join(changed)} of a work session never change.")
            if self.stopped_at is None:
                self.duration_seconds = self.stop_recorded_at = None
            else:
                self.duration_seconds = whole_seconds(self.stopped_at - self.started_at)
                self.stop_recorded_at = timezone.now()
                update_fields = kwargs.get("update_fields")
                if update_fields is not None and "stopped_at" in update_fields:
                    kwargs["update_fields"] = {*update_fields, "duration_seconds", "stop_recorded_at"}
        super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise SessionImmutableError("Work sessions are never deleted: they are the record of time worked.")

    delete.alters_data = True  # type: ignore[attr-defined]
