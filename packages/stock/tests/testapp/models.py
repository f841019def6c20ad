"""Models the tests point at: location owners and movement references, with UUID and integer keys."""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models

from django_basemodels.models import UUIDModel
from django_stock.models import Location, StockMovement


class Pharmacy(UUIDModel):
    """A UUID-pk location owner."""

    name = models.CharField(max_length=50)
    locations = GenericRelation(Location, content_type_field="owner_type", object_id_field="owner_id")


class Clinic(models.Model):
    """An integer-pk location owner."""

    name = models.CharField(max_length=50)
    locations = GenericRelation(Location, content_type_field="owner_type", object_id_field="owner_id")


class Sale(UUIDModel):
    """A UUID-pk movement reference."""

    number = models.CharField(max_length=20)
    movements = GenericRelation(StockMovement, content_type_field="reference_type", object_id_field="reference_id")


class DeliveryNote(models.Model):
    """An integer-pk movement reference."""

    number = models.CharField(max_length=20)
    movements = GenericRelation(StockMovement, content_type_field="reference_type", object_id_field="reference_id")
