"""Write paths: create an agreement, amend it (a new version), terminate it.

Each service validates its arguments and the caller's authority before writing, runs in
``transaction.atomic()``, records a ``django_decisioning.Decision`` (actor and on-behalf-of) with
the version it writes, raises ``django_agreements.exceptions`` types, and is idempotent when given
an ``idempotency_key`` (through ``django_decisioning.services.run_once``, one scope per service).
Decisions and idempotency scopes are named ``"django_agreements.<service>"``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import models, router, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from django_agreements import conf
from django_agreements.authority import AMEND, TERMINATE, authorize
from django_agreements.exceptions import AgreementExpiredError, AgreementTerminatedError, InvalidAgreementError
from django_agreements.models import Agreement, AgreementVersion
from django_agreements.terms import encode_terms
from django_basemodels.arguments import require_aware, require_idempotency_key, require_saved, require_user
from django_basemodels.generic import generic_key_values
from django_basemodels.limits import json_within_limit, text_within_limit
from django_decisioning import InvalidDecisionError
from django_decisioning.services import record_decision, run_once

_NOT_GIVEN: Any = object()  # the default of a required by=, so that leaving it out gets a message of ours

CREATE_SCOPE = "django_agreements.create_agreement"
AMEND_SCOPE = "django_agreements.amend_agreement"
TERMINATE_SCOPE = "django_agreements.terminate_agreement"

CREATE_ACTION = "django_agreements.create_agreement"
AMEND_ACTION = "django_agreements.amend_agreement"
TERMINATE_ACTION = "django_agreements.terminate_agreement"

Kind = AgreementVersion.Kind


def create_agreement(
    *,
    party_a: models.Model,
    party_b: models.Model,
    scope_type: str,
    terms: Mapping[str, Any],
    agreed_by: Any,
    scope_object: models.Model | None = None,
    on_behalf_of: models.Model | None = None,
    effective_at: dt.datetime | None = None,
    valid_to: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> Agreement:
    """Create an agreement between ``party_a`` and ``party_b`` with its original terms (version 1).

    ``party_a``/``party_b``: two different saved model instances of any models (UUID, integer or
    text keys). ``scope_type``: what kind of agreement (1 to 100 characters). ``terms``: a mapping
    as ``encode_terms`` accepts (``Decimal``, ``Money``, dates, nested lists and mappings; never a
    float), whose stored form is at most ``AGREEMENTS_MAX_JSON_BYTES``. ``agreed_by``: the saved
    user entering it, recorded as the decision's actor and the version's author;
    ``on_behalf_of``: the principal they act for (any saved instance but ``agreed_by`` itself).
    ``effective_at``: aware business time the agreement takes effect, default now; backdating and
    future starts are allowed. It becomes ``valid_from`` and the ``effective_at`` of version 1.
    ``valid_to``: optional aware end of a fixed term, after ``effective_at``.

    Writes, in one transaction: the ``Agreement``, a ``Decision`` (``django_agreements.create_agreement`` ->
    ``created``, target the agreement, evidence the terms snapshot) and ``AgreementVersion`` 1.
    With ``idempotency_key``, a repeat with the same arguments returns the agreement created the
    first time (re-fetched) and writes nothing; other arguments raise
    ``django_decisioning.IdempotencyConflictError``.

    Raises ``FloatInTermsError`` (a float anywhere in the terms; it names the path), ``InvalidTermsError``
    (another value without an exact form) and ``InvalidAgreementError`` (unsaved or identical parties,
    a bad ``scope_type``, ``agreed_by`` not a saved user, a bad principal, naive datetimes,
    ``valid_to`` not after ``effective_at``, stored terms larger than ``AGREEMENTS_MAX_JSON_BYTES``,
    or a decision evidence larger than ``DECISIONING_MAX_JSON_BYTES``); nothing is written.
    """
    require_saved(party_a, name="party_a", error=InvalidAgreementError)
    require_saved(party_b, name="party_b", error=InvalidAgreementError)
    if generic_key_values("party", party_a) == generic_key_values("party", party_b):
        raise InvalidAgreementError("party_a and party_b are the same; an agreement needs two different parties.")
    scope_type_field = Agreement._meta.get_field("scope_type")
    assert isinstance(scope_type_field, models.CharField) and scope_type_field.max_length is not None
    scope_type_length = scope_type_field.max_length
    text_within_limit(scope_type, name="scope_type", limit=scope_type_length, error=InvalidAgreementError)
    if not isinstance(scope_type, str) or not scope_type.strip():
        raise InvalidAgreementError(
            f"scope_type must be a non-empty string of at most {scope_type_length} characters, not {scope_type!r}."
        )
    require_saved(scope_object, name="scope_object", error=InvalidAgreementError, allow_none=True)
    require_user(agreed_by, name="agreed_by", error=InvalidAgreementError, allow_none=False)
    _require_principal(on_behalf_of, agreed_by)
    require_aware(effective_at, name="effective_at", error=InvalidAgreementError)
    require_aware(valid_to, name="valid_to", error=InvalidAgreementError)
    require_idempotency_key(idempotency_key, error=InvalidAgreementError)
    encoded = _encoded_terms(terms)
    if effective_at is not None:
        _require_end_after_start(valid_to, effective_at)
    using = router.db_for_write(Agreement)

    def create() -> Agreement:
        with transaction.atomic(using=using):
            # The default start is checked here, not above: a replay after the fixed term ended
            # must still return the stored agreement.
            start = effective_at if effective_at is not None else timezone.now()
            _require_end_after_start(valid_to, start)
            agreement = Agreement(
                scope_type=scope_type,
                agreed_by=agreed_by,
                effective_at=start,
                valid_from=start,
                valid_to=valid_to,
                **generic_key_values("party_a", party_a),
                **generic_key_values("party_b", party_b),
                **generic_key_values("scope_object", scope_object),
            )
            agreement.save(using=using)
            _write_version(
                agreement=agreement,
                number=1,
                kind=Kind.ORIGINAL,
                terms=encoded,
                ends_at=valid_to,
                reason="",
                author=agreed_by,
                on_behalf_of=on_behalf_of,
                effective_at=start,
                action=CREATE_ACTION,
                outcome="created",
                using=using,
            )
            return agreement

    payload = {
        "party_a": party_a,
        "party_b": party_b,
        "scope_type": scope_type,
        "scope_object": scope_object,
        "terms": encoded,
        "agreed_by": agreed_by,
        "on_behalf_of": on_behalf_of,
        "effective_at": effective_at,
        "valid_to": valid_to,
    }
    return run_once(scope=CREATE_SCOPE, idempotency_key=idempotency_key, func=create, payload=payload, using=using)


def amend_agreement(
    agreement: Agreement,
    *,
    new_terms: Mapping[str, Any],
    reason: str,
    by: Any = _NOT_GIVEN,
    on_behalf_of: models.Model | None = None,
    effective_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> AgreementVersion:
    """Give ``agreement`` new terms from ``effective_at`` on: a new version; earlier versions stay as they were.

    ``new_terms``: the complete new terms (not a patch), as ``create_agreement`` takes them.
    ``reason``: why (non-empty, at most ``AGREEMENTS_MAX_TEXT_LENGTH`` characters). ``by``: the
    saved user amending, who must be allowed by the authority policy
    (``AGREEMENTS_AUTHORITY_POLICY``; default: the agreement's ``agreed_by`` or a user with
    ``django_agreements.amend_agreement``). ``on_behalf_of``: the principal ``by`` acts for.
    ``effective_at``: aware business time the new terms take effect; default now (or the
    agreement's start, if it has not started yet). It may be backdated (a correction: the new
    terms then answer ``terms_as_of`` for that past time, from the moment it is recorded on) or in
    the future (a scheduled change), but not before the agreement took effect nor at or after the
    end of its fixed term.

    In one transaction: locks the agreement row (``SELECT ... FOR UPDATE`` on the server databases), numbers
    the version one more than the last (simultaneous amendments get consecutive numbers; a unique
    constraint backs it), records a ``Decision`` (``django_agreements.amend_agreement`` -> ``amended``, actor
    ``by``, on behalf of ``on_behalf_of``, evidence the new terms, reason and version) and writes
    the ``AgreementVersion``, which it returns. With ``idempotency_key``, a repeat with the same
    arguments returns the version written the first time and writes nothing.

    Raises ``NotAuthorizedError`` (the policy refused: nothing is written, not even an idempotency key),
    ``AgreementTerminatedError`` (a termination was recorded), ``AgreementExpiredError`` (``effective_at`` at
    or after the end of the fixed term), ``FloatInTermsError``/``InvalidTermsError`` (terms) and
    ``InvalidAgreementError`` (other arguments, among them a ``reason`` longer than
    ``AGREEMENTS_MAX_TEXT_LENGTH``, stored terms larger than ``AGREEMENTS_MAX_JSON_BYTES`` and a
    decision evidence larger than ``DECISIONING_MAX_JSON_BYTES``).
    """
    _require_by(by, "amend_agreement(agreement, new_terms={...}, reason=..., by=request.user)")
    current = _fresh_agreement(agreement)
    _require_reason(reason)
    require_user(by, name="by", error=InvalidAgreementError, allow_none=False)
    _require_principal(on_behalf_of, by)
    require_aware(effective_at, name="effective_at", error=InvalidAgreementError)
    require_idempotency_key(idempotency_key, error=InvalidAgreementError)
    encoded = _encoded_terms(new_terms)
    authorize(user=by, agreement=current, action=AMEND, on_behalf_of=on_behalf_of)
    using = router.db_for_write(AgreementVersion)

    def amend() -> AgreementVersion:
        with transaction.atomic(using=using):
            locked, last_number = _lock_open_agreement(current.pk, using)
            when = effective_at if effective_at is not None else max(timezone.now(), locked.valid_from)
            if when < locked.valid_from:
                raise InvalidAgreementError(
                    f"effective_at {when.isoformat()} is before agreement {locked.pk} took effect "
                    f"({locked.valid_from.isoformat()})."
                )
            _refuse_after_fixed_end(locked, when, "amended")
            return _write_version(
                agreement=locked,
                number=last_number + 1,
                kind=Kind.AMENDMENT,
                terms=encoded,
                ends_at=locked.valid_to,
                reason=reason,
                author=by,
                on_behalf_of=on_behalf_of,
                effective_at=when,
                action=AMEND_ACTION,
                outcome="amended",
                using=using,
            )

    payload = {
        "agreement": str(current.pk),
        "terms": encoded,
        "reason": reason,
        "by": by,
        "on_behalf_of": on_behalf_of,
        "effective_at": effective_at,
    }
    return run_once(scope=AMEND_SCOPE, idempotency_key=idempotency_key, func=amend, payload=payload, using=using)


def terminate_agreement(
    agreement: Agreement,
    *,
    reason: str,
    by: Any = _NOT_GIVEN,
    on_behalf_of: models.Model | None = None,
    effective_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> AgreementVersion:
    """End ``agreement`` at ``effective_at``: a termination version, and ``valid_to`` set to that time.

    ``reason``, ``by`` (allowed by the authority policy for ``"terminate"``; default: the
    agreement's ``agreed_by`` or a user with ``django_agreements.terminate_agreement``) and
    ``on_behalf_of`` as for ``amend_agreement``. ``effective_at``: aware business time the
    agreement ends, default now; after it took effect and before the end of its fixed term. It may
    be backdated, or in the future (a notice period: the terms stay in force until then).

    Earlier versions are untouched: ``terms_as_of`` a time before the termination still gives
    the terms of then; at or after it, it raises ``AgreementTerminatedError``. No amendment or second
    termination is accepted once a termination is recorded, even one that takes effect later.
    The ``agreement`` passed in gets the new ``valid_to``. In one transaction, under the row
    lock: a ``Decision`` (``django_agreements.terminate_agreement`` -> ``terminated``), the termination version
    (empty terms, ``ends_at`` = ``effective_at``), which it returns, and the agreement's
    ``valid_to``. With ``idempotency_key``, a repeat with the same arguments returns the
    termination version written the first time.

    Raises ``NotAuthorizedError`` (nothing written), ``AgreementTerminatedError`` (already terminated),
    ``AgreementExpiredError`` (``effective_at`` at or after the end of the fixed term) and
    ``InvalidAgreementError`` (``effective_at`` not after the start, a ``reason`` longer than
    ``AGREEMENTS_MAX_TEXT_LENGTH``, other bad arguments).
    """
    _require_by(by, "terminate_agreement(agreement, reason=..., by=request.user)")
    current = _fresh_agreement(agreement)
    _require_reason(reason)
    require_user(by, name="by", error=InvalidAgreementError, allow_none=False)
    _require_principal(on_behalf_of, by)
    require_aware(effective_at, name="effective_at", error=InvalidAgreementError)
    require_idempotency_key(idempotency_key, error=InvalidAgreementError)
    authorize(user=by, agreement=current, action=TERMINATE, on_behalf_of=on_behalf_of)
    using = router.db_for_write(AgreementVersion)

    def terminate() -> AgreementVersion:
        with transaction.atomic(using=using):
            locked, last_number = _lock_open_agreement(current.pk, using)
            when = effective_at if effective_at is not None else timezone.now()
            if when <= locked.valid_from:
                raise InvalidAgreementError(
                    f"effective_at {when.isoformat()} must be after agreement {locked.pk} took effect "
                    f"({locked.valid_from.isoformat()})."
                )
            _refuse_after_fixed_end(locked, when, "terminated")
            version = _write_version(
                agreement=locked,
                number=last_number + 1,
                kind=Kind.TERMINATION,
                terms={},
                ends_at=when,
                reason=reason,
                author=by,
                on_behalf_of=on_behalf_of,
                effective_at=when,
                action=TERMINATE_ACTION,
                outcome="terminated",
                using=using,
            )
            locked.valid_to = when
            locked.save(using=using, update_fields=["valid_to"])
            return version

    payload = {
        "agreement": str(current.pk),
        "reason": reason,
        "by": by,
        "on_behalf_of": on_behalf_of,
        "effective_at": effective_at,
    }
    version = run_once(
        scope=TERMINATE_SCOPE, idempotency_key=idempotency_key, func=terminate, payload=payload, using=using
    )
    agreement.valid_to = version.ends_at
    return version


def _write_version(
    *,
    agreement: Agreement,
    number: int,
    kind: str,
    terms: dict[str, Any],
    ends_at: dt.datetime | None,
    reason: str,
    author: Any,
    on_behalf_of: models.Model | None,
    effective_at: dt.datetime,
    action: str,
    outcome: str,
    using: str,
) -> AgreementVersion:
    try:
        decision = record_decision(
            action=action,
            by=author,
            outcome=outcome,
            target=agreement,
            on_behalf_of=on_behalf_of,
            evidence={
                "version": number,
                "kind": Kind(kind).value,
                "scope_type": agreement.scope_type,
                "terms": terms,
                "reason": reason,
                "effective_at": effective_at,
                "ends_at": ends_at,
            },
            effective_at=effective_at,
        )
    except InvalidDecisionError as exc:
        # Every argument was checked above; what is left is the evidence's size, which holds the
        # terms and the reason. The caller's transaction rolls back whatever was written before.
        raise InvalidAgreementError(
            f"The decision recorded with version {number} was refused: {exc} "
            "(its evidence holds the terms and the reason; see DECISIONING_MAX_JSON_BYTES)."
        ) from exc
    version = AgreementVersion(
        agreement=agreement,
        version=number,
        kind=Kind(kind).value,  # a plain str, as a re-fetched row has, not the enum member
        terms=terms,
        ends_at=ends_at,
        reason=reason,
        author=author,
        decision=decision,
        effective_at=effective_at,
        **generic_key_values("on_behalf_of", on_behalf_of),
    )
    version.save(using=using)
    return version


def _lock_open_agreement(pk: Any, using: str) -> tuple[Agreement, int]:
    """The agreement row under ``FOR UPDATE`` and its last version number; refuses a terminated agreement."""
    locked = Agreement.objects.using(using).select_for_update().get(pk=pk)
    summary = (
        AgreementVersion.objects.using(using)
        .filter(agreement_id=pk)
        .aggregate(last=Max("version"), terminations=Count("pk", filter=Q(kind=Kind.TERMINATION)))
    )
    if summary["terminations"]:
        terminated_at = locked.valid_to
        assert terminated_at is not None  # the termination set it, in the same transaction
        raise AgreementTerminatedError(
            f"Agreement {pk} was terminated with effect from {terminated_at.isoformat()}; "
            "it takes no more amendments or terminations.",
            terminated_at=terminated_at,
        )
    return locked, summary["last"]


def _refuse_after_fixed_end(locked: Agreement, when: dt.datetime, verb: str) -> None:
    if locked.valid_to is not None and when >= locked.valid_to:
        raise AgreementExpiredError(
            f"Agreement {locked.pk} ends at {locked.valid_to.isoformat()} (its fixed term); "
            f"it cannot be {verb} with effect from {when.isoformat()}.",
            ended_at=locked.valid_to,
        )


def _fresh_agreement(agreement: Any) -> Agreement:
    # The authority policy must judge the row as stored, not an instance the caller may have changed.
    require_saved(agreement, name="agreement", error=InvalidAgreementError, model=Agreement)
    try:
        return Agreement.objects.get(pk=agreement.pk)
    except Agreement.DoesNotExist:
        raise InvalidAgreementError(f"Agreement {agreement.pk} does not exist.")


def _require_end_after_start(valid_to: dt.datetime | None, start: dt.datetime) -> None:
    if valid_to is not None and valid_to <= start:
        raise InvalidAgreementError(
            f"valid_to {valid_to.isoformat()} must be after the agreement takes effect ({start.isoformat()})."
        )


def _require_principal(on_behalf_of: Any, actor: Any) -> None:
    if on_behalf_of is None:
        return
    require_saved(on_behalf_of, name="on_behalf_of", error=InvalidAgreementError)
    if on_behalf_of == actor:
        raise InvalidAgreementError("on_behalf_of is the acting user; leave it empty for a user acting for themself.")


def _require_by(by: Any, example: str) -> None:
    """``by`` is required, though it has a default: a call without it (as the roadmap's example writes
    ``amend_agreement``) gets an error that says what to pass, not Python's "missing argument"."""
    if by is _NOT_GIVEN:
        raise InvalidAgreementError(
            "by= is required: pass the saved user who takes this decision (it is recorded on the version's "
            f"Decision and checked by AGREEMENTS_AUTHORITY_POLICY), e.g. {example}; by=None is refused too."
        )


def _require_reason(reason: Any) -> None:
    # The length first: the message of an empty reason quotes it.
    text_within_limit(reason, name="reason", limit=conf.max_text_length(), error=InvalidAgreementError)
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidAgreementError(f"reason must be a non-empty string, not {reason!r}.")


def _encoded_terms(terms: Any) -> dict[str, Any]:
    """The stored form of ``terms``, refused when it is larger than ``AGREEMENTS_MAX_JSON_BYTES``."""
    encoded = encode_terms(terms)
    json_within_limit(encoded, name="terms", limit=conf.max_json_bytes(), error=InvalidAgreementError)
    return encoded
