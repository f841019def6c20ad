"""Models the ledger points at in tests: a UUID-pk and an integer-pk source and owner."""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models

from django_basemodels.models import UUIDModel


class Invoice(UUIDModel):
    """A UUID-pk source and owner."""

    number = models.CharField(max_length=20)
    entries = GenericRelation("django_ledger.Entry", content_type_field="source_type", object_id_field="source_id")
    accounts = GenericRelation("django_ledger.Account", content_type_field="owner_type", object_id_field="owner_id")


class Customer(models.Model):
    """An integer-pk source and owner."""

    name = models.CharField(max_length=50)
    entries = GenericRelation("django_ledger.Entry", content_type_field="source_type", object_id_field="source_id")
    accounts = GenericRelation("django_ledger.Account", content_type_field="owner_type", object_id_field="owner_id")
