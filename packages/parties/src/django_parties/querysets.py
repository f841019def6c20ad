"""Read paths: querysets of parties, relationships (``current()``, ``as_of()``, ``for_party()``) and contact points."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from django_basemodels.querysets import AliveManager, AllObjectsManager, DeletedManager, SoftDeleteQuerySet
from django_parties.conf import MEMBER
from django_parties.kinds import PARTY_KINDS, party_kind

_FROM_FIELDS = tuple(f"from_{kind}" for kind in PARTY_KINDS)
_TO_FIELDS = tuple(f"to_{kind}" for kind in PARTY_KINDS)


class PartyQuerySet(SoftDeleteQuerySet):
    """Shared by ``Person``, ``Organization`` and ``Group``."""

    def with_contact_points(self) -> PartyQuerySet:
        """Prefetch each party's live contact points (one extra query for the whole list)."""
        return self.prefetch_related("contact_points")


class PersonQuerySet(PartyQuerySet):
    def for_user(self, user: Any) -> PersonQuerySet:
        """The persons linked to ``user`` (at most one among live rows)."""
        return self.filter(user=user)


class PartyRelationshipQuerySet(SoftDeleteQuerySet):
    """Relationships filtered by time, party and type."""

    def as_of(self, when: datetime.datetime) -> PartyRelationshipQuerySet:
        """Relationships valid at ``when``: ``valid_from <= when < valid_to``, an empty ``valid_to`` meaning open."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=when), valid_from__lte=when)

    def current(self) -> PartyRelationshipQuerySet:
        """Relationships valid now."""
        return self.as_of(timezone.now())

    def from_party(self, party: Any) -> PartyRelationshipQuerySet:
        """Relationships whose "from" side is ``party``."""
        return self.filter(**{f"from_{party_kind(party)}": party})

    def to_party(self, party: Any) -> PartyRelationshipQuerySet:
        """Relationships whose "to" side is ``party``."""
        return self.filter(**{f"to_{party_kind(party)}": party})

    def for_party(self, party: Any) -> PartyRelationshipQuerySet:
        """Relationships with ``party`` on either side."""
        kind = party_kind(party)
        return self.filter(Q(**{f"from_{kind}": party}) | Q(**{f"to_{kind}": party}))

    def of_type(self, *relationship_types: str) -> PartyRelationshipQuerySet:
        """Relationships of any of the given types."""
        return self.filter(relationship_type__in=relationship_types)

    def members_of(self, group: Any) -> PartyRelationshipQuerySet:
        """Membership relationships (type ``"member"``) pointing to ``group``."""
        return self.to_party(group).of_type(MEMBER)

    def between_live_parties(self) -> PartyRelationshipQuerySet:
        """Leave out relationships with a soft-deleted party on either side.

        Soft-deleting a party does not touch its relationships (nothing cascades on a soft
        delete); this filter hides them from lists of who relates to whom.
        """
        return self.filter(**{f"{field}__deleted_at__isnull": True for field in _FROM_FIELDS + _TO_FIELDS})

    def with_parties(self) -> PartyRelationshipQuerySet:
        """Join both sides, so ``from_party`` and ``to_party`` cost no query."""
        return self.select_related(*_FROM_FIELDS, *_TO_FIELDS)

    def with_contact_points(self) -> PartyRelationshipQuerySet:
        """Join both sides and prefetch their live contact points.

        The number of queries does not grow with the number of rows: one for the relationships
        and at most one per kind of party that appears on each side.
        """
        return self.with_parties().prefetch_related(
            *(f"{field}__contact_points" for field in _FROM_FIELDS + _TO_FIELDS)
        )


class ContactPointQuerySet(SoftDeleteQuerySet):
    def for_party(self, party: Any) -> ContactPointQuerySet:
        """The contact points of ``party``."""
        return self.filter(**{party_kind(party): party})

    def of_kind(self, kind: str) -> ContactPointQuerySet:
        """Contact points of one kind (``"email"``, ``"phone"``, ``"address"``)."""
        return self.filter(kind=kind)

    def primary(self) -> ContactPointQuerySet:
        """Primary contact points (at most one live one per party and kind)."""
        return self.filter(is_primary=True)


# The managers of each model: live rows (``objects``), every row (``all_objects``), the deleted ones
# (``deleted_objects``), each with the reads of its queryset. mypy cannot follow a base class built
# by a call; the django-stubs plugin types each manager from it.


class PartyManager(AliveManager.from_queryset(PartyQuerySet)):  # type: ignore[misc]
    """Live organizations or groups."""


class AllPartiesManager(AllObjectsManager.from_queryset(PartyQuerySet)):  # type: ignore[misc]
    """Every organization or group, deleted or not."""


class DeletedPartiesManager(DeletedManager.from_queryset(PartyQuerySet)):  # type: ignore[misc]
    """Soft-deleted organizations or groups."""


class PersonManager(AliveManager.from_queryset(PersonQuerySet)):  # type: ignore[misc]
    """Live persons."""


class AllPersonsManager(AllObjectsManager.from_queryset(PersonQuerySet)):  # type: ignore[misc]
    """Every person, deleted or not."""


class DeletedPersonsManager(DeletedManager.from_queryset(PersonQuerySet)):  # type: ignore[misc]
    """Soft-deleted persons."""


class PartyRelationshipManager(AliveManager.from_queryset(PartyRelationshipQuerySet)):  # type: ignore[misc]
    """Live relationships (ended ones included: ending is not deleting)."""


class AllPartyRelationshipsManager(AllObjectsManager.from_queryset(PartyRelationshipQuerySet)):  # type: ignore[misc]
    """Every relationship, deleted or not."""


class DeletedPartyRelationshipsManager(DeletedManager.from_queryset(PartyRelationshipQuerySet)):  # type: ignore[misc]
    """Soft-deleted relationships (recorded in error)."""


class ContactPointManager(AliveManager.from_queryset(ContactPointQuerySet)):  # type: ignore[misc]
    """Live contact points."""


class AllContactPointsManager(AllObjectsManager.from_queryset(ContactPointQuerySet)):  # type: ignore[misc]
    """Every contact point, deleted or not."""


class DeletedContactPointsManager(DeletedManager.from_queryset(ContactPointQuerySet)):  # type: ignore[misc]
    """Soft-deleted contact points."""
