"""The argument checks of the stock services, run before anything is read, and their idempotency payload.

The shared guards (a saved instance, a user, an aware datetime, a key's shape) are
``django_basemodels.arguments``'; what is stock's own (a reason, a permission, a location or lot
given as an instance or its key) is here. Every check raises ``InvalidMovementError`` or a more
specific ``StockError``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models, router

from django_basemodels.arguments import require_aware, require_idempotency_key, require_saved, require_user
from django_basemodels.fields import canonical_object_id
from django_basemodels.limits import text_within_limit
from django_stock import conf
from django_stock.exceptions import InvalidMovementError, StockPermissionDeniedError, UnknownObjectError
from django_stock.models import StockMovement


def database() -> str:
    """The database the services write to (movements, balances, lots and their decisions)."""
    return router.db_for_write(StockMovement)


def instance_key(value: Any, model: type[models.Model], error: type[UnknownObjectError]) -> uuid.UUID:
    """The primary key of ``value``, a saved ``model`` instance or its UUID (as ``UUID`` or text)."""
    if isinstance(value, model):
        if value._state.adding:
            raise error(f"{model.__name__} {value.pk} was never saved.", value=value)
        value = value.pk
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str):
        try:
            return uuid.UUID(value)
        except ValueError:
            pass
    raise error(f"{value!r} is not a {model.__name__} or the key of one.", value=value)


def check_reason(reason: Any, *, required: bool) -> str:
    if not isinstance(reason, str):
        raise InvalidMovementError(f"reason must be a string, not {type(reason).__name__}.")
    if required and not reason.strip():
        raise InvalidMovementError("A reason is required for this operation.")
    # Stored on append-only movements and in decisions: capped before anything is written.
    return text_within_limit(reason, name="reason", limit=conf.max_text_length(), error=InvalidMovementError)


def check_common(
    *,
    by: Any,
    idempotency_key: Any,
    reference: Any = None,
    on_behalf_of: Any = None,
    effective_at: Any = None,
) -> None:
    """The arguments every service shares: saved instances, a user or None, an aware past moment, a key's shape."""
    require_saved(reference, name="reference", error=InvalidMovementError, allow_none=True)
    require_saved(on_behalf_of, name="on_behalf_of", error=InvalidMovementError, allow_none=True)
    require_user(by, name="by", error=InvalidMovementError)
    # A future movement would already count in the balance row but not in balance(as_of=now).
    require_aware(effective_at, name="effective_at", error=InvalidMovementError, not_in_future=True)
    require_idempotency_key(idempotency_key, error=InvalidMovementError)


def check_permission(user: Any, permission: str | None, doing: str) -> None:
    """``user`` None is the system (trusted caller); a user needs ``permission`` unless it is None."""
    if user is None or permission is None:
        return
    if not user.has_perm(permission):
        raise StockPermissionDeniedError(f"{user} may not {doing}: the permission {permission} is required.")


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return {"model": value._meta.label_lower, "pk": canonical_object_id(value.pk)}
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


def request_payload(service: str, values: dict[str, Any]) -> dict[str, Any]:
    """What decides whether a repeat of ``service`` with the same key is the same request.

    Instances and their keys count alike (a location given as an instance or as its UUID is one
    request); the shape is the one keys were fingerprinted with before, so stored keys stay valid.
    """
    return {"service": service, **{name: _plain(value) for name, value in values.items()}}
