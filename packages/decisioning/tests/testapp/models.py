"""Models the tests decide about: UUID-pk and integer-pk targets, a principal, facts and periods."""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models

from django_basemodels.models import BaseModel, UUIDModel
from django_decisioning.mixins import EffectiveDatedMixin, TimeSemanticsMixin
from django_decisioning.models import Decision


class Account(BaseModel):
    """A UUID-pk target (soft-deletable, like most models of the monorepo)."""

    name = models.CharField(max_length=50)
    decisions = GenericRelation(Decision, content_type_field="target_type", object_id_field="target_id")


class Ticket(models.Model):
    """An integer-pk target."""

    title = models.CharField(max_length=50)
    decisions = GenericRelation(Decision, content_type_field="target_type", object_id_field="target_id")


class Party(UUIDModel):
    """A principal a user can act for."""

    name = models.CharField(max_length=50)
    decisions_for = GenericRelation(Decision, content_type_field="on_behalf_of_type", object_id_field="on_behalf_of_id")


class Payment(TimeSemanticsMixin, UUIDModel):
    """A fact with business time and record time; the effect of idempotent calls in tests."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, null=True, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal")


class Receipt(models.Model):
    """An integer-pk effect."""

    number = models.CharField(max_length=20)


class Membership(EffectiveDatedMixin, models.Model):
    """A validity-period record."""

    member = models.CharField(max_length=50)


class Role(EffectiveDatedMixin, models.Model):
    """A validity-period record with its own Meta that keeps the mixin's constraint."""

    name = models.CharField(max_length=50)

    class Meta(EffectiveDatedMixin.Meta):
        ordering = ["name"]
