"""The parties and references of the tests: a UUID-pk person, an integer-pk company, a text-pk shop, a sale."""

from django.db import models

from django_basemodels.fields import CaseSensitiveCharField
from django_basemodels.models import UUIDModel


class Person(UUIDModel):
    """A UUID-pk party."""

    name = models.CharField(max_length=50)

    def __str__(self) -> str:
        return self.name


class Company(models.Model):
    """An integer-pk party (a pharmacy, a wholesaler)."""

    name = models.CharField(max_length=50)

    def __str__(self) -> str:
        return self.name


class Shop(models.Model):
    """A text-pk party: codes that differ only in case are two shops."""

    code = CaseSensitiveCharField(primary_key=True, max_length=20)

    def __str__(self) -> str:
        return self.code


class Sale(models.Model):
    """What an obligation is for: a sale, an order."""

    number = models.CharField(max_length=20)
    total = models.DecimalField(max_digits=19, decimal_places=4, default=0)

    def __str__(self) -> str:
        return self.number
