"""The project side of the tests: an encounter model with a UUID key (CATALOG_ENCOUNTER_MODEL)."""

from django.db import models

from django_basemodels.models import UUIDModel


class Encounter(UUIDModel):
    """A visit: what baskets belong to."""

    patient = models.CharField(max_length=100)

    def __str__(self) -> str:
        return f"Encounter of {self.patient}"
