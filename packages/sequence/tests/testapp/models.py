"""Org-like models with the two kinds of primary key the org key must handle."""

import uuid

from django.db import models


class UuidOrg(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=50)


class IntOrg(models.Model):
    name = models.CharField(max_length=50)


class ProxyIntOrg(IntOrg):
    class Meta:
        proxy = True
