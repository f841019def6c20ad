"""The project side of the tests: organization models with a UUID key and with an integer key."""

from django.db import models

from django_basemodels.models import UUIDModel


class Org(UUIDModel):
    """An organization keyed by a UUID: MODULES_ORG_MODEL of tests/settings.py."""

    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class NumberedOrg(models.Model):
    """An organization keyed by an integer: MODULES_ORG_MODEL of tests/settings_integer_org.py."""

    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name
