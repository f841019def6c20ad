"""Read paths: definitions by organization and key; encounters by organization, definition, state, subject and
openness; transitions by organization, actor and time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from django_basemodels.generic import generic_key_filter
from django_basemodels.tenancy import OrgLike, OrgQuerySetMixin, org_key
from django_decisioning import EventAsOfQuerySet
from django_encounters.exceptions import TransitionImmutableError

if TYPE_CHECKING:
    from django_encounters.models import EncounterDefinition


class EncounterDefinitionQuerySet(OrgQuerySetMixin, models.QuerySet):
    """Definitions: ``for_org(org)`` (``None``: those of no organization; ``ANY_ORG``: every one)."""


class EncounterQuerySet(OrgQuerySetMixin, models.QuerySet):
    """Encounters. Chain the filters; ``with_subjects()`` loads what a board shows in constant queries.

    ``for_org(org)`` filters through the definition: an encounter belongs to its definition's organization.
    """

    org_lookup = "definition__org_key"

    def for_definition(self, definition: str | EncounterDefinition, *, org: OrgLike = None) -> EncounterQuerySet:
        """Encounters of a definition, given by key or instance.

        A key names the definition of ``org`` (default ``None``: the definition of no organization).
        With an instance, ``org`` (when not ``None``) must be the instance's organization, else no encounter
        matches. ``InvalidOrgError`` for an ``org`` that names no organization.
        """
        if isinstance(definition, str):
            return self.filter(definition__key=definition, definition__org_key=org_key(org))
        if org is not None:
            return self.filter(definition=definition, definition__org_key=org_key(org))
        return self.filter(definition=definition)

    def in_state(self, *states: str) -> EncounterQuerySet:
        """Encounters whose current state is one of ``states``."""
        return self.filter(state__in=states)

    def open(self) -> EncounterQuerySet:
        """Encounters not ended yet (no terminal state reached): the current, active ones."""
        return self.filter(ended_at__isnull=True)

    def ended(self) -> EncounterQuerySet:
        """Encounters that reached a terminal state."""
        return self.filter(ended_at__isnull=False)

    def for_subject(self, subject: models.Model) -> EncounterQuerySet:
        """Encounters attached to ``subject`` (any saved model instance); ``ValueError`` if unsaved."""
        return self.filter(**generic_key_filter("subject", subject))

    def with_subjects(self) -> EncounterQuerySet:
        """Join the definition and creator, prefetch the subjects: one query, plus one per subject model."""
        return self.select_related("definition", "created_by").prefetch_related("subject")


class EncounterTransitionQuerySet(OrgQuerySetMixin, EventAsOfQuerySet):
    """Transitions (append-only facts): ``as_of``/``known_at`` from decisioning, plus actor filters.

    ``for_org(org)`` filters through the encounter's definition. ``update()`` and ``delete()`` raise
    ``TransitionImmutableError``.
    """

    org_lookup = "encounter__definition__org_key"

    def by_user(self, user: Any) -> EncounterTransitionQuerySet:
        """Transitions made by ``user`` (for themselves or on behalf of someone)."""
        return self.filter(by_user=user)

    def on_behalf_of(self, principal: models.Model) -> EncounterTransitionQuerySet:
        """Transitions made on behalf of ``principal`` (any saved model instance)."""
        return self.filter(**generic_key_filter("on_behalf_of", principal))

    def delegated(self) -> EncounterTransitionQuerySet:
        """Transitions made on behalf of someone (the services refuse a user acting "for" themself)."""
        return self.filter(on_behalf_of_type__isnull=False)

    def into_state(self, *states: str) -> EncounterTransitionQuerySet:
        """Transitions that moved an encounter into one of ``states``."""
        return self.filter(to_state__in=states)

    def update(self, **kwargs: Any) -> int:
        raise TransitionImmutableError("Encounter transitions are append-only; make a new transition instead.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TransitionImmutableError("Encounter transitions are append-only; they are never deleted.")

    delete.queryset_only = True  # type: ignore[attr-defined]
