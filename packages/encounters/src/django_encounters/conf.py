"""Every setting django-encounters reads, with its default."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from django_basemodels.limits import DEFAULT_MAX_JSON_BYTES, DEFAULT_MAX_TEXT_LENGTH

DEFAULT_VALIDATORS: tuple[str, ...] = ()


def global_validator_paths() -> Any:
    """Dotted paths of validators run on every transition of every definition (``ENCOUNTERS_VALIDATORS``).

    They run before the definition's own ``validator_paths``. Returned as configured;
    ``checks.check_settings`` reports a value that is not a list of importable ``Validator`` paths.
    """
    return getattr(settings, "ENCOUNTERS_VALIDATORS", DEFAULT_VALIDATORS)


def max_json_bytes() -> Any:
    """The largest ``metadata`` of a transition, in bytes of its stored JSON (``ENCOUNTERS_MAX_JSON_BYTES``).

    Read at each call. Returned as configured; ``checks.check_settings`` reports a value that is
    not a positive integer.
    """
    return getattr(settings, "ENCOUNTERS_MAX_JSON_BYTES", DEFAULT_MAX_JSON_BYTES)


def max_text_length() -> Any:
    """The longest warning message a validator may have stored on a transition (``ENCOUNTERS_MAX_TEXT_LENGTH``).

    In characters. Read at each call. Returned as configured; ``checks.check_settings`` reports a
    value that is not a positive integer.
    """
    return getattr(settings, "ENCOUNTERS_MAX_TEXT_LENGTH", DEFAULT_MAX_TEXT_LENGTH)
