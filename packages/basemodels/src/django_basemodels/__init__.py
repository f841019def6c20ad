"""UUID primary keys, timestamps, soft delete, a canonical generic key and a foreign key to a model
named by a setting, for Django models.

Models are imported from ``django_basemodels.models``, the generic-key helpers and
``GenericForeignKey`` from ``django_basemodels.generic`` and the admin mixin from
``django_basemodels.admin`` (they need the app registry); the names below are safe to import anywhere.
"""

from django_basemodels.fields import ObjectIdField, SwappableForeignKey, canonical_object_id
from django_basemodels.querysets import AliveManager, AllObjectsManager, DeletedManager, SoftDeleteQuerySet
from django_basemodels.uuids import new_uuid, uuid7

__all__ = [
    "AliveManager",
    "AllObjectsManager",
    "DeletedManager",
    "ObjectIdField",
    "SoftDeleteQuerySet",
    "SwappableForeignKey",
    "canonical_object_id",
    "new_uuid",
    "uuid7",
]
