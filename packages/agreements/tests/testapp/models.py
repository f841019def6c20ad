"""Parties and scope objects of the tests: a UUID-pk customer, an integer-pk organisation, a plan."""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models

from django_basemodels.models import BaseModel


class Customer(BaseModel):
    """A UUID-pk party (soft-deletable, like most models of the monorepo)."""

    name = models.CharField(max_length=50)
    agreements_as_a = GenericRelation(
        "django_agreements.Agreement", content_type_field="party_a_type", object_id_field="party_a_id"
    )
    agreements_as_b = GenericRelation(
        "django_agreements.Agreement", content_type_field="party_b_type", object_id_field="party_b_id"
    )

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    """An integer-pk party, and a principal users act for."""

    name = models.CharField(max_length=50)
    agreements_as_a = GenericRelation(
        "django_agreements.Agreement", content_type_field="party_a_type", object_id_field="party_a_id"
    )
    agreements_as_b = GenericRelation(
        "django_agreements.Agreement", content_type_field="party_b_type", object_id_field="party_b_id"
    )
    versions_for = GenericRelation(
        "django_agreements.AgreementVersion",
        content_type_field="on_behalf_of_type",
        object_id_field="on_behalf_of_id",
    )

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    """A scope object whose live price changes; agreements must keep the price agreed."""

    code = models.CharField(max_length=20)
    monthly_fee = models.DecimalField(max_digits=10, decimal_places=2)

    def __str__(self) -> str:
        return self.code
