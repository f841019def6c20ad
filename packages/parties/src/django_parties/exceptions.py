"""The exceptions raised by django-parties: one base class, one subclass per kind of refusal."""

from __future__ import annotations


class PartiesError(Exception):
    """Base class of every error raised by django-parties."""


class NotAPartyError(PartiesError, TypeError):
    """The object given as a party is not a saved ``Person``, ``Organization`` or ``Group``."""


class PartyDeletedError(PartiesError):
    """The party is soft-deleted; it cannot take part in a write."""


class InvalidPartyError(PartiesError):
    """A party's own data is invalid (no name, an organization that would be its own ancestor, ...)."""


class UnknownRelationshipTypeError(PartiesError):
    """The relationship type is not one of ``PARTIES_RELATIONSHIP_TYPES``."""


class SelfRelationshipError(PartiesError):
    """A relationship would point from a party to that same party."""


class InvalidValidityPeriodError(PartiesError):
    """``valid_to`` is not after ``valid_from``."""


class RelationshipEndedError(PartiesError):
    """The relationship already has a ``valid_to``."""


class RelationshipDeletedError(PartiesError):
    """The relationship is soft-deleted (recorded in error); it cannot be changed."""


class InvalidContactPointError(PartiesError):
    """A contact point's kind or value is invalid (unknown kind, empty value, malformed email)."""


class UserLinkError(PartiesError):
    """The user is linked to another live person, or the person to another user, or is not a saved user."""


class MergeError(PartiesError):
    """Base class of the refusals specific to ``merge_parties``."""


class PartyKindMismatchError(MergeError):
    """The two parties are not of the same kind (a person cannot be merged into an organization)."""


class SamePartyMergeError(MergeError):
    """A party cannot be merged into itself."""


class MergeUserConflictError(MergeError, UserLinkError):
    """Both persons are linked to a user; unlink one of them before merging."""
