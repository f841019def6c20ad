"""UUID primary keys, timestamps, soft delete and a canonical generic key for Django models.

Models are imported from ``django_basemodels.models`` (they need the app registry);
the helpers below are safe to import anywhere.
"""

from django_basemodels.fields import ObjectIdField, canonical_object_id
from django_basemodels.uuids import new_uuid, uuid7

__all__ = ["ObjectIdField", "canonical_object_id", "new_uuid", "uuid7"]
