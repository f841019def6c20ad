"""Append-only, tamper-evident audit log for Django.

``from django_audit_log import log, log_event`` works before the app registry is ready: the
functions import the models when they are called. The model is ``django_audit_log.models.AuditLog``.
"""

from django_audit_log.chain import ChainProblem, ChainReport, verify_chain
from django_audit_log.choices import Action, Sensitivity
from django_audit_log.context import RequestContext, audit_context, current_context
from django_audit_log.exceptions import (
    AuditLogError,
    AuditLogImmutableError,
    InvalidAuditEntryError,
    TrackingConfigurationError,
)
from django_audit_log.selectors import by_actor, for_object
from django_audit_log.services import log, log_event
from django_audit_log.tracking import register, registration_for, unregister

__all__ = [
    "Action",
    "AuditLogError",
    "AuditLogImmutableError",
    "ChainProblem",
    "ChainReport",
    "InvalidAuditEntryError",
    "RequestContext",
    "Sensitivity",
    "TrackingConfigurationError",
    "audit_context",
    "by_actor",
    "current_context",
    "for_object",
    "log",
    "log_event",
    "register",
    "registration_for",
    "unregister",
    "verify_chain",
]
