from decimal import Decimal

from django.db import models

from django_singleton.models import SingletonModel


class SiteSettings(SingletonModel):
    """Declares no Meta: it inherits SingletonModel's, constraint included."""

    site_name = models.CharField(max_length=100, default="My site")
    maintenance_mode = models.BooleanField(default=False)


class Warehouse(models.Model):
    name = models.CharField(max_length=50)

    def __str__(self) -> str:
        return self.name


class StoreSettings(SingletonModel):
    """Declares its own Meta without constraints, like the README's example: the metaclass adds the constraint."""

    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.00"))
    home_warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, null=True, blank=True)

    class Meta:
        verbose_name = "store settings"
        verbose_name_plural = "store settings"


class LegacySettings(SingletonModel):
    """A singleton whose table lacks the constraint (as a legacy table would): rogue rows can get in."""

    note = models.CharField(max_length=50, default="")

    class Meta:
        constraints: list[models.BaseConstraint] = []
