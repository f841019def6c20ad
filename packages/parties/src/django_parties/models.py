"""Parties (``Person``, ``Organization``, ``Group``), their relationships over time, and their contact points."""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from django_basemodels.fields import CaseSensitiveCharField
from django_basemodels.models import BaseModel, unique_among_live
from django_parties import conf
from django_parties.exceptions import (
    InvalidContactPointError,
    InvalidPartyError,
    InvalidValidityPeriodError,
    NotAPartyError,
    PartiesError,
    SelfRelationshipError,
    UnknownRelationshipTypeError,
)
from django_parties.kinds import PARTY_KINDS, party_kind
from django_parties.querysets import (
    AllContactPointsManager,
    AllPartiesManager,
    AllPartyRelationshipsManager,
    AllPersonsManager,
    ContactPointManager,
    DeletedContactPointsManager,
    DeletedPartiesManager,
    DeletedPartyRelationshipsManager,
    DeletedPersonsManager,
    PartyManager,
    PartyRelationshipManager,
    PartyRelationshipQuerySet,
    PersonManager,
)


def _exactly_one(*fields: str) -> Q:
    """A condition true when exactly one of the nullable ``fields`` is set."""
    condition = Q()
    for chosen in fields:
        condition |= Q(**{f"{field}__isnull": field != chosen for field in fields})
    return condition


def _as_validation_error(error: PartiesError, field: str | None = None) -> ValidationError:
    return ValidationError({field: str(error)} if field else str(error))


class _LiveValidatedModel(BaseModel):
    """``BaseModel`` whose model validation also checks the ``unique_among_live`` constraints in forms."""

    class Meta:
        abstract = True

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        # ModelForms exclude the non-editable deleted_at, and Django then silently skips every
        # constraint whose condition reads it: all unique_among_live ones.
        super().validate_constraints(exclude=None if exclude is None else set(exclude) - {"deleted_at"})


class Party(_LiveValidatedModel):
    """What ``Person``, ``Organization`` and ``Group`` share: a kind, a name, relationships and contact points."""

    party_kind: ClassVar[str]

    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="Set by merge_parties on the soft-deleted duplicate: the party that absorbed it.",
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name  # type: ignore[attr-defined]

    def relationships(self) -> PartyRelationshipQuerySet:
        """Live relationships with this party on either side (chain ``.current()`` or ``.as_of(t)``)."""
        return PartyRelationship.objects.for_party(self)

    def primary_contact_point(self, kind: str) -> ContactPoint | None:
        """The live primary contact point of ``kind``, or ``None``; uses ``with_contact_points()``'s prefetch."""
        for contact_point in self.contact_points.all():  # type: ignore[attr-defined]
            if contact_point.kind == kind and contact_point.is_primary:
                return contact_point
        return None


class Person(Party):
    """A human being. May be linked to one user account; a user is not a person unless linked."""

    party_kind = "person"

    given_name = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=150, blank=True)
    display_name = models.CharField(
        max_length=255, blank=True, help_text="How the person is shown; when empty, given and family name."
    )
    birth_date = models.DateField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The login of this person, if any. A user belongs to at most one live person.",
    )

    objects: ClassVar[PersonManager] = PersonManager()
    all_objects: ClassVar[AllPersonsManager] = AllPersonsManager()
    deleted_objects: ClassVar[DeletedPersonsManager] = DeletedPersonsManager()

    class Meta:
        ordering = ["family_name", "given_name", "display_name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(given_name="", family_name="", display_name=""), name="django_parties_person_has_name"
            ),
            unique_among_live("user", condition=Q(user__isnull=False), name="django_parties_person_live_user"),
        ]

    @property
    def name(self) -> str:
        return self.display_name or f"{self.given_name} {self.family_name}".strip()

    def validate_invariants(self) -> None:
        """Raise ``InvalidPartyError`` unless the person has some name."""
        if not (self.given_name.strip() or self.family_name.strip() or self.display_name.strip()):
            raise InvalidPartyError("A person needs a given name, a family name or a display name.")

    def clean(self) -> None:
        try:
            self.validate_invariants()
        except PartiesError as error:
            raise _as_validation_error(error) from error


class Organization(Party):
    """A company, clinic, household, department...: any party that is not a single human being."""

    party_kind = "organization"

    name = models.CharField(max_length=255)
    kind = models.CharField(
        max_length=50, blank=True, db_index=True, help_text="Free text: company, clinic, household, department..."
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    objects: ClassVar[PartyManager] = PartyManager()
    all_objects: ClassVar[AllPartiesManager] = AllPartiesManager()
    deleted_objects: ClassVar[DeletedPartiesManager] = DeletedPartiesManager()
    if TYPE_CHECKING:
        # The django-stubs plugin cannot resolve a default manager whose base class is built by a call,
        # and then cannot type the reverse relation ``children`` of this self-referencing model.
        _default_manager: ClassVar[PartyManager]

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="django_parties_organization_has_name"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="django_parties_organization_not_own_parent"),
        ]

    def ancestors(self) -> list[Organization]:
        """The parent, its parent, ... up to the root (one query per level)."""
        found: list[Organization] = []
        seen = {self.pk}
        parent = self.parent
        while parent is not None and parent.pk not in seen:
            found.append(parent)
            seen.add(parent.pk)
            parent = parent.parent
        return found

    def validate_invariants(self) -> None:
        """Raise ``InvalidPartyError`` for an empty name or a parent that is the organization or its descendant."""
        if not self.name.strip():
            raise InvalidPartyError("An organization needs a name.")
        if self.parent_id is not None and (
            self.parent_id == self.pk
            or ((parent := self.parent) is not None and any(ancestor.pk == self.pk for ancestor in parent.ancestors()))
        ):
            raise InvalidPartyError(f"{self.parent} cannot be the parent of {self}: it is {self} or inside it.")

    def clean(self) -> None:
        try:
            self.validate_invariants()
        except PartiesError as error:
            raise _as_validation_error(error) from error


class Group(Party):
    """A named set of parties. Members are ``PartyRelationship`` rows of type ``"member"`` from member to group."""

    party_kind = "group"

    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)

    objects: ClassVar[PartyManager] = PartyManager()
    all_objects: ClassVar[AllPartiesManager] = AllPartiesManager()
    deleted_objects: ClassVar[DeletedPartiesManager] = DeletedPartiesManager()

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="django_parties_group_has_name")]

    def members(self, when: datetime.datetime | None = None) -> list[Person | Organization | Group]:
        """The parties that are members at ``when`` (default: now), in one query."""
        memberships = PartyRelationship.objects.members_of(self).between_live_parties().with_parties()
        memberships = memberships.current() if when is None else memberships.as_of(when)
        return [membership.from_party for membership in memberships]

    def validate_invariants(self) -> None:
        """Raise ``InvalidPartyError`` for an empty name."""
        if not self.name.strip():
            raise InvalidPartyError("A group needs a name.")

    def clean(self) -> None:
        try:
            self.validate_invariants()
        except PartiesError as error:
            raise _as_validation_error(error) from error


_FROM_FIELDS = tuple(f"from_{kind}" for kind in PARTY_KINDS)
_TO_FIELDS = tuple(f"to_{kind}" for kind in PARTY_KINDS)


def _set_side(instance: models.Model, prefix: str, party: Any) -> None:
    kind = party_kind(party)
    for other in PARTY_KINDS:
        setattr(instance, f"{prefix}{other}", party if other == kind else None)


def _get_side(instance: models.Model, prefix: str) -> Any:
    for kind in PARTY_KINDS:
        # *_id first: reading an unset foreign key must not cost a query
        if getattr(instance, f"{prefix}{kind}_id") is not None:
            return getattr(instance, f"{prefix}{kind}")
    return None


class PartyRelationship(_LiveValidatedModel):
    """ "<from party> is <relationship_type> of <to party>" from ``valid_from`` until ``valid_to`` (open when empty).

    Exactly one ``from_*`` and exactly one ``to_*`` foreign key is set; the database enforces it.
    Ending a relationship sets ``valid_to`` and keeps the history; soft-deleting it says it was
    recorded in error.
    """

    from_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="outgoing_relationships"
    )
    from_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="outgoing_relationships"
    )
    from_group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="outgoing_relationships"
    )
    to_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="incoming_relationships"
    )
    to_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="incoming_relationships"
    )
    to_group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="incoming_relationships"
    )
    # No choices here: the allowed values come from PARTIES_RELATIONSHIP_TYPES, so adding a type needs no migration.
    # Compared byte by byte on every database, as the configured types are (a binary collation on MariaDB/MySQL).
    relationship_type = CaseSensitiveCharField(max_length=50, db_index=True)
    valid_from = models.DateTimeField(default=timezone.now, db_index=True)
    valid_to = models.DateTimeField(null=True, blank=True, db_index=True)

    objects: ClassVar[PartyRelationshipManager] = PartyRelationshipManager()
    all_objects: ClassVar[AllPartyRelationshipsManager] = AllPartyRelationshipsManager()
    deleted_objects: ClassVar[DeletedPartyRelationshipsManager] = DeletedPartyRelationshipsManager()

    class Meta:
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one(*_FROM_FIELDS), name="django_parties_relationship_one_from"),
            models.CheckConstraint(condition=_exactly_one(*_TO_FIELDS), name="django_parties_relationship_one_to"),
            *(
                # Django adds "IS NOT NULL" to both columns, so a row with either side empty passes.
                models.CheckConstraint(
                    condition=~Q(**{f"from_{kind}": F(f"to_{kind}")}),
                    name=f"django_parties_relationship_not_self_{kind}",
                )
                for kind in PARTY_KINDS
            ),
            models.CheckConstraint(condition=~Q(relationship_type=""), name="django_parties_relationship_has_type"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="django_parties_relationship_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_party}: {self.relationship_type_label} {self.to_party}"

    @property
    def relationship_type_label(self) -> str:
        """The label of the type in ``PARTIES_RELATIONSHIP_TYPES``, or the stored value if it is no longer listed."""
        return dict(conf.relationship_types()).get(self.relationship_type, self.relationship_type)

    @property
    def from_party(self) -> Person | Organization | Group | None:
        """Whichever of ``from_person``, ``from_organization``, ``from_group`` is set."""
        return _get_side(self, "from_")

    @from_party.setter
    def from_party(self, party: Person | Organization | Group) -> None:
        _set_side(self, "from_", party)

    @property
    def to_party(self) -> Person | Organization | Group | None:
        """Whichever of ``to_person``, ``to_organization``, ``to_group`` is set."""
        return _get_side(self, "to_")

    @to_party.setter
    def to_party(self, party: Person | Organization | Group) -> None:
        _set_side(self, "to_", party)

    def other_party(self, party: Person | Organization | Group) -> Person | Organization | Group | None:
        """The side that is not ``party``: the counterpart when listing one party's relationships.

        Raises ``ValueError`` when ``party`` is on neither side.
        """
        kind = party_kind(party)
        if getattr(self, f"from_{kind}_id") == party.pk:
            return self.to_party
        if getattr(self, f"to_{kind}_id") == party.pk:
            return self.from_party
        raise ValueError(f"{party} is on neither side of this relationship.")

    def is_valid_at(self, when: datetime.datetime) -> bool:
        """Whether ``valid_from <= when < valid_to`` (an empty ``valid_to`` meaning open)."""
        return self.valid_from <= when and (self.valid_to is None or when < self.valid_to)

    def validate_invariants(self) -> None:
        """Raise the package's typed error unless both sides, the type and the period are valid."""
        for prefix in ("from_", "to_"):
            if sum(getattr(self, f"{prefix}{kind}_id") is not None for kind in PARTY_KINDS) != 1:
                raise NotAPartyError(f"A relationship needs exactly one {prefix}person/organization/group.")
        if self.relationship_type not in conf.relationship_type_values():
            allowed = ", ".join(sorted(conf.relationship_type_values()))
            raise UnknownRelationshipTypeError(
                f"Unknown relationship type {self.relationship_type!r}; PARTIES_RELATIONSHIP_TYPES allows {allowed}."
            )
        if any(
            getattr(self, f"from_{kind}_id") is not None
            and getattr(self, f"from_{kind}_id") == getattr(self, f"to_{kind}_id")
            for kind in PARTY_KINDS
        ):
            raise SelfRelationshipError("A party cannot be in a relationship with itself.")
        if self.valid_to is not None and self.valid_from is not None and self.valid_to <= self.valid_from:
            raise InvalidValidityPeriodError(
                f"valid_to ({self.valid_to}) must be after valid_from ({self.valid_from})."
            )

    def clean(self) -> None:
        try:
            self.validate_invariants()
        except UnknownRelationshipTypeError as error:
            raise _as_validation_error(error, "relationship_type") from error
        except InvalidValidityPeriodError as error:
            raise _as_validation_error(error, "valid_to") from error
        except PartiesError as error:
            raise _as_validation_error(error) from error


class ContactPoint(_LiveValidatedModel):
    """An email address, phone number or postal address of exactly one party.

    At most one live contact point per (party, kind) is primary: a person has one primary
    email, one primary phone and one primary address.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        ADDRESS = "address", "Postal address"

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="contact_points")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="contact_points"
    )
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.CASCADE, related_name="contact_points")
    # Byte by byte: the check constraint of known kinds refuses "EMAIL" on MariaDB/MySQL too.
    kind = CaseSensitiveCharField(max_length=10, choices=Kind.choices)
    label = models.CharField(max_length=50, blank=True, help_text="Free text: home, work, billing...")
    value = models.CharField(
        max_length=255,
        blank=True,
        help_text="The email address or phone number; for an address, filled from the address lines.",
    )
    line1 = models.CharField("address line 1", max_length=255, blank=True)
    line2 = models.CharField("address line 2", max_length=255, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    is_primary = models.BooleanField(default=False)

    objects: ClassVar[ContactPointManager] = ContactPointManager()
    all_objects: ClassVar[AllContactPointsManager] = AllContactPointsManager()
    deleted_objects: ClassVar[DeletedContactPointsManager] = DeletedContactPointsManager()

    class Meta:
        ordering = ["kind", "-is_primary", "created_at"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one(*PARTY_KINDS), name="django_parties_contactpoint_one_party"),
            models.CheckConstraint(
                condition=Q(kind__in=["email", "phone", "address"]), name="django_parties_contactpoint_known_kind"
            ),
            models.CheckConstraint(condition=~Q(value=""), name="django_parties_contactpoint_has_value"),
            *(
                unique_among_live(
                    kind,
                    "kind",
                    condition=Q(is_primary=True, **{f"{kind}__isnull": False}),
                    name=f"django_parties_contactpoint_one_primary_{kind}",
                )
                for kind in PARTY_KINDS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    @property
    def party(self) -> Person | Organization | Group | None:
        """Whichever of ``person``, ``organization``, ``group`` is set."""
        return _get_side(self, "")

    @party.setter
    def party(self, party: Person | Organization | Group) -> None:
        _set_side(self, "", party)

    def formatted_address(self) -> str:
        """The address lines on one line: ``"1 Main St, 12345 Springfield, IL, US"``."""
        locality = " ".join(part for part in (self.postal_code.strip(), self.city.strip()) if part)
        parts = (self.line1, self.line2, locality, self.region, self.country)
        return ", ".join(part.strip() for part in parts if part.strip())

    def comparison_key(self) -> tuple[str, str]:
        """``(kind, value)`` normalised so that two ways of writing one contact point compare equal."""
        value = " ".join(self.value.split()).casefold()
        if self.kind == self.Kind.PHONE:
            value = re.sub(r"[^\d+]", "", value)
        return self.kind, value

    def normalise(self) -> None:
        """Strip ``value``, upper-case ``country`` and, for an address, make ``value`` from the address lines."""
        self.country = self.country.strip().upper()
        if self.kind == self.Kind.ADDRESS:
            self.value = self.formatted_address()
        self.value = self.value.strip()

    def validate_invariants(self) -> None:
        """Normalise, then raise ``InvalidContactPointError`` for a bad kind, an empty value or a malformed email.

        Raises ``NotAPartyError`` unless exactly one of ``person``, ``organization``, ``group`` is set.
        """
        if sum(getattr(self, f"{kind}_id") is not None for kind in PARTY_KINDS) != 1:
            raise NotAPartyError("A contact point belongs to exactly one person, organization or group.")
        if self.kind not in self.Kind.values:
            raise InvalidContactPointError(f"Unknown contact point kind {self.kind!r}.")
        self.normalise()
        if not self.value:
            raise InvalidContactPointError(f"A contact point of kind {self.kind!r} needs a value.")
        if self.kind == self.Kind.EMAIL:
            try:
                validate_email(self.value)
            except ValidationError as error:
                raise InvalidContactPointError(f"{self.value!r} is not an email address.") from error

    def clean(self) -> None:
        try:
            self.validate_invariants()
        except PartiesError as error:
            raise _as_validation_error(error) from error

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Also on saves that bypass validation: an address's value must mirror its lines, so
        # that the database's non-empty check, searches and merge's duplicate detection see them.
        self.normalise()
        super().save(*args, **kwargs)
