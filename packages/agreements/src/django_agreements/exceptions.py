"""Exceptions of django-agreements: one base class, ``AgreementsError``, and typed subclasses."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied


class AgreementsError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidAgreementError(AgreementsError, ValueError):
    """A service or selector was given an argument it cannot accept; nothing was written.

    For example an unsaved party, the same party on both sides, an empty reason, a naive datetime,
    or an ``effective_at`` outside the agreement's validity period.
    """


class InvalidTermsError(InvalidAgreementError):
    """The terms have no exact JSON form (a set, an object, a non-string key, a naive datetime...).

    ``path`` names the offending item, e.g. ``terms.plan.features[2]``.
    """

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message)
        self.path = path


class FloatInTermsError(InvalidTermsError, TypeError):
    """A float was found in the terms: floats are inexact, so they are refused wherever they are nested."""

    def __init__(self, *, path: str, value: float) -> None:
        super().__init__(
            f"{path} is a float ({value!r}), which is inexact: pass a Decimal or a string, "
            f"such as Decimal({str(value)!r}) or {str(value)!r}.",
            path=path,
        )
        self.value = value


class NotAuthorizedError(AgreementsError, PermissionDenied):
    """The authority policy (``AGREEMENTS_AUTHORITY_POLICY``) refused the user; nothing was written.

    It is also a ``django.core.exceptions.PermissionDenied``, so a view that lets it through answers 403.
    """

    def __init__(self, message: str, *, user: object, action: str) -> None:
        super().__init__(message)
        self.user = user
        self.action = action


class TermsNotInForceError(AgreementsError):
    """No terms of the agreement are in force at the moment asked about.

    Raised by ``terms_as_of`` before the agreement takes effect, or when nothing about it was
    known yet at ``known_at``. The subclasses say why the agreement has ended.
    """


class AgreementTerminatedError(TermsNotInForceError):
    """The agreement was terminated: no terms at or after ``terminated_at``, and no more amendments.

    ``terminated_at`` is the business time the termination took effect (the agreement's ``valid_to``).
    """

    def __init__(self, message: str, *, terminated_at: dt.datetime) -> None:
        super().__init__(message)
        self.terminated_at = terminated_at


class AgreementExpiredError(TermsNotInForceError):
    """The agreement reached the end of its fixed term (``valid_to`` given at creation): ``ended_at``."""

    def __init__(self, message: str, *, ended_at: dt.datetime) -> None:
        super().__init__(message)
        self.ended_at = ended_at


class VersionImmutableError(AgreementsError):
    """Agreement versions are append-only facts: they are never updated or deleted."""


# The names before every exception ended in ``Error``, kept for one release.
InvalidAgreement = InvalidAgreementError
InvalidTerms = InvalidTermsError
FloatInTerms = FloatInTermsError
NotAuthorized = NotAuthorizedError
TermsNotInForce = TermsNotInForceError
AgreementTerminated = AgreementTerminatedError
AgreementExpired = AgreementExpiredError
VersionImmutable = VersionImmutableError
