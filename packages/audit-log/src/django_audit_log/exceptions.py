"""Exceptions raised by django-audit-log: one base class, one subclass per kind of mistake."""


class AuditLogError(Exception):
    """Base class of every error this package raises."""


class AuditLogImmutableError(AuditLogError):
    """An audit entry was about to be changed or deleted: entries are append-only."""


class InvalidAuditEntryError(AuditLogError):
    """``log()`` or ``log_event()`` was given an argument that cannot make a valid entry."""


class TrackingConfigurationError(AuditLogError):
    """``register()`` or ``unregister()`` was called with a model or options that cannot be tracked."""


class InvalidAuditQueryError(AuditLogError, ValueError):
    """A read path (``as_of()``, ``known_at()``, ``for_object()``) was given an argument it cannot filter by.

    Also a ``ValueError``, which the read paths raised before and django-decisioning's ``as_of()`` raises.
    """
