"""UUID primary keys, timestamps, soft delete, a canonical generic key and a foreign key to a model
named by a setting, for Django models.

Models are imported from ``django_basemodels.models``, the generic-key helpers and
``GenericForeignKey`` from ``django_basemodels.generic`` and the admin mixin from
``django_basemodels.admin`` (they need the app registry); the names below are safe to import anywhere:
among them the argument guards every package's services call (``django_basemodels.arguments``).
"""

from django_basemodels.arguments import (
    is_saved,
    renamed_keywords,
    require_aware,
    require_idempotency_key,
    require_saved,
    require_user,
)
from django_basemodels.exports import lazy_exports
from django_basemodels.fields import ObjectIdField, SwappableForeignKey, canonical_object_id
from django_basemodels.querysets import AliveManager, AllObjectsManager, DeletedManager, SoftDeleteQuerySet
from django_basemodels.tenancy import (
    ANY_ORG,
    InvalidOrgError,
    OrgKeyField,
    OrgLike,
    OrgQuerySetMixin,
    org_key,
    resolve_org,
    unique_per_org,
)
from django_basemodels.uuids import new_uuid, uuid7

__all__ = [
    "ANY_ORG",
    "AliveManager",
    "AllObjectsManager",
    "DeletedManager",
    "InvalidOrgError",
    "ObjectIdField",
    "OrgKeyField",
    "OrgLike",
    "OrgQuerySetMixin",
    "SoftDeleteQuerySet",
    "SwappableForeignKey",
    "canonical_object_id",
    "is_saved",
    "lazy_exports",
    "new_uuid",
    "org_key",
    "renamed_keywords",
    "require_aware",
    "require_idempotency_key",
    "require_saved",
    "require_user",
    "resolve_org",
    "unique_per_org",
    "uuid7",
]
