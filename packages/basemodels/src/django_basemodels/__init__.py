"""UUID primary keys, timestamps, soft delete and a canonical generic key for Django models.

Models are imported from ``django_basemodels.models``, the generic-key helpers and
``GenericForeignKey`` from ``django_basemodels.generic`` and the admin mixin from
``django_basemodels.admin`` (they need the app registry); the names below are safe to import anywhere.
"""

from django_basemodels.fields import ObjectIdField, canonical_object_id
from django_basemodels.querysets import AliveManager, AllObjectsManager, DeletedManager, SoftDeleteQuerySet
from django_basemodels.uuids import new_uuid, uuid7

__all__ = [
    "AliveManager",
    "AllObjectsManager",
    "DeletedManager",
    "ObjectIdField",
    "SoftDeleteQuerySet",
    "canonical_object_id",
    "new_uuid",
    "uuid7",
]
