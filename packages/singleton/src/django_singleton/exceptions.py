"""The exceptions of django-singleton: one base class and a subclass per broken promise."""


class SingletonError(Exception):
    """Base class of every error this package raises."""


class SingletonDeletionError(SingletonError):
    """Raised instead of deleting the one row of a ``SingletonModel``."""


class SingletonViolationError(SingletonError):
    """Raised when a read finds a row other than pk 1 in a singleton's table (its constraint is missing)."""


__all__ = ["SingletonDeletionError", "SingletonError", "SingletonViolationError"]
