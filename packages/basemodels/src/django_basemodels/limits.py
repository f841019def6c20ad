"""Length limits on what callers write into records: one guard, raising the caller's own exception.

Free text and JSON that enter an append-only record stay there for good, so every package caps them
before the first write, with a limit its settings can change.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

DEFAULT_MAX_TEXT_LENGTH = 10_000
DEFAULT_MAX_JSON_BYTES = 65_536


def text_within_limit(value: Any, *, name: str, limit: int, error: type[Exception] = ValueError) -> Any:
    """``value`` unchanged when it is not a string or has at most ``limit`` characters.

    Raises ``error`` (the caller's exception class, built with one message argument) naming ``name``
    and both lengths otherwise.
    """
    if isinstance(value, str) and len(value) > limit:
        raise error(f"{name} has {len(value):,} characters; at most {limit:,} are accepted")
    return value


def json_within_limit(value: Any, *, name: str, limit: int, error: type[Exception] = ValueError) -> Any:
    """``value`` unchanged when its JSON text, as ``JSONField`` writes it, has at most ``limit`` bytes.

    Raises ``error`` naming ``name`` and both sizes otherwise; a value JSON cannot encode is left to
    the caller's own validation.
    """
    if value is None:
        return value
    try:
        size = len(json.dumps(value, cls=DjangoJSONEncoder).encode())
    except (TypeError, ValueError):
        return value
    if size > limit:
        raise error(f"{name} is {size:,} bytes of JSON; at most {limit:,} are accepted")
    return value
