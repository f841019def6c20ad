"""The two times of every note and revision: ``effective_at`` (business time) and ``recorded_at`` (server time).

``RecordedAtField`` stamps the server's time on insert, whatever the caller gave, and fills the row's
empty ``effective_at`` (and any other field it names) with that same instant. ``EventTimesQuerySet``
reads them (``as_of``, ``known_at``); ``require_moment`` refuses what is not an aware datetime with a
message that says what to pass. (django-decisioning has the same pair for the packages above this tier;
django-notes stays installable with django-basemodels alone.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db import models

from django_basemodels.arguments import require_aware
from django_basemodels.fields import RecordedAtField as BaseRecordedAtField
from django_notes.exceptions import InvalidDatetimeError

_QS = TypeVar("_QS", bound=models.QuerySet)


def require_moment(value: Any, *, name: str, not_in_future: bool = False) -> dt.datetime:
    """``value`` when it is a timezone-aware datetime (not after now with ``not_in_future``).

    Raises ``InvalidDatetimeError`` (with ``name`` and ``value``), whose message says what to pass
    (``django_basemodels.arguments.require_aware``'s: the naive time made aware, a day's start or end, a
    time up to now).
    """
    try:
        return require_aware(value, name=name, allow_none=False, not_in_future=not_in_future)
    except ValueError as exc:
        raise InvalidDatetimeError(str(exc), name=name, value=value) from None


class RecordedAtField(BaseRecordedAtField):
    """``django_basemodels.fields.RecordedAtField`` (the server's time on insert; fills the empty fields of
    ``fills``), not editable by default; a subclass of its own so that migrations keep its path."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        return name, path, args, kwargs


class EventTimesQuerySet(models.QuerySet):
    """Rows with ``effective_at`` (when true in the business) and ``recorded_at`` (when the system learnt it)."""

    def as_of(self: _QS, when: dt.datetime, *, known_at: dt.datetime | None = None) -> _QS:
        """The rows effective at or before ``when``; with ``known_at``, only those recorded by then.

        ``as_of(E, known_at=R)`` answers "what did we know at R about E": a row backdated to before E but
        recorded after R is left out. Raises ``InvalidDatetimeError`` for a naive datetime (saying what to pass).
        """
        queryset = self.filter(effective_at__lte=require_moment(when, name="as_of"))
        if known_at is not None:
            queryset = queryset.known_at(known_at)  # type: ignore[attr-defined]
        return queryset

    def known_at(self: _QS, when: dt.datetime) -> _QS:
        """The rows the system had recorded at or before ``when``, whatever their ``effective_at``."""
        return self.filter(recorded_at__lte=require_moment(when, name="known_at"))


__all__ = ["EventTimesQuerySet", "RecordedAtField", "require_moment"]
