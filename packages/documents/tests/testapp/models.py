"""Targets with the two kinds of primary key a document's target id must handle."""

import uuid

from django.db import models


class UuidInvoice(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    number = models.CharField(max_length=20)

    def __str__(self) -> str:
        return self.number


class IntInvoice(models.Model):
    number = models.CharField(max_length=20)

    def __str__(self) -> str:
        return self.number


class ProxyIntInvoice(IntInvoice):
    class Meta:
        proxy = True
