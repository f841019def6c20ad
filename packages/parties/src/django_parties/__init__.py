"""The party pattern for Django: people, organizations, groups, their relationships over time and contact points.

Models are imported from ``django_parties.models`` and write functions from
``django_parties.services`` (both need the app registry); the names below are safe to import anywhere.
"""

from django_parties.conf import DEFAULT_RELATIONSHIP_TYPES, MEMBER
from django_parties.exceptions import (
    InvalidContactPointError,
    InvalidPartyError,
    InvalidValidityPeriodError,
    MergeError,
    MergeUserConflictError,
    NotAPartyError,
    PartiesError,
    PartyDeletedError,
    PartyKindMismatchError,
    RelationshipDeletedError,
    RelationshipEndedError,
    SamePartyMergeError,
    SelfRelationshipError,
    UnknownRelationshipTypeError,
    UserLinkError,
)
from django_parties.kinds import PARTY_KINDS, party_kind

__all__ = [
    "DEFAULT_RELATIONSHIP_TYPES",
    "MEMBER",
    "PARTY_KINDS",
    "InvalidContactPointError",
    "InvalidPartyError",
    "InvalidValidityPeriodError",
    "MergeError",
    "MergeUserConflictError",
    "NotAPartyError",
    "PartiesError",
    "PartyDeletedError",
    "PartyKindMismatchError",
    "RelationshipDeletedError",
    "RelationshipEndedError",
    "SamePartyMergeError",
    "SelfRelationshipError",
    "UnknownRelationshipTypeError",
    "UserLinkError",
    "party_kind",
]
