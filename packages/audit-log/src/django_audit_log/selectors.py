"""Shortcuts to the read API: ``AuditLog.objects`` filtered, newest first, still chainable."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from django_audit_log.querysets import AuditLogQuerySet


def for_object(obj: models.Model) -> AuditLogQuerySet:
    """Entries about ``obj``, newest first (``.chronological()`` for oldest first)."""
    from django_audit_log.models import AuditLog

    return AuditLog.objects.for_object(obj)


def by_actor(user: Any) -> AuditLogQuerySet:
    """Entries whose actor is ``user`` (an instance or a primary key), newest first."""
    from django_audit_log.models import AuditLog

    return AuditLog.objects.by_actor(user)
