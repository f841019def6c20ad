"""Write paths: start an encounter, move it to another state; and which moves are open to a user.

``create_encounter`` and ``transition`` validate their arguments before writing, run in
``transaction.atomic()``, raise ``django_encounters.exceptions`` types, and are idempotent when
given an ``idempotency_key`` (through ``django_decisioning.services.run_once``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, router, transaction
from django.utils import timezone

from django_basemodels import InvalidOrgError, OrgLike, org_key
from django_basemodels.arguments import require_aware, require_idempotency_key, require_saved, require_user
from django_basemodels.generic import generic_key_values
from django_basemodels.limits import json_within_limit, text_within_limit
from django_decisioning import UnsupportedValueError, to_json_value
from django_decisioning.services import run_once
from django_encounters import conf
from django_encounters.exceptions import (
    InvalidInputError,
    TransitionBlockedError,
    TransitionNotAllowedError,
    UnknownDefinitionError,
    ValidatorError,
)
from django_encounters.graph import STATE_MAX_LENGTH
from django_encounters.models import Encounter, EncounterDefinition, EncounterTransition
from django_encounters.selectors import _cross_org_error, _require_definition_of_org
from django_encounters.validators import Issue, ValidationResult, Validator, load_validator, messages_of

CREATE_SCOPE = "django_encounters.create_encounter"
TRANSITION_SCOPE = "django_encounters.transition"


@dataclass(frozen=True)
class TransitionResult:
    """What ``transition`` returns.

    ``encounter``: the encounter passed in, updated to its current row; ``transition``: the
    ``EncounterTransition`` written (or, on a replay, the one written the first time);
    ``warnings``: the soft warnings stored on it; ``replayed``: whether an idempotent repeat
    returned the first call's transition without applying anything.
    """

    encounter: Encounter
    transition: EncounterTransition
    warnings: tuple[Issue, ...]
    replayed: bool = False


def create_encounter(
    definition: str | EncounterDefinition,
    *,
    subject: models.Model,
    created_by: Any,
    started_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
    org: OrgLike = None,
) -> Encounter:
    """Start an encounter of ``definition`` (a key or an instance) about ``subject``, in its initial state.

    A key names the definition of ``org`` (default ``None``: the definition of no organization), never
    another organization's. With an instance, ``org`` (when not ``None``) must be the instance's
    organization. The encounter belongs to its definition's organization.

    ``subject`` is any saved model instance (UUID, integer or text primary key); ``created_by`` a
    saved user or ``None`` for the system; ``started_at`` the aware business time it began
    (default now; may be in the past, not in the future). The definition is read under a shared
    lock, so a concurrent definition edit cannot strand the new encounter.

    With ``idempotency_key``, a repeat with the same arguments returns the encounter created the
    first time (re-fetched) and creates nothing; other arguments raise
    ``django_decisioning.IdempotencyConflictError``.

    Raises ``UnknownDefinitionError`` for a key ``org`` has no definition of, ``CrossOrgDefinitionError``
    (an ``InvalidInputError``) for a definition of another organization than ``org``, and
    ``InvalidInputError`` for an unsaved subject, a ``created_by`` that is not a saved user, a naive or
    future ``started_at``, an ``org`` that names no organization, or an ``idempotency_key`` that is not
    a string of 1 to 255 characters. Nothing is written then.
    """
    require_saved(subject, name="subject", error=InvalidInputError)
    require_user(created_by, name="created_by", error=InvalidInputError)
    require_aware(started_at, name="started_at", error=InvalidInputError, not_in_future=True)
    require_idempotency_key(idempotency_key, error=InvalidInputError)
    definition_pk, expected_org_key = _definition_pk(definition, org)
    using = router.db_for_write(Encounter)

    def create() -> Encounter:
        with transaction.atomic(using=using):
            fresh = EncounterDefinition.locked_for_use(definition_pk, using)
            if expected_org_key is not None and fresh.org_key != expected_org_key:
                # Moved to another organization since it was looked up: refuse rather than start it there.
                raise _cross_org_error(fresh, expected_org_key)
            start = started_at or timezone.now()
            encounter = Encounter(
                definition=fresh,
                state=fresh.initial_state,
                initial_state=fresh.initial_state,
                started_at=start,
                state_since=start,
                created_by=created_by,
                **generic_key_values("subject", subject),
            )
            encounter.save(using=using)
            return encounter

    payload = {"definition": str(definition_pk), "subject": subject, "created_by": created_by, "started_at": started_at}
    return run_once(scope=CREATE_SCOPE, idempotency_key=idempotency_key, func=create, payload=payload, using=using)


def transition(
    encounter: Encounter,
    to_state: str,
    *,
    by_user: Any,
    metadata: Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
    effective_at: dt.datetime | None = None,
    on_behalf_of: models.Model | None = None,
) -> TransitionResult:
    """Move ``encounter`` to ``to_state``, or refuse and write nothing.

    In one transaction: locks the encounter row (``SELECT ... FOR UPDATE``), re-reads its state,
    checks that the definition has the edge and that the encounter has not ended, runs every
    validator (``ENCOUNTERS_VALIDATORS`` then the definition's ``validator_paths``), then writes an
    ``EncounterTransition`` (with the warnings) and updates the encounter's ``state``,
    ``state_since``, ``transition_count`` and, on a terminal state, ``ended_at``. Two simultaneous
    calls on one encounter are serialised by the lock: the second sees the state the first left.
    The ``encounter`` passed in is updated in place to the current row.

    ``by_user``: a saved user, or ``None`` for the system. ``metadata``: a mapping stored as JSON
    (``Decimal``, ``UUID``, aware datetimes converted as ``django_decisioning.to_json_value`` does;
    floats allowed), at most ``ENCOUNTERS_MAX_JSON_BYTES`` once converted. ``effective_at``: aware
    business time of the move (default now); not in the future, not before the current state
    began. ``on_behalf_of``: the principal ``by_user`` acts for (any saved instance other than
    ``by_user``). With ``idempotency_key`` the first call applies and a repeat with the same
    arguments returns the same transition (``replayed=True``) without applying anything; other
    arguments raise ``django_decisioning.IdempotencyConflictError``. A refused call releases its key:
    the same key may be retried once the cause is fixed.

    Raises ``TransitionNotAllowedError`` (no such edge from the current state, or the encounter has
    ended), ``TransitionBlockedError`` (carrying every blocking reason of every validator),
    ``ValidatorError`` (a validator path that does not load, a validator returning something else
    than a ``ValidationResult``, or a warning longer than ``ENCOUNTERS_MAX_TEXT_LENGTH``),
    ``InvalidInputError`` (bad arguments, among them metadata larger than ``ENCOUNTERS_MAX_JSON_BYTES``,
    a ``to_state`` longer than a state name may be, ``effective_at`` before the current state began,
    or an ``idempotency_key`` that is not a string of 1 to 255 characters).
    """
    require_saved(encounter, name="encounter", error=InvalidInputError, model=Encounter)
    text_within_limit(to_state, name="to_state", limit=STATE_MAX_LENGTH, error=InvalidInputError)
    if not isinstance(to_state, str) or not to_state:
        raise InvalidInputError(f"to_state must be a non-empty state name, not {to_state!r}.")
    require_user(by_user, name="by_user", error=InvalidInputError)
    require_saved(on_behalf_of, name="on_behalf_of", error=InvalidInputError, allow_none=True)
    if on_behalf_of is not None and by_user is not None and on_behalf_of == by_user:
        raise InvalidInputError("on_behalf_of is the acting user; leave it empty for a user acting for themself.")
    if metadata is not None and not isinstance(metadata, Mapping):
        raise InvalidInputError(f"metadata must be a mapping, not {type(metadata).__name__}.")
    try:
        stored_metadata = to_json_value(dict(metadata or {}), allow_floats=True, path="metadata")
    except UnsupportedValueError as exc:
        raise InvalidInputError(str(exc)) from exc
    json_within_limit(stored_metadata, name="metadata", limit=conf.max_json_bytes(), error=InvalidInputError)
    require_aware(effective_at, name="effective_at", error=InvalidInputError, not_in_future=True)
    require_idempotency_key(idempotency_key, error=InvalidInputError)
    using = router.db_for_write(EncounterTransition)
    applied: list[EncounterTransition] = []

    def apply() -> EncounterTransition:
        record = _apply_transition(
            encounter_pk=encounter.pk,
            to_state=to_state,
            by_user=by_user,
            metadata=stored_metadata,
            effective_at=effective_at,
            on_behalf_of=on_behalf_of,
            using=using,
        )
        applied.append(record)
        return record

    payload = {
        "encounter": encounter,
        "to_state": to_state,
        "by_user": by_user,
        "metadata": stored_metadata,
        "effective_at": effective_at,
        "on_behalf_of": on_behalf_of,
    }
    record = run_once(scope=TRANSITION_SCOPE, idempotency_key=idempotency_key, func=apply, payload=payload, using=using)
    current = record.encounter if applied else Encounter.objects.using(using).get(pk=record.encounter_id)
    _copy_current_state(current, encounter)
    record.encounter = encounter
    return TransitionResult(
        encounter=encounter, transition=record, warnings=record.warning_issues, replayed=not applied
    )


def get_allowed_transitions(encounter: Encounter, user: Any = None) -> list[str]:
    """The states ``encounter`` may move to from its current state, in the definition's order.

    Empty once the encounter has ended. Without ``user``: every edge of the definition. With
    ``user``: only the moves no validator's ``user_blocks`` objects to for that user (``validate``
    is not run: it needs the request's metadata, and the move may still be blocked by it).
    Computed from ``encounter`` as loaded, without writing or locking: ``transition`` re-checks
    everything under the row lock. Raises ``ValidatorError`` when a validator path does not load.
    """
    if encounter.ended_at is not None:
        return []
    from_state = encounter.state
    targets = encounter.definition.targets_from(from_state)
    if user is None:
        return targets
    validators = _validators_for(encounter.definition)
    return [
        to_state
        for to_state in targets
        if not any(
            _user_blocks(path, validator, encounter=encounter, from_state=from_state, to_state=to_state, user=user)
            for path, validator in validators
        )
    ]


def _apply_transition(
    *,
    encounter_pk: Any,
    to_state: str,
    by_user: Any,
    metadata: dict[str, Any],
    effective_at: dt.datetime | None,
    on_behalf_of: models.Model | None,
    using: str,
) -> EncounterTransition:
    with transaction.atomic(using=using):
        locked = Encounter.objects.using(using).select_for_update().get(pk=encounter_pk)
        definition = EncounterDefinition.locked_for_use(locked.definition_id, using)
        locked.definition = definition
        from_state = locked.state
        if locked.ended_at is not None:
            raise TransitionNotAllowedError(
                f"Encounter {locked.pk} ended in {from_state!r} at {locked.ended_at.isoformat()}; it cannot move.",
                encounter_id=locked.pk,
                from_state=from_state,
                to_state=to_state,
                allowed=(),
            )
        allowed = definition.targets_from(from_state)
        if to_state not in allowed:
            known = "" if to_state in definition.states else f" ({to_state!r} is not a state of {definition.key!r})"
            raise TransitionNotAllowedError(
                f"Encounter {locked.pk} cannot move from {from_state!r} to {to_state!r}{known}; "
                f"allowed: {', '.join(map(repr, allowed)) or 'none'}.",
                encounter_id=locked.pk,
                from_state=from_state,
                to_state=to_state,
                allowed=allowed,
            )
        if effective_at is not None and effective_at < locked.state_since:
            raise InvalidInputError(
                f"effective_at {effective_at.isoformat()} is before the current state {from_state!r} began "
                f"({locked.state_since.isoformat()})."
            )
        blocks: list[Issue] = []
        warnings: list[Issue] = []
        for path, validator in _validators_for(definition):
            context = {"encounter": locked, "from_state": from_state, "to_state": to_state, "user": by_user}
            blocks.extend(Issue(path, reason) for reason in _user_blocks(path, validator, **context))
            result = validator.validate(**context, metadata=metadata)
            if not isinstance(result, ValidationResult):
                raise ValidatorError(
                    f"validator {path!r} returned {type(result).__name__}, not a ValidationResult.", path=path
                )
            blocks.extend(Issue(path, reason) for reason in result.blocks)
            warnings.extend(Issue(path, message) for message in result.warnings)
        if blocks:
            raise TransitionBlockedError(
                encounter_id=locked.pk, from_state=from_state, to_state=to_state, reasons=blocks
            )
        # Only the warnings of a move that goes ahead are stored, so only those are measured.
        for warning in warnings:
            _require_storable_warning(warning)

        record = EncounterTransition(
            encounter=locked,
            sequence=locked.transition_count + 1,
            from_state=from_state,
            to_state=to_state,
            by_user=by_user,
            metadata=metadata,
            warnings=[warning.as_json() for warning in warnings],
            **generic_key_values("on_behalf_of", on_behalf_of),
        )
        if effective_at is not None:
            record.effective_at = effective_at
        record.save(using=using)
        locked.state = to_state
        locked.state_since = record.effective_at
        locked.transition_count = record.sequence
        if definition.is_terminal(to_state):
            locked.ended_at = record.effective_at
        locked.save(using=using, update_fields=["state", "state_since", "transition_count", "ended_at", "updated_at"])
        return record


def _require_storable_warning(warning: Issue) -> None:
    """Raise ``ValidatorError`` for a warning longer than ``ENCOUNTERS_MAX_TEXT_LENGTH``: it would be kept for good."""
    try:
        text_within_limit(
            warning.message, name=f"a warning of validator {warning.validator!r}", limit=conf.max_text_length()
        )
    except ValueError as exc:
        raise ValidatorError(str(exc), path=warning.validator) from exc


def _validators_for(definition: EncounterDefinition) -> list[tuple[str, Validator]]:
    paths: list[str] = []
    for path in [*conf.global_validator_paths(), *definition.validator_paths]:
        if path not in paths:
            paths.append(path)
    return [(path, load_validator(path)()) for path in paths]


def _user_blocks(path: str, validator: Validator, **context: Any) -> list[str]:
    reasons = validator.user_blocks(**context)
    try:
        return list(messages_of(reasons, "blocks"))
    except TypeError as exc:
        raise ValidatorError(f"validator {path!r} user_blocks(): {exc}", path=path) from exc


def _copy_current_state(source: Encounter, target: Encounter) -> None:
    for name in ("state", "state_since", "transition_count", "ended_at", "updated_at"):
        setattr(target, name, getattr(source, name))


def _definition_pk(definition: str | EncounterDefinition, org: OrgLike) -> tuple[Any, str | None]:
    """The pk of the definition to start, and the org key it must still have (``None``: any)."""
    try:
        wanted = org_key(org)
    except InvalidOrgError as exc:
        raise InvalidInputError(str(exc)) from exc
    if isinstance(definition, EncounterDefinition):
        require_saved(definition, name="definition", error=InvalidInputError)
        _require_definition_of_org(definition, org)
        return definition.pk, (None if org is None else wanted)
    if not isinstance(definition, str):
        raise InvalidInputError(f"definition must be a key or an EncounterDefinition, not {type(definition).__name__}.")
    pk = EncounterDefinition.objects.filter(org_key=wanted, key=definition).values_list("pk", flat=True).first()
    if pk is None:
        raise UnknownDefinitionError(definition, org_key=wanted)
    return pk, wanted
