"""Write paths: creating parties, relating them, their contact points and user links, and merging duplicates.

Every function takes keyword arguments, validates everything before its first write, runs in
one transaction and raises a subclass of ``PartiesError``. Text longer than its column
(``max_length``, or ``PARTIES_MAX_TEXT_LENGTH`` for free text) is refused the same way.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from django_basemodels.arguments import require_user
from django_basemodels.limits import text_within_limit
from django_parties import conf
from django_parties.exceptions import (
    InvalidContactPointError,
    InvalidPartyError,
    InvalidValidityPeriodError,
    MergeUserConflictError,
    PartiesError,
    PartyDeletedError,
    PartyKindMismatchError,
    RelationshipDeletedError,
    RelationshipEndedError,
    SamePartyMergeError,
    UserLinkError,
)
from django_parties.kinds import party_kind
from django_parties.models import ContactPoint, Group, Organization, PartyRelationship, Person

AnyParty = TypeVar("AnyParty", bound="Person | Organization | Group")


def _live(party: AnyParty, *, lock: bool = False) -> AnyParty:
    """Re-read ``party`` (locked if asked) and refuse it when it is soft-deleted."""
    party_kind(party)
    rows = type(party).all_objects.filter(pk=party.pk)
    fresh = (rows.select_for_update() if lock else rows).first()
    if fresh is None:
        raise PartyDeletedError(f"{type(party).__name__} {party.pk} no longer exists.")
    if fresh.is_deleted:
        raise PartyDeletedError(f"{fresh} ({type(fresh).__name__} {fresh.pk}) is deleted.")
    return fresh


def _check_lengths(instance: models.Model, error: type[PartiesError], *, derived: tuple[str, ...] = ()) -> None:
    """Raise ``error`` for a text longer than its column can hold, before anything is written.

    A ``CharField`` holds ``max_length`` characters (beyond it PostgreSQL and MariaDB/MySQL refuse the
    row and SQLite would store it anyway); a ``TextField`` holds ``PARTIES_MAX_TEXT_LENGTH``. The ``derived``
    fields, made from others, are checked last: the error names the caller's argument when it is one.
    """
    for field in sorted(instance._meta.concrete_fields, key=lambda field: field.name in derived):
        if isinstance(field, models.CharField) and field.max_length is not None:
            limit = field.max_length
        elif isinstance(field, models.TextField):
            limit = conf.max_text_length()
        else:
            continue
        text_within_limit(getattr(instance, field.attname), name=field.name, limit=limit, error=error)


def _check_user_free(user: Any, *, except_person: Person | None = None) -> None:
    others = Person.objects.for_user(user)
    if except_person is not None:
        others = others.exclude(pk=except_person.pk)
    other = others.first()
    if other is not None:
        raise UserLinkError(f"User {user} is already linked to {other} ({other.pk}).")


def create_person(
    *,
    given_name: str = "",
    family_name: str = "",
    display_name: str = "",
    birth_date: datetime.date | None = None,
    user: Any = None,
) -> Person:
    """Create a person.

    ``user`` is the person's login (not who acts). Raises ``InvalidPartyError`` without any name or
    for a name longer than its column (150 characters for the given and family names, 255 for the
    display name), ``UserLinkError`` if ``user`` is taken or not a saved user.
    """
    require_user(user, name="user", error=UserLinkError)
    person = Person(
        given_name=given_name, family_name=family_name, display_name=display_name, birth_date=birth_date, user=user
    )
    person.validate_invariants()
    _check_lengths(person, InvalidPartyError)
    with transaction.atomic():
        if user is not None:
            _check_user_free(user)
        person.save()
    return person


def create_organization(*, name: str, kind: str = "", parent: Organization | None = None) -> Organization:
    """Create an organization.

    Raises ``InvalidPartyError`` without a name or for a ``name`` longer than 255 characters or a
    ``kind`` longer than 50, ``PartyDeletedError`` for a deleted parent.
    """
    with transaction.atomic():
        organization = Organization(name=name, kind=kind, parent=_live(parent) if parent is not None else None)
        organization.validate_invariants()
        _check_lengths(organization, InvalidPartyError)
        organization.save()
    return organization


def set_organization_parent(*, organization: Organization, parent: Organization | None) -> Organization:
    """Move ``organization`` under ``parent`` (or to the top with ``None``).

    Raises ``InvalidPartyError`` when ``parent`` is the organization or one of its descendants,
    ``PartyDeletedError`` when either is deleted.
    """
    with transaction.atomic():
        organization = _live(organization, lock=True)
        organization.parent = _live(parent) if parent is not None else None
        organization.validate_invariants()
        organization.save(update_fields=["parent", "updated_at"])
    return organization


def create_group(*, name: str, description: str = "") -> Group:
    """Create a group. Add members with ``create_relationship``.

    Raises ``InvalidPartyError`` without a name, for a ``name`` longer than 255 characters or a
    ``description`` longer than ``PARTIES_MAX_TEXT_LENGTH``.
    """
    group = Group(name=name, description=description)
    group.validate_invariants()
    _check_lengths(group, InvalidPartyError)
    with transaction.atomic():
        group.save()
    return group


def link_user(*, person: Person, user: Any) -> Person:
    """Link ``person`` to the login ``user``.

    Raises ``UserLinkError`` when the user is linked to another live person or the person to
    another user (unlink first) or ``user`` is not a saved user, ``PartyDeletedError`` when the
    person is deleted.
    """
    require_user(user, name="user", error=UserLinkError, allow_none=False)
    with transaction.atomic():
        person = _live(person, lock=True)
        if person.user_id == user.pk:
            return person
        if person.user_id is not None:
            raise UserLinkError(f"{person} is already linked to another user; unlink it first.")
        _check_user_free(user, except_person=person)
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    return person


def unlink_user(*, person: Person) -> Person:
    """Remove the user link of ``person`` (a no-op when it has none); the user account is left alone."""
    with transaction.atomic():
        person = _live(person, lock=True)
        if person.user_id is not None:
            person.user = None
            person.save(update_fields=["user", "updated_at"])
    return person


def create_relationship(
    *,
    from_party: Person | Organization | Group,
    to_party: Person | Organization | Group,
    relationship_type: str,
    valid_from: datetime.datetime | None = None,
    valid_to: datetime.datetime | None = None,
) -> PartyRelationship:
    """Record that ``from_party`` is ``relationship_type`` of ``to_party`` from ``valid_from`` (default now).

    Raises ``NotAPartyError``, ``PartyDeletedError``, ``UnknownRelationshipTypeError``,
    ``SelfRelationshipError`` or ``InvalidValidityPeriodError``.
    """
    with transaction.atomic():
        relationship = PartyRelationship(
            relationship_type=relationship_type,
            valid_from=valid_from if valid_from is not None else timezone.now(),
            valid_to=valid_to,
        )
        relationship.from_party = _live(from_party)
        relationship.to_party = _live(to_party)
        relationship.validate_invariants()
        relationship.save()
    return relationship


def end_relationship(
    *, relationship: PartyRelationship, valid_to: datetime.datetime | None = None
) -> PartyRelationship:
    """Close the validity period at ``valid_to`` (default now) and return the updated relationship.

    The row stays: ``as_of()`` still finds it for moments inside its period. Raises
    ``RelationshipEndedError`` if it already has a ``valid_to``, ``RelationshipDeletedError`` if
    it is soft-deleted, ``InvalidValidityPeriodError`` if ``valid_to`` is not after ``valid_from``.
    """
    with transaction.atomic():
        relationship = PartyRelationship.all_objects.select_for_update().get(pk=relationship.pk)
        if relationship.is_deleted:
            raise RelationshipDeletedError(f"Relationship {relationship.pk} is deleted.")
        if relationship.valid_to is not None:
            raise RelationshipEndedError(f"Relationship {relationship.pk} already ended at {relationship.valid_to}.")
        relationship.valid_to = valid_to if valid_to is not None else timezone.now()
        # Only the period: a type since removed from PARTIES_RELATIONSHIP_TYPES must not block ending it.
        if relationship.valid_to <= relationship.valid_from:
            raise InvalidValidityPeriodError(
                f"valid_to ({relationship.valid_to}) must be after valid_from ({relationship.valid_from})."
            )
        relationship.save(update_fields=["valid_to", "updated_at"])
    return relationship


def _demote_primary(party: Person | Organization | Group, kind: str) -> int:
    return (
        ContactPoint.objects.for_party(party)
        .of_kind(kind)
        .primary()
        .update(is_primary=False, updated_at=timezone.now())
    )


def add_contact_point(
    *,
    party: Person | Organization | Group,
    kind: str,
    value: str = "",
    label: str = "",
    is_primary: bool = False,
    line1: str = "",
    line2: str = "",
    city: str = "",
    region: str = "",
    postal_code: str = "",
    country: str = "",
) -> ContactPoint:
    """Add an email, phone or address to ``party``; with ``is_primary`` the previous primary of that kind is demoted.

    For an address, give the lines (``line1`` ... ``country``); ``value`` is made from them.
    Raises ``InvalidContactPointError`` (unknown kind, empty value, malformed email, a text longer
    than its column: 255 characters for ``value``, also when made from the address lines, and for
    each address line, 50 for ``label``, 100 for ``city`` and ``region``, 20 for ``postal_code``, 2
    for ``country``), ``PartyDeletedError`` or ``NotAPartyError``.
    """
    with transaction.atomic():
        # Locking the party serialises concurrent changes of its primary contact points.
        party = _live(party, lock=True)
        contact_point = ContactPoint(
            kind=kind,
            value=value,
            label=label,
            is_primary=is_primary,
            line1=line1,
            line2=line2,
            city=city,
            region=region,
            postal_code=postal_code,
            country=country,
        )
        contact_point.party = party
        contact_point.validate_invariants()
        _check_lengths(contact_point, InvalidContactPointError, derived=("value",))
        if is_primary:
            _demote_primary(party, kind)
        contact_point.save()
    return contact_point


def set_primary_contact_point(*, contact_point: ContactPoint) -> ContactPoint:
    """Make ``contact_point`` the primary one of its kind for its party, demoting the previous one.

    Raises ``InvalidContactPointError`` if it is deleted, ``PartyDeletedError`` if its party is.
    """
    with transaction.atomic():
        party = contact_point.party
        if party is None:  # the database refuses such a row: only an unsaved contact point has no party
            raise InvalidContactPointError(f"Contact point {contact_point.pk} belongs to no party.")
        _live(party, lock=True)
        contact_point = ContactPoint.all_objects.get(pk=contact_point.pk)
        if contact_point.is_deleted:
            raise InvalidContactPointError(f"Contact point {contact_point.pk} is deleted.")
        if not contact_point.is_primary:
            _demote_primary(party, contact_point.kind)
            contact_point.is_primary = True
            contact_point.save(update_fields=["is_primary", "updated_at"])
    return contact_point


@dataclass(frozen=True)
class MergeSummary:
    """What ``merge_parties`` did, in counts."""

    relationships_moved: int = 0
    #: relationships between ``keep`` and ``merge``: soft-deleted, since they would relate ``keep`` to itself
    relationships_dropped: int = 0
    contact_points_moved: int = 0
    #: contact points of ``merge`` equal to one of ``keep``'s (``ContactPoint.comparison_key``): soft-deleted
    contact_points_dropped: int = 0
    #: primary contact points of ``merge`` demoted because ``keep`` has a primary of the same kind
    primaries_demoted: int = 0
    #: organizations whose parent was ``merge`` and is now ``keep``
    children_moved: int = 0
    user_moved: bool = False


@dataclass
class _ContactPointPlan:
    move: list[ContactPoint]
    drop: list[ContactPoint]
    demote: list[ContactPoint]
    promote: list[ContactPoint]


def _plan_contact_points(keep: Any, merge: Any) -> _ContactPointPlan:
    kept = list(ContactPoint.objects.for_party(keep))
    kept_by_key = {contact_point.comparison_key(): contact_point for contact_point in kept}
    kept_primary_kinds = {contact_point.kind for contact_point in kept if contact_point.is_primary}
    plan = _ContactPointPlan(move=[], drop=[], demote=[], promote=[])
    for contact_point in ContactPoint.objects.for_party(merge):
        twin = kept_by_key.get(contact_point.comparison_key())
        if twin is not None:
            plan.drop.append(contact_point)
            if contact_point.is_primary and contact_point.kind not in kept_primary_kinds:
                plan.promote.append(twin)
        else:
            plan.move.append(contact_point)
            if contact_point.is_primary and contact_point.kind in kept_primary_kinds:
                plan.demote.append(contact_point)
    return plan


def _move_relationships(keep: Any, merge: Any, kind: str, drop_ids: list[Any]) -> int:
    now = timezone.now()
    PartyRelationship.objects.filter(pk__in=drop_ids).delete()
    rows = PartyRelationship.objects.exclude(pk__in=drop_ids)
    moved = rows.filter(**{f"from_{kind}": merge}).update(**{f"from_{kind}": keep, "updated_at": now})
    moved += rows.filter(**{f"to_{kind}": merge}).update(**{f"to_{kind}": keep, "updated_at": now})
    return moved


def _move_contact_points(keep: Any, kind: str, plan: _ContactPointPlan) -> None:
    now = timezone.now()
    # Demote before moving: the one-primary-per-(party, kind) index is checked row by row.
    ContactPoint.objects.filter(pk__in=[c.pk for c in plan.demote]).update(is_primary=False, updated_at=now)
    ContactPoint.objects.filter(pk__in=[c.pk for c in plan.drop]).delete()
    ContactPoint.objects.filter(pk__in=[c.pk for c in plan.move]).update(**{kind: keep, "updated_at": now})
    ContactPoint.objects.filter(pk__in=[c.pk for c in plan.promote]).update(is_primary=True, updated_at=now)


def merge_parties(*, keep: AnyParty, merge: AnyParty) -> MergeSummary:
    """Fold the duplicate ``merge`` into ``keep`` in one transaction, and soft-delete ``merge``.

    - Relationships of ``merge`` (both directions, ended ones included) now point at ``keep``;
      those between ``keep`` and ``merge`` are soft-deleted instead, as they would relate
      ``keep`` to itself.
    - Contact points move to ``keep``; one equal to a contact point of ``keep`` is soft-deleted
      (its primary flag passes to ``keep``'s copy if ``keep`` had no primary of that kind); a
      primary that would clash with ``keep``'s primary of the same kind is demoted.
    - Organizations: ``merge``'s child organizations move under ``keep``; if ``merge`` was an
      ancestor of ``keep``, ``keep`` takes ``merge``'s parent.
    - Persons: ``merge``'s user link moves to ``keep`` when ``keep`` has none.
    - ``merge.merged_into`` (and that of parties merged into ``merge`` earlier) becomes ``keep``.
    Soft-deleted relationships and contact points of ``merge`` stay with it as history.

    Raises ``NotAPartyError``, ``PartyKindMismatchError`` (a person with an organization...),
    ``SamePartyMergeError``, ``PartyDeletedError`` (either party already deleted) and
    ``MergeUserConflictError`` (both persons linked to a user). On any error nothing is changed.
    """
    kind = party_kind(keep)
    if party_kind(merge) != kind:
        raise PartyKindMismatchError(f"Cannot merge a {party_kind(merge)} into a {kind}.")
    if keep.pk == merge.pk:
        raise SamePartyMergeError(f"Cannot merge {keep} into itself.")
    model = type(keep)
    with transaction.atomic():
        # Lock both rows in primary key order, so two merges of the same pair cannot deadlock.
        locked = {party.pk: _live(party, lock=True) for party in sorted((keep, merge), key=lambda party: party.pk)}
        keep, merge = locked[keep.pk], locked[merge.pk]
        # Both are of one kind (checked above); the pairs below say so to the type checker.
        persons = (keep, merge) if isinstance(keep, Person) and isinstance(merge, Person) else None
        organizations = (keep, merge) if isinstance(keep, Organization) and isinstance(merge, Organization) else None
        move_user = False
        if persons is not None:
            keep_person, merge_person = persons
            if keep_person.user_id is not None and merge_person.user_id is not None:
                raise MergeUserConflictError(f"Both {keep} and {merge} are linked to a user; unlink one first.")
            move_user = merge_person.user_id is not None
        between = Q(**{f"from_{kind}": keep, f"to_{kind}": merge}) | Q(**{f"from_{kind}": merge, f"to_{kind}": keep})
        drop_ids = list(PartyRelationship.objects.filter(between).values_list("pk", flat=True))
        contact_plan = _plan_contact_points(keep, merge)
        children: list[Any] = []
        lift_keep = False
        if organizations is not None:
            keep_organization, merge_organization = organizations
            children = [child for child in Organization.objects.filter(parent=merge) if child.pk != keep.pk]
            # keep inside merge's subtree takes merge's place; else moving merge's children under keep makes a cycle
            lift_keep = any(ancestor.pk == merge.pk for ancestor in keep_organization.ancestors())

        # Everything is validated; from here on only writes.
        now = timezone.now()
        relationships_moved = _move_relationships(keep, merge, kind, drop_ids)
        _move_contact_points(keep, kind, contact_plan)
        if organizations is not None and lift_keep:
            keep_organization.parent_id = merge_organization.parent_id
            keep_organization.save(update_fields=["parent", "updated_at"])
        if children:
            Organization.objects.filter(pk__in=[child.pk for child in children]).update(parent=keep, updated_at=now)
        if persons is not None and move_user:
            user_id = merge_person.user_id
            merge_person.user = None
            merge_person.save(update_fields=["user", "updated_at"])
            keep_person.user_id = user_id
            keep_person.save(update_fields=["user", "updated_at"])
        model.all_objects.filter(merged_into=merge).update(merged_into=keep, updated_at=now)
        merge.merged_into = keep
        merge.deleted_at = now
        merge.save(update_fields=["merged_into", "deleted_at", "updated_at"])
    return MergeSummary(
        relationships_moved=relationships_moved,
        relationships_dropped=len(drop_ids),
        contact_points_moved=len(contact_plan.move),
        contact_points_dropped=len(contact_plan.drop),
        primaries_demoted=len(contact_plan.demote),
        children_moved=len(children),
        user_moved=move_user,
    )
