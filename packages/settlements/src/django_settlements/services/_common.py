"""What every service of the package shares: argument checks, the idempotency path and the decision it records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models, router
from django.utils import timezone

from django_basemodels.arguments import require_aware, require_idempotency_key, require_saved, require_user
from django_basemodels.fields import canonical_object_id, stamp_recorded_at
from django_basemodels.generic import generic_key_values
from django_basemodels.limits import text_within_limit
from django_basemodels.tenancy import InvalidOrgError, OrgLike, org_key
from django_decisioning.canonical import request_fingerprint
from django_decisioning.exceptions import IdempotencyConflictError
from django_decisioning.models import Decision
from django_decisioning.services import record_decision, run_once
from django_money import Money
from django_money.currencies import currency_exponent
from django_money.exceptions import MoneyError
from django_settlements import conf
from django_settlements.exceptions import (
    IdempotencyKeyReusedError,
    InvalidAmountError,
    InvalidSettlementError,
    ReversalNotPermittedError,
)
from django_settlements.models import DECIMAL_PLACES, MAX_DIGITS, RecordedFact

T = TypeVar("T")
F = TypeVar("F", bound=RecordedFact)

APP = "django_settlements"
LIMIT = Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES)


def scope_of(service: str) -> str:
    """The decision action and idempotency scope of ``service``: ``"django_settlements.<service>"``."""
    return f"{APP}.{service}"


def money(value: Any, *, what: str, allow_zero: bool = False) -> Money:
    """``value`` when it is a ``Money`` above zero (or zero, if allowed) in whole minor units that fits the columns.

    Raises ``InvalidAmountError`` otherwise: a Decimal, int or float is refused (say the currency), and so is a
    fraction of a minor unit (round it first: ``money.quantized()``).
    """
    if not isinstance(value, Money):
        raise InvalidAmountError(
            f"{what} must be a Money such as Money('19.99', 'EUR'), not {type(value).__name__}: "
            "amounts are never taken without their currency."
        )
    if value.amount < 0 or (value.is_zero() and not allow_zero):
        raise InvalidAmountError(f"{what} must be {'zero or more' if allow_zero else 'more than zero'}, not {value}.")
    try:
        value.minor_units()
    except MoneyError as exc:
        raise InvalidAmountError(f"{what} {value!r} holds a fraction of a minor unit: round it first.") from exc
    if currency_exponent(value.currency) > DECIMAL_PLACES:
        raise InvalidAmountError(
            f"{value.currency} has more than {DECIMAL_PLACES} decimal places: it cannot be stored."
        )
    if value.amount >= LIMIT:
        raise InvalidAmountError(f"{what} {value} has more than {MAX_DIGITS - DECIMAL_PLACES} integer digits.")
    return value.quantized()  # whole minor units, checked above: nothing is rounded away


def party(value: Any, *, name: str) -> models.Model:
    """``value`` when it is a saved model instance (any model); ``InvalidSettlementError`` otherwise."""
    return require_saved(value, name=name, error=InvalidSettlementError)


def same_party(first: models.Model, second: models.Model) -> bool:
    """Whether two instances are the same row (proxies of one model count as that model)."""
    return party_key(first) == party_key(second)


def party_key(instance: models.Model) -> tuple[str, str]:
    """The model and canonical key of ``instance``: what a generic key stores of it."""
    model = instance._meta.concrete_model or type(instance)
    return model._meta.label_lower, canonical_object_id(instance.pk)


def points_at(fact: models.Model, name: str, instance: models.Model) -> bool:
    """Whether the generic key ``name`` of ``fact`` points at ``instance`` (no query: content types are cached)."""
    values = generic_key_values(name, instance)
    return bool(
        getattr(fact, f"{name}_type_id") == values[f"{name}_type"].pk
        and getattr(fact, f"{name}_id") == values[f"{name}_id"]
    )


def party_label(instance: models.Model) -> dict[str, str]:
    """A snapshot of a party for evidence: its model, key and text as they are now."""
    label, key = party_key(instance)
    return {"model": label, "pk": key, "str": str(instance)[:200]}


def generic(name: str, instance: models.Model | None) -> dict[str, Any]:
    return generic_key_values(name, instance)


def text(value: Any, *, what: str, limit: int, required: bool = False) -> str:
    """``value`` stripped; ``InvalidSettlementError`` when not a string, empty (if ``required``) or too long."""
    if not isinstance(value, str):
        raise InvalidSettlementError(f"{what} must be a string, not {type(value).__name__}.")
    value = value.strip()
    if required and not value:
        raise InvalidSettlementError(f"{what} must not be empty: say why.")
    return text_within_limit(value, name=what, limit=limit, error=InvalidSettlementError)


def description(value: Any) -> str:
    return text(value, what="description", limit=255)


def reason(value: Any, *, required: bool) -> str:
    return text(value, what="reason", limit=conf.max_text_length(), required=required)


def when(value: Any, *, name: str = "effective_at") -> dt.datetime | None:
    return require_aware(value, name=name, error=InvalidSettlementError)


def day(value: Any, *, name: str) -> dt.date:
    """``value`` when it is a ``date`` (a ``datetime`` is refused: its day depends on a time zone)."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidSettlementError(f"{name} must be a date, not {type(value).__name__}.")
    return value


def organization(org: OrgLike) -> str:
    try:
        return org_key(org)
    except InvalidOrgError as exc:
        raise InvalidSettlementError(f"org: {exc}") from exc


def actors(by: Any, on_behalf_of: Any, idempotency_key: Any) -> tuple[Any, Any, str | None]:
    """The checked ``by`` (a saved user or ``None``), ``on_behalf_of`` (a saved instance or ``None``) and key."""
    user = require_user(by, error=InvalidSettlementError)
    require_saved(on_behalf_of, name="on_behalf_of", error=InvalidSettlementError, allow_none=True)
    key = require_idempotency_key(idempotency_key, error=InvalidSettlementError)
    return user, on_behalf_of, key


def require_permission(user: Any, permission: str | None, what: str, error: type[Exception]) -> None:
    """Refuse ``user`` (``error``) without ``permission``; ``None`` (the system) is never refused, and a
    ``permission`` of ``None`` refuses nobody."""
    if user is not None and permission is not None and not user.has_perm(permission):
        raise error(f"{user} lacks the permission {permission} to {what}.")


def require_reverse_permission(user: Any, what: str) -> None:
    """Refuse ``user`` (``ReversalNotPermittedError``) without ``SETTLEMENTS_REVERSE_PERMISSION``."""
    require_permission(user, conf.reverse_permission(), what, ReversalNotPermittedError)


def not_before(value: dt.datetime | None, earliest: dt.datetime, *, what: str) -> dt.datetime | None:
    """The ``effective_at`` of a fact that undoes one effective at ``earliest``: ``value`` when not before it; by
    default ``None`` (the record time, filled on insert), or ``earliest`` itself while that is still to come."""
    if value is None:
        return earliest if earliest > timezone.now() else None
    if value < earliest:
        raise InvalidSettlementError(
            f"effective_at {value.isoformat()} is before {earliest.isoformat()}, when the {what} took effect."
        )
    return value


def stamp(fact: RecordedFact) -> dt.datetime:
    """Give ``fact`` its record time now (and it as ``effective_at`` when that is empty); return the effective time."""
    stamp_recorded_at(fact)
    return fact.effective_at  # type: ignore[attr-defined]


def fingerprint(payload: Mapping[str, Any]) -> str:
    return request_fingerprint(payload)


def database() -> str:
    from django_settlements.models import Settlement

    return router.db_for_write(Settlement)


def stored(model: type[F], scope: str, key: str | None, fingerprint: str, using: str) -> F | None:
    """The fact ``model`` that ``scope`` wrote with ``key`` when this request repeats it, else ``None``.

    Raises ``IdempotencyKeyReusedError`` when ``key`` wrote it for another request.
    """
    if key is None:
        return None
    fact = model._base_manager.using(using).filter(idempotency_scope=scope, idempotency_key=key).first()
    if fact is None:
        return None
    if fact.request_fingerprint != fingerprint:
        raise key_reused(scope, key)
    return fact


def key_reused(scope: str, key: str) -> IdempotencyKeyReusedError:
    return IdempotencyKeyReusedError(
        f"Idempotency key {key!r} was already used for a different request of {scope}.", scope=scope, key=key
    )


def run_once_per_key(
    *,
    scope: str,
    key: str | None,
    func: Callable[[], T],
    payload: Mapping[str, Any],
    using: str,
    stored_as: type[RecordedFact] | None = None,
    fingerprint: str = "",
) -> T:
    """``run_once`` for a write of this package; a key reused for another request raises
    ``IdempotencyKeyReusedError`` (an ``IdempotencyConflictError``), whichever layer found it.

    ``stored_as`` is the model of the fact that stores the key (``keyed``): a retry after decisioning's key
    row expired finds the fact there (``stored``). Without it, a replay needs the key row."""

    def replay() -> Any:
        return stored(stored_as, scope, key, fingerprint, using) if stored_as is not None else None

    try:
        return run_once(scope=scope, idempotency_key=key, func=func, payload=payload, replay=replay, using=using)
    except IdempotencyKeyReusedError:
        raise
    except IdempotencyConflictError as exc:
        raise key_reused(scope, exc.key) from exc


def keyed(fact: F, *, scope: str, key: str | None, fingerprint: str, user: Any) -> F:
    """``fact`` with the key of the call that writes it and its user (``created_by``)."""
    fact.idempotency_scope = scope if key is not None else None
    fact.idempotency_key = key
    fact.request_fingerprint = fingerprint if key is not None else ""
    fact.created_by = user
    return fact


def decide(
    *,
    service: str,
    by: Any,
    on_behalf_of: Any,
    target: models.Model,
    outcome: str,
    evidence: Mapping[str, Any],
    effective_at: dt.datetime | None,
) -> Decision:
    """Record the ``Decision`` ``django_settlements.<service>`` about ``target``."""
    return record_decision(
        action=scope_of(service),
        by=by,
        on_behalf_of=on_behalf_of,
        target=target,
        outcome=outcome,
        evidence=evidence,
        effective_at=effective_at,
    )
