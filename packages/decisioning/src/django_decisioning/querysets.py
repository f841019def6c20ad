"""Read paths: ``as_of`` for events and validity periods, and the ``Decision`` queries.

``EventAsOfQuerySet`` works on any model with ``effective_at`` and ``recorded_at``
(``TimeSemanticsMixin``); ``EffectiveDatedQuerySet`` on any model with ``valid_from`` and
``valid_to`` (``EffectiveDatedMixin``). Compose them with other querysets by inheritance:
``class RoleQuerySet(SoftDeleteQuerySet, EffectiveDatedQuerySet): ...``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, Replace
from django.utils import timezone

from django_basemodels.arguments import require_aware as _require_aware
from django_decisioning.exceptions import DecisionImmutableError

_QS = TypeVar("_QS", bound=models.QuerySet)


def require_aware(when: Any, name: str = "when") -> dt.datetime:
    """``when`` if it is a timezone-aware datetime; ``ValueError`` otherwise (``django_basemodels.arguments``)."""
    return _require_aware(when, name=name, error=ValueError, allow_none=False)


class EventAsOfQuerySet(models.QuerySet):
    """Facts with ``effective_at`` (when true in the business) and ``recorded_at`` (when learnt)."""

    def as_of(self: _QS, when: dt.datetime, *, known_at: dt.datetime | None = None) -> _QS:
        """Facts effective at or before ``when``; with ``known_at``, only those recorded by then.

        ``as_of(E, known_at=R)`` answers "what did we believe at R about E": a fact backdated to
        before E but recorded after R is left out. Raises ``ValueError`` for naive datetimes.
        """
        queryset = self.filter(effective_at__lte=require_aware(when))
        if known_at is not None:
            queryset = queryset.known_at(known_at)  # type: ignore[attr-defined]
        return queryset

    def known_at(self: _QS, when: dt.datetime) -> _QS:
        """Facts the system had recorded at or before ``when``, whatever their ``effective_at``."""
        return self.filter(recorded_at__lte=require_aware(when, "known_at"))


class EffectiveDatedQuerySet(models.QuerySet):
    """Records valid over ``[valid_from, valid_to)``; ``valid_to`` null means "until further notice"."""

    def as_of(self: _QS, when: dt.datetime) -> _QS:
        """Records valid at ``when``: ``valid_from <= when < valid_to`` (or ``valid_to`` open)."""
        when = require_aware(when)
        return self.filter(Q(valid_from__lte=when) & (Q(valid_to__isnull=True) | Q(valid_to__gt=when)))

    def current(self: _QS) -> _QS:
        """Records valid now (``as_of(timezone.now())``)."""
        return self.as_of(timezone.now())  # type: ignore[attr-defined]


def canonical_key_expression(field_name: str, pk_field: models.Field) -> models.Expression:
    """A SQL expression giving the ``ObjectIdField`` text form of the key in column ``field_name``.

    Integer and text keys cast to text as they are; UUID keys also lose their dashes (PostgreSQL
    casts a uuid to its dashed form, SQLite already stores 32 hex digits).
    """
    as_text = Cast(field_name, output_field=models.CharField())
    if isinstance(pk_field, models.UUIDField):
        return Replace(as_text, models.Value("-"), models.Value(""))
    return as_text


class DecisionQuerySet(EventAsOfQuerySet):
    """Queries over recorded decisions. Decisions are append-only: ``update()`` and ``delete()`` raise."""

    def by_actor(self, actor: models.Model) -> DecisionQuerySet:
        """Decisions taken by ``actor`` (a user), for themselves or on behalf of someone."""
        return self.filter(actor=actor)

    def on_behalf_of(self, principal: models.Model) -> DecisionQuerySet:
        """Decisions taken on behalf of ``principal`` (any saved model instance, e.g. a Party)."""
        from django_basemodels.generic import generic_key_filter  # lazy: this module loads before the app registry

        return self.filter(**generic_key_filter("on_behalf_of", principal))

    def for_target(self, target: models.Model) -> DecisionQuerySet:
        """Decisions about ``target`` (any saved model instance)."""
        from django_basemodels.generic import generic_key_filter  # lazy: this module loads before the app registry

        return self.filter(**generic_key_filter("target", target))

    def delegated(self) -> DecisionQuerySet:
        """Decisions whose principal is set and is not the actor themself."""
        from django.contrib.contenttypes.models import ContentType  # lazy: needs the app registry

        user_model = get_user_model()
        user_type = ContentType.objects.get_for_model(user_model)
        return (
            self.filter(on_behalf_of_type__isnull=False)
            .alias(decisioning_actor_key=canonical_key_expression("actor_id", user_model._meta.pk))
            .filter(
                Q(actor__isnull=True)
                | ~Q(on_behalf_of_type=user_type)
                | ~Q(on_behalf_of_id=models.F("decisioning_actor_key"))
            )
        )

    def for_action(self, action: str) -> DecisionQuerySet:
        """Decisions with this ``action`` name."""
        return self.filter(action=action)

    def update(self, **kwargs: Any) -> int:
        raise DecisionImmutableError("Decisions are append-only; record a new decision instead of updating one.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise DecisionImmutableError("Decisions are append-only; record a new decision instead of deleting one.")

    delete.queryset_only = True  # type: ignore[attr-defined]
