"""Three identical models, so that each audit tool tracks its own and neither pays for the other.

``Plain`` is tracked by nothing (the baseline save), ``Ours`` by ``django_audit_log.register()``,
``Peer`` by django-auditlog's ``auditlog.register()``.
"""

from django.db import models


class Fields(models.Model):
    name = models.CharField(max_length=100)
    email = models.CharField(max_length=100, blank=True)
    visits = models.IntegerField(default=0)
    balance = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Plain(Fields):
    """Not tracked: the baseline."""


class Ours(Fields):
    """Tracked by django_audit_log.register()."""


class Peer(Fields):
    """Tracked by django-auditlog (auditlog.registry.auditlog.register())."""
