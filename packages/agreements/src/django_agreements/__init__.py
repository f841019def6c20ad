"""Versioned agreements between any two parties: append-only term snapshots with exact Decimal and Money.

The services and selectors are importable from here (``from django_agreements import
create_agreement``); they are imported on first use, so ``import django_agreements`` works before
the app registry is ready (in ``settings.py``). Models stay in ``django_agreements.models``.
"""

from typing import TYPE_CHECKING

from django_agreements.exceptions import (
    AgreementExpired,
    AgreementExpiredError,
    AgreementsError,
    AgreementTerminated,
    AgreementTerminatedError,
    FloatInTerms,
    FloatInTermsError,
    InvalidAgreement,
    InvalidAgreementError,
    InvalidTerms,
    InvalidTermsError,
    NotAuthorized,
    NotAuthorizedError,
    TermsNotInForce,
    TermsNotInForceError,
    VersionImmutable,
    VersionImmutableError,
)
from django_agreements.terms import decode_terms, encode_terms
from django_basemodels.exports import lazy_exports

if TYPE_CHECKING:
    from django_agreements.selectors import (
        agreements_between,
        current_agreements_for,
        current_terms,
        terms_as_of,
        version_as_of,
    )
    from django_agreements.services import amend_agreement, create_agreement, terminate_agreement

_SERVICES = ["amend_agreement", "create_agreement", "terminate_agreement"]
_SELECTORS = ["agreements_between", "current_agreements_for", "current_terms", "terms_as_of", "version_as_of"]

__getattr__, __dir__ = lazy_exports(
    __name__, {"django_agreements.services": _SERVICES, "django_agreements.selectors": _SELECTORS}
)

__all__ = [
    "AgreementExpired",
    "AgreementExpiredError",
    "AgreementTerminated",
    "AgreementTerminatedError",
    "AgreementsError",
    "FloatInTerms",
    "FloatInTermsError",
    "InvalidAgreement",
    "InvalidAgreementError",
    "InvalidTerms",
    "InvalidTermsError",
    "NotAuthorized",
    "NotAuthorizedError",
    "TermsNotInForce",
    "TermsNotInForceError",
    "VersionImmutable",
    "VersionImmutableError",
    "agreements_between",
    "amend_agreement",
    "create_agreement",
    "current_agreements_for",
    "current_terms",
    "decode_terms",
    "encode_terms",
    "terminate_agreement",
    "terms_as_of",
    "version_as_of",
]
