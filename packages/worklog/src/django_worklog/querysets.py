"""Read paths of work sessions: filters, and the two report aggregations (one SQL query each)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models.functions import TruncDate
from django.utils import timezone

from django_basemodels.arguments import require_aware
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


class WorkSessionQuerySet(models.QuerySet):
    """Filters that compose (``running``, ``for_user``...) and the report aggregations.

    ``update()`` and ``delete()`` raise ``SessionImmutableError`` (so do ``bulk_update()`` and
    ``bulk_create()`` of stopped sessions): sessions are stopped by ``stop_session`` and never deleted.
    """

    def running(self) -> WorkSessionQuerySet:
        """Sessions not stopped yet (at most one per user)."""
        return self.filter(stopped_at__isnull=True)

    def stopped(self) -> WorkSessionQuerySet:
        """Sessions with a ``stopped_at`` and a ``duration_seconds``."""
        return self.filter(stopped_at__isnull=False)

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
        objs = list(objs)
        if any(obj.stopped_at is not None or obj.duration_seconds is not None for obj in objs):
            raise SessionImmutableError("A work session is created running; stop it with stop_session().")
        return super().bulk_create(objs, *args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        raise SessionImmutableError("Work sessions are not updated in bulk; stop a session with stop_session().")

    update.alters_data = True  # type: ignore[attr-defined]

    def delete(self) -> tuple[int, dict[str, int]]:
        raise SessionImmutableError("Work sessions are never deleted: they are the record of time worked.")

    delete.alters_data = True  # type: ignore[attr-defined]
