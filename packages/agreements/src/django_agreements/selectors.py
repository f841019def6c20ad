"""Reads: the terms in force at any time (as known at any time), and agreements by party.

``terms_as_of`` and ``version_as_of`` read the append-only ``AgreementVersion`` rows only, never
the ``Agreement`` row (whose ``valid_to`` changes on termination) nor the parties or scope
objects: what they answer about a past moment cannot be changed by later edits of live data.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from django_agreements.exceptions import (
    AgreementExpiredError,
    AgreementTerminatedError,
    InvalidAgreementError,
    TermsNotInForceError,
)
from django_agreements.models import Agreement, AgreementVersion
from django_agreements.querysets import AgreementQuerySet
from django_basemodels.arguments import is_saved, require_aware, require_saved

Kind = AgreementVersion.Kind


def version_as_of(
    agreement: Agreement | uuid.UUID | str, when: dt.datetime, *, known_at: dt.datetime | None = None
) -> AgreementVersion | None:
    """The version whose terms are in force at ``when``, or ``None`` when no terms are.

    In force: among the versions effective at or before ``when`` (and, with ``known_at``,
    recorded at or before ``known_at``), the one with the latest ``effective_at``, the higher
    version number winning a tie. ``None`` before the agreement takes effect, when nothing about
    it was recorded yet at ``known_at``, at or after a termination's ``effective_at``, and at or
    after the end of a fixed term. ``agreement`` is an ``Agreement`` or its primary key.

    Raises ``InvalidAgreementError`` for naive datetimes or an agreement that does not exist.
    """
    version, _ = _resolve(agreement, when, known_at)
    return version


def terms_as_of(
    agreement: Agreement | uuid.UUID | str, when: dt.datetime, *, known_at: dt.datetime | None = None
) -> dict[str, Any]:
    """The terms in force at business time ``when`` (as the system knew them at ``known_at``, if given).

    Returns a new dict with the Python types the terms were given with (``Decimal`` and ``Money``
    exact, dates). The version in force is chosen as ``version_as_of`` does; ``known_at`` answers
    the bitemporal question: a backdated amendment recorded after ``known_at`` is not seen.

    Raises ``AgreementTerminatedError`` at or after a termination's ``effective_at``,
    ``AgreementExpiredError`` at or after the end of a fixed term, ``TermsNotInForceError`` (their base
    class) before the agreement takes effect or when nothing was known yet at ``known_at``, and
    ``InvalidAgreementError`` for naive datetimes or an agreement that does not exist.
    """
    version, refusal = _resolve(agreement, when, known_at)
    if version is None:
        raise refusal  # type: ignore[misc]
    return version.decoded_terms


def current_terms(agreement: Agreement | uuid.UUID | str) -> dict[str, Any]:
    """``terms_as_of(agreement, timezone.now())``: the terms in force now, as known now."""
    return terms_as_of(agreement, timezone.now())


def agreements_between(
    party: models.Model, other: models.Model, *, as_of: dt.datetime | None = None, scope_type: str | None = None
) -> AgreementQuerySet:
    """Agreements between ``party`` and ``other``, whichever side each is on, oldest start first.

    All of them by default; with ``as_of``, those valid at that time (``valid_from <= as_of <
    valid_to``, by the agreements' current validity); with ``scope_type``, of that type only.
    Raises ``InvalidAgreementError`` for an unsaved party or a naive ``as_of``.
    """
    require_saved(party, name="party", error=InvalidAgreementError)
    require_saved(other, name="other", error=InvalidAgreementError)
    queryset = Agreement.objects.between(party, other)
    if as_of is not None:
        queryset = queryset.as_of(require_aware(as_of, name="as_of", error=InvalidAgreementError, allow_none=False))
    if scope_type is not None:
        queryset = queryset.of_scope(scope_type)
    return queryset.order_by("valid_from", "id")


def current_agreements_for(party: models.Model, *, scope_type: str | None = None) -> AgreementQuerySet:
    """Agreements valid now (``Agreement.objects.current()``) in which ``party`` is either side, oldest first.

    Raises ``InvalidAgreementError`` for an unsaved party.
    """
    require_saved(party, name="party", error=InvalidAgreementError)
    queryset = Agreement.objects.current().for_party(party)
    if scope_type is not None:
        queryset = queryset.of_scope(scope_type)
    return queryset.order_by("valid_from", "id")


def _resolve(
    agreement: Agreement | uuid.UUID | str, when: dt.datetime, known_at: dt.datetime | None
) -> tuple[AgreementVersion | None, TermsNotInForceError | None]:
    pk = _agreement_pk(agreement)
    when = require_aware(when, name="when", error=InvalidAgreementError, allow_none=False)
    if known_at is not None:
        known_at = require_aware(known_at, name="known_at", error=InvalidAgreementError, allow_none=False)
    candidates = AgreementVersion.objects.filter(agreement_id=pk).as_of(when, known_at=known_at)
    # A termination in effect wins over every version, even one effective later than it.
    termination_first = Case(When(kind=Kind.TERMINATION, then=Value(0)), default=Value(1), output_field=IntegerField())
    governing = candidates.order_by(termination_first, "-effective_at", "-version").first()
    known = f" as known at {known_at.isoformat()}" if known_at is not None else ""
    if governing is None:
        if not Agreement.objects.filter(pk=pk).exists():
            raise InvalidAgreementError(f"Agreement {pk} does not exist.")
        return None, TermsNotInForceError(f"No terms of agreement {pk} are in force at {when.isoformat()}{known}.")
    if governing.kind == Kind.TERMINATION:
        return None, AgreementTerminatedError(
            f"Agreement {pk} was terminated with effect from {governing.effective_at.isoformat()}{known}.",
            terminated_at=governing.effective_at,
        )
    if governing.ends_at is not None and when >= governing.ends_at:
        return None, AgreementExpiredError(
            f"Agreement {pk} ended at {governing.ends_at.isoformat()} (its fixed term){known}.",
            ended_at=governing.ends_at,
        )
    return governing, None


def _agreement_pk(agreement: Any) -> uuid.UUID:
    if isinstance(agreement, Agreement):
        if not is_saved(agreement):
            raise InvalidAgreementError("agreement must be saved.")
        return agreement.pk
    try:
        return agreement if isinstance(agreement, uuid.UUID) else uuid.UUID(str(agreement))
    except ValueError:
        raise InvalidAgreementError(f"agreement must be an Agreement or its primary key, not {agreement!r}.")
