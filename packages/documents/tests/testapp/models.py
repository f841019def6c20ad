"""Targets with the kinds of primary key a document's target id must handle: UUID, integer and text."""

import uuid

from django.db import models

from django_basemodels.fields import CaseSensitiveCharField


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


class CodedInvoice(models.Model):
    """A text primary key, compared byte by byte on every database: "abc" and "ABC" are two invoices."""

    code = CaseSensitiveCharField(primary_key=True, max_length=20)

    def __str__(self) -> str:
        return self.code
