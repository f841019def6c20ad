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
from django_worklog.exceptions import SessionImmutableError
from django_worklog.querysets import WorkSessionQuerySet

# Fixed when a session is created; the stop sets stopped_at and duration_seconds once.
IDENTITY_FIELDS = ("id", "user_id", "context_type_id", "context_id", "started_at")

TABLE = "django_worklog_worksession"
STOPPED_MESSAGE = f"{TABLE}: a stopped work session never changes"
IDENTITY_MESSAGE = f"{TABLE}: the user, context and start of a work session never change"
DELETE_MESSAGE = f"{TABLE}: work sessions are never deleted"


def whole_seconds(elapsed: dt.timedelta) -> int:
    """Completed seconds of ``elapsed``, rounded down: 59.9 s gives 59."""
    return elapsed // dt.timedelta(seconds=1)


class WorkSession(UUIDModel):
    """Work by ``user`` on ``context`` from ``started_at`` until ``stopped_at`` (``None`` while running).

    Written by ``django_worklog.services`` only, with server time. Database guarantees: at most
    one running session per user (a partial unique index; on MariaDB/MySQL a unique index over a
    generated column), ``stopped_at >= started_at``, ``duration_seconds`` set exactly when stopped
    and never negative, and (``Meta.guarantees``) triggers that refuse any UPDATE of a stopped
    session, a change of id, user, context or start, every DELETE, and on SQLite and MariaDB/MySQL
    a REPLACE (or SQLite's INSERT OR REPLACE) that would remove a session.
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
        seconds, rounded down), never taken from the caller. Raises ``SessionImmutableError`` when
        inserting a stopped session, saving a session that is stopped in the database, or
        changing a session's user, context or start.
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
            if self.stopped_at is not None or self.duration_seconds is not None:
                raise SessionImmutableError("A work session is created running; stop it with stop_session().")
        else:
            if stored["stopped_at"] is not None:
                raise SessionImmutableError("A stopped work session never changes.")
            changed = [name for name in IDENTITY_FIELDS if getattr(self, name) != stored[name]]
            if changed:
                raise SessionImmutableError(f"The {', '.join(changed)} of a work session never change.")
            if self.stopped_at is None:
                self.duration_seconds = None
            else:
                self.duration_seconds = whole_seconds(self.stopped_at - self.started_at)
                update_fields = kwargs.get("update_fields")
                if update_fields is not None and "stopped_at" in update_fields:
                    kwargs["update_fields"] = {*update_fields, "duration_seconds"}
        super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise SessionImmutableError("Work sessions are never deleted: they are the record of time worked.")

    delete.alters_data = True  # type: ignore[attr-defined]
