"""``@idempotent``: make a service function run at most once per idempotency key."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django_decisioning.canonical import request_fingerprint

F = TypeVar("F", bound=Callable[..., Any])
_DEFAULT: Any = object()


def idempotent(
    *,
    scope: str,
    key_from: Callable[..., str | None],
    fingerprint_from: Callable[..., Any] | None = None,
    ttl: dt.timedelta | None = _DEFAULT,
) -> Callable[[F], F]:
    """Decorate a function so that calls with the same key run it once (see ``run_idempotent``).

    ``key_from(*args, **kwargs)`` returns the idempotency key of a call, or ``None`` to run
    that call normally, without idempotency. ``fingerprint_from(*args, **kwargs)`` returns the
    payload whose canonical JSON identifies the request (default: all arguments, model
    instances counted by reference); a repeat with the same key and another payload raises
    ``IdempotencyConflictError``. ``ttl`` overrides ``DECISIONING_IDEMPOTENCY_TTL``.

    The first call returns what the function returns; a repeat returns the stored result
    (re-fetched instances or the JSON snapshot) without calling the function::

        @idempotent(scope="basket_commit", key_from=lambda basket, user: str(basket.pk))
        def commit_basket(basket, user): ...

    Raises ``TypeError`` when applied to a coroutine function (a transaction cannot span awaits).
    """
    if not isinstance(scope, str) or not scope:
        raise ValueError(f"scope must be a non-empty string, not {scope!r}.")

    def decorate(func: F) -> F:
        if inspect.iscoroutinefunction(func):
            raise TypeError(f"@idempotent cannot wrap the coroutine function {func.__qualname__}.")

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from django_decisioning.services import run_idempotent  # the models need the app registry

            key = key_from(*args, **kwargs)
            if key is None:
                return func(*args, **kwargs)
            payload = fingerprint_from(*args, **kwargs) if fingerprint_from else {"args": list(args), "kwargs": kwargs}
            options: dict[str, Any] = {} if ttl is _DEFAULT else {"ttl": ttl}
            return run_idempotent(
                scope=scope,
                key=key,
                func=func,
                args=args,
                kwargs=kwargs,
                fingerprint=request_fingerprint(payload),
                **options,
            )

        wrapper.idempotency_scope = scope  # type: ignore[attr-defined]
        return cast(F, wrapper)

    return decorate
