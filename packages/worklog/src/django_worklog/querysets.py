"""Read paths of work sessions: filters, ``as_of``/``known_at``/``running_at``, and the two report aggregations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models.functions import TruncDate
from django.utils import timezone

from django_basemodels.arguments import require_aware
from django_decisioning.querysets import EventAsOfQuerySet
from django_worklog.exceptions import SessionImmutableError


def as_moment(value: dt.date | dt.datetime, name: str) -> dt.datetime:
    """``value`` as an aware datetime: a ``date`` means its midnight in the current time zone.

    Raises ``ValueError`` for a naive datetime and ``TypeError`` for anything but a date or datetime.
    """
    if isinstance(value, dt.datetime):
        aware = require_aware(value, name=name, allow_none=False)
        assert aware is not None  # allow_none=False
        return aware
    if isinstance(value, dt.date):
        return timezone.make_aware(dt.datetime.combine(value, dt.time.min))
    raise TypeError(f"{name} must be a date or an aware datetime, not {type(value).__name__}.")


class WorkSessionQuerySet(EventAsOfQuerySet):
    """Filters that compose (``running``, ``for_user``...) and the report aggregations.

    From ``EventAsOfQuerySet``: ``as_of(when, known_at=None)``, the sessions started at or before
    ``when`` (by ``effective_at``, the business start; with ``known_at``, only those the server had
    recorded by then), and ``known_at(when)`` (by ``recorded_at``). ``running_at(when)`` narrows
    ``as_of`` to the sessions not stopped by then.

    ``update()`` and ``delete()`` raise ``SessionImmutableError`` (so do ``bulk_update()`` and
    ``bulk_create()`` of stopped sessions): sessions are stopped by ``stop_session`` and never deleted.
    """

    def running(self) -> WorkSessionQuerySet:
        """Sessions not stopped yet (at most one per user)."""
        return self.filter(stopped_at__isnull=True)

    def stopped(self) -> WorkSessionQuerySet:
        """Sessions with a ``stopped_at`` and a ``duration_seconds``."""
        return self.filter(stopped_at__isnull=False)

    def running_at(self, when: dt.datetime, *, known_at: dt.datetime | None = None) -> WorkSessionQuerySet:
        """Sessions running at ``when``: started at or before it (``effective_at``), not stopped by then.

        At most one per user. With ``known_at`` ("what did we believe at ``known_at`` about
        ``when``"), only starts recorded by then (``recorded_at``), and a stop counts only if it was
        recorded by then (``stop_recorded_at``). Raises ``ValueError`` for a naive datetime.
        """
        when = require_aware(when, name="when", allow_none=False)
        sessions = self.as_of(when, known_at=known_at)
        still_running = models.Q(stopped_at__isnull=True) | models.Q(stopped_at__gt=when)
        if known_at is not None:
            still_running |= models.Q(stop_recorded_at__gt=require_aware(known_at, name="known_at", allow_none=False))
        return sessions.filter(still_running)

    def for_user(self, user: Any) -> WorkSessionQuerySet:
        """Sessions of ``user`` (a saved user)."""
        return self.filter(user=user)

    def for_context(self, context: models.Model) -> WorkSessionQuerySet:
        """Sessions about ``context`` (a saved instance of any model); ``ValueError`` if it has no pk."""
        from django_basemodels.generic import generic_key_filter  # needs the app registry

        return self.filter(**generic_key_filter("context", context))

    def started_within(
        self, start: dt.date | dt.datetime | None = None, end: dt.date | dt.datetime | None = None
    ) -> WorkSessionQuerySet:
        """Sessions whose ``started_at`` is in ``[start, end)``; ``None`` leaves that side open.

        A ``date`` bound is its midnight in the current time zone, so ``end=date(2024, 5, 7)``
        includes the whole of 6 May. Naive datetimes raise ``ValueError``.
        """
        queryset = self
        if start is not None:
            queryset = queryset.filter(started_at__gte=as_moment(start, "start"))
        if end is not None:
            queryset = queryset.filter(started_at__lt=as_moment(end, "end"))
        return queryset

    def totals_by_context(self) -> models.QuerySet:
        """One row per context of the stopped sessions, largest total first.

        Rows are dicts ``{"context_type", "context_id", "total_seconds", "sessions"}``
        (``context_type`` is the content type's id). Running sessions are left out.
        """
        return (
            self.stopped()
            .order_by()
            .values("context_type", "context_id")
            .annotate(total_seconds=models.Sum("duration_seconds"), sessions=models.Count("pk"))
            .order_by("-total_seconds", "context_type", "context_id")
        )

    def daily_totals(self) -> models.QuerySet:
        """One row per user and day of the stopped sessions, by day then user.

        Rows are dicts ``{"user", "day", "total_seconds", "sessions"}`` (``user`` is the user's
        pk). The day is the local date of ``started_at`` in the current time zone: a session is
        counted whole on the day it started, also when it ran past midnight.
        """
        day = TruncDate("started_at", tzinfo=timezone.get_current_timezone())
        return (
            self.stopped()
            .order_by()
            .annotate(day=day)
            .values("user", "day")
            .annotate(total_seconds=models.Sum("duration_seconds"), sessions=models.Count("pk"))
            .order_by("day", "user")
        )

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        """Insert running sessions in bulk; a stopped one raises ``SessionImmutableError`` before any write."""
        from django_worklog.models import effective_start, is_stopped  # models import this module

        objs = list(objs)
        if any(is_stopped(obj) for obj in objs):
            raise SessionImmutableError("A work session is created running; stop it with stop_session().")
        starts = [effective_start(obj) for obj in objs]  # all checked before the first write
        for obj, start in zip(objs, starts, strict=True):
            obj.effective_at = start
        return super().bulk_create(objs, *args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        raise SessionImmutableError("Work sessions are not updated in bulk; stop a session with stop_session().")

    update.alters_data = True  # type: ignore[attr-defined]

    def delete(self) -> tuple[int, dict[str, int]]:
        raise SessionImmutableError("Work sessions are never deleted: they are the record of time worked.")

    delete.alters_data = True  # type: ignore[attr-defined]
