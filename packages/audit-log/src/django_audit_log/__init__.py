"""Append-only, tamper-evident audit log for Django.

The public API is importable from the package root (``from django_audit_log import log, log_event``);
the functions and classes below are imported on first use, so ``import django_audit_log`` works before
the app registry is ready. The model is ``django_audit_log.models.AuditLog``.
"""

from typing import TYPE_CHECKING

from django_audit_log.choices import Action, Sensitivity
from django_audit_log.exceptions import (
    AuditLogError,
    AuditLogImmutableError,
    InvalidAuditEntryError,
    InvalidAuditQueryError,
    TrackingConfigurationError,
)
from django_basemodels.exports import lazy_exports

if TYPE_CHECKING:
    from django_audit_log.chain import ChainProblem, ChainReport, verify_chain
    from django_audit_log.context import RequestContext, audit_context, backdate, current_context
    from django_audit_log.selectors import by_actor, for_object
    from django_audit_log.services import log, log_event
    from django_audit_log.tracking import register, registration_for, unregister

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "django_audit_log.services": ["log", "log_event"],
        "django_audit_log.selectors": ["by_actor", "for_object"],
        "django_audit_log.tracking": ["register", "registration_for", "unregister"],
        "django_audit_log.chain": ["ChainProblem", "ChainReport", "verify_chain"],
        "django_audit_log.context": ["RequestContext", "audit_context", "backdate", "current_context"],
    },
)

__all__ = [
    "Action",
    "AuditLogError",
    "AuditLogImmutableError",
    "ChainProblem",
    "ChainReport",
    "InvalidAuditEntryError",
    "InvalidAuditQueryError",
    "RequestContext",
    "Sensitivity",
    "TrackingConfigurationError",
    "audit_context",
    "backdate",
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
