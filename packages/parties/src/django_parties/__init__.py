"""The party pattern for Django: people, organizations, groups, their relationships over time and contact points.

The services are importable from the package root (``from django_parties import create_person``) and
are imported on first use, so ``import django_parties`` works before the app registry is ready.
Models are imported from ``django_parties.models``.
"""

from typing import TYPE_CHECKING

from django_basemodels.exports import lazy_exports
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

if TYPE_CHECKING:
    from django_parties.services import (
        MergeSummary,
        add_contact_point,
        create_group,
        create_organization,
        create_person,
        create_relationship,
        end_relationship,
        link_user,
        merge_parties,
        set_organization_parent,
        set_primary_contact_point,
        unlink_user,
    )

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "django_parties.services": [
            "MergeSummary",
            "add_contact_point",
            "create_group",
            "create_organization",
            "create_person",
            "create_relationship",
            "end_relationship",
            "link_user",
            "merge_parties",
            "set_organization_parent",
            "set_primary_contact_point",
            "unlink_user",
        ],
    },
)

__all__ = [
    "DEFAULT_RELATIONSHIP_TYPES",
    "MEMBER",
    "PARTY_KINDS",
    "InvalidContactPointError",
    "InvalidPartyError",
    "InvalidValidityPeriodError",
    "MergeError",
    "MergeSummary",
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
    "add_contact_point",
    "create_group",
    "create_organization",
    "create_person",
    "create_relationship",
    "end_relationship",
    "link_user",
    "merge_parties",
    "party_kind",
    "set_organization_parent",
    "set_primary_contact_point",
    "unlink_user",
]
