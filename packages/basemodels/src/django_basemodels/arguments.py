"""Argument guards every service calls before its first write, raising the caller's own exception.

One place for the checks each package used to repeat (a saved instance, a user, an aware datetime,
the shape of an idempotency key), so the message a caller reads is the same in every package.
Each guard returns the value it checked and raises ``error`` (the package's exception class, built
with one message argument) naming the argument.
"""

from __future__ import annotations

import datetime as dt
import functools
import warnings
from collections.abc import Callable
from typing import Any, Literal, TypeVar, overload

from django.db import models
from django.utils import timezone

IDEMPOTENCY_KEY_MAX_LENGTH = 255

F = TypeVar("F", bound=Callable[..., Any])
V = TypeVar("V")


def is_saved(value: Any) -> bool:
    """Whether ``value`` is a model instance that exists in the database (loaded or saved)."""
    return isinstance(value, models.Model) and value.pk is not None and not value._state.adding


def require_saved(
    value: V,
    *,
    name: str,
    error: type[Exception] = ValueError,
    model: type[models.Model] | tuple[type[models.Model], ...] | None = None,
    allow_none: bool = False,
) -> V:
    """``value`` when it is a saved model instance (of ``model`` when given), or ``None`` if allowed."""
    if value is None and allow_none:
        return value
    if not is_saved(value) or (model is not None and not isinstance(value, model)):
        wanted = _model_names(model) if model is not None else "model instance"
        raise error(f"{name} must be a saved {wanted}{' or None' if allow_none else ''}, not {value!r}.")
    return value


def require_user(value: V, *, name: str = "by", error: type[Exception] = ValueError, allow_none: bool = True) -> V:
    """``value`` when it is a saved instance of ``AUTH_USER_MODEL``; ``None`` (the system) when allowed."""
    from django.contrib.auth import get_user_model  # the user model needs the app registry

    return require_saved(value, name=name, error=error, model=get_user_model(), allow_none=allow_none)


@overload
def require_aware(
    value: Any,
    *,
    name: str,
    error: type[Exception] = ...,
    allow_none: Literal[False],
    not_in_future: bool = ...,
) -> dt.datetime: ...


@overload
def require_aware(
    value: Any,
    *,
    name: str,
    error: type[Exception] = ...,
    allow_none: bool = ...,
    not_in_future: bool = ...,
) -> dt.datetime | None: ...


def require_aware(
    value: Any,
    *,
    name: str,
    error: type[Exception] = ValueError,
    allow_none: bool = True,
    not_in_future: bool = False,
) -> dt.datetime | None:
    """``value`` when it is a timezone-aware ``datetime`` (not after now with ``not_in_future``).

    The message says exactly what to pass instead: for a naive datetime, the same wall-clock time made
    aware in the current time zone or in UTC; for a date, the start or the end of that day; for a time
    after now, one up to now or nothing (the time of recording).
    """
    if value is None and allow_none:
        return None
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        expected = f"{name} must be a timezone-aware datetime{' or None' if allow_none else ''}"
        hint = "django.utils.timezone.now() or a datetime with tzinfo"
        raise error(f"{expected} ({hint}), not {_what_to_pass_instead(value)}")
    if not_in_future:
        now = timezone.now()
        if value > now:
            raise error(
                f"{name} cannot be in the future ({value.isoformat()} is after now, {now.isoformat()}): pass a "
                f"time up to now, or leave {name} out for the time of recording."
            )
    return value


def _what_to_pass_instead(value: Any) -> str:
    zone = timezone.get_current_timezone_name()
    if isinstance(value, dt.datetime):
        return (
            f"the naive {value!r}: pass django.utils.timezone.make_aware({value!r}) for that time in the current "
            f"time zone ({zone}), or pass {value.replace(tzinfo=dt.timezone.utc)!r} for that time in UTC."
        )
    if isinstance(value, dt.date):
        start, end = dt.datetime.combine(value, dt.time()), dt.datetime.combine(value, dt.time.max)
        return (
            f"the date {value!r}: pass django.utils.timezone.make_aware({start!r}) for the start of that day or "
            f"django.utils.timezone.make_aware({end!r}) for the end of that day, in the current time zone ({zone})."
        )
    return f"{value!r}."


def require_idempotency_key(
    value: Any, *, error: type[Exception] = ValueError, name: str = "idempotency_key"
) -> str | None:
    """``value`` when it is ``None`` or a string of 1 to 255 characters (the width of every key column)."""
    if value is not None and (not isinstance(value, str) or not value or len(value) > IDEMPOTENCY_KEY_MAX_LENGTH):
        raise error(f"{name} must be None or a string of 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters, not {value!r}.")
    return value


def renamed_keywords(**new_names: str) -> Callable[[F], F]:
    """Accept the keyword names a function had before (``old="new"``) with a ``DeprecationWarning``.

    ``inspect.signature`` of the result shows only the new names; passing both names of one argument
    raises ``TypeError``::

        @renamed_keywords(user="by")
        def cancel_basket(basket, *, by=None): ...

        cancel_basket(basket, user=clerk)  # DeprecationWarning: pass by= instead of user=
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in new_names.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{func.__qualname__}() got both {old}= and {new}=; pass only {new}=.")
                    warnings.warn(
                        f"{func.__qualname__}({old}=...) is deprecated; pass {new}= instead.",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        wrapper.renamed_keywords = dict(new_names)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def _model_names(model: type[models.Model] | tuple[type[models.Model], ...]) -> str:
    models_ = model if isinstance(model, tuple) else (model,)
    return " or ".join(m.__name__ for m in models_)
