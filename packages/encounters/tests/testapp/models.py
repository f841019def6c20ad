"""Subjects the tests attach encounters to: a UUID-pk asset and an integer-pk ticket, and a principal."""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models

from django_basemodels.models import BaseModel, UUIDModel


class Asset(BaseModel):
    """A UUID-pk subject (soft-deletable, like most models of the monorepo)."""

    name = models.CharField(max_length=50)
    encounters = GenericRelation(
        "django_encounters.Encounter", content_type_field="subject_type", object_id_field="subject_id"
    )

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    """An integer-pk subject."""

    title = models.CharField(max_length=50)
    encounters = GenericRelation(
        "django_encounters.Encounter", content_type_field="subject_type", object_id_field="subject_id"
    )

    def __str__(self) -> str:
        return self.title


class Clinic(UUIDModel):
    """A principal a user can act for."""

    name = models.CharField(max_length=50)
    transitions_for = GenericRelation(
        "django_encounters.EncounterTransition",
        content_type_field="on_behalf_of_type",
        object_id_field="on_behalf_of_id",
    )
