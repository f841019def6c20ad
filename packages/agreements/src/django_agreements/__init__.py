"""Versioned agreements between any two parties: append-only term snapshots with exact Decimal and Money.

Models need the app registry: import them from ``django_agreements.models``; writes from
``django_agreements.services``, reads from ``django_agreements.selectors``. What is below is safe
to import anywhere.
"""

from django_agreements.exceptions import (
    AgreementExpired,
    AgreementsError,
    AgreementTerminated,
    FloatInTerms,
    InvalidAgreement,
    InvalidTerms,
    NotAuthorized,
    TermsNotInForce,
    VersionImmutable,
)
from django_agreements.terms import decode_terms, encode_terms

__all__ = [
    "AgreementExpired",
    "AgreementTerminated",
    "AgreementsError",
    "FloatInTerms",
    "InvalidAgreement",
    "InvalidTerms",
    "NotAuthorized",
    "TermsNotInForce",
    "VersionImmutable",
    "decode_terms",
    "encode_terms",
]
