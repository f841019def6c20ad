"""Every setting django-agreements reads, with its default."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from django_basemodels.limits import DEFAULT_MAX_JSON_BYTES, DEFAULT_MAX_TEXT_LENGTH

DEFAULT_AUTHORITY_POLICY = "django_agreements.authority.agreed_by_or_permitted"


def authority_policy_path() -> Any:
    """Dotted path of the callable deciding who may amend or terminate (``AGREEMENTS_AUTHORITY_POLICY``).

    Read at each call, so ``override_settings`` works. Returned as configured;
    ``checks.check_settings`` reports a value that is not an importable callable's path.
    """
    return getattr(settings, "AGREEMENTS_AUTHORITY_POLICY", DEFAULT_AUTHORITY_POLICY)


def max_text_length() -> Any:
    """The longest ``reason`` of an amendment or termination, in characters (``AGREEMENTS_MAX_TEXT_LENGTH``).

    Read at each call. Returned as configured; ``checks.check_settings`` reports a value that is
    not a positive integer.
    """
    return getattr(settings, "AGREEMENTS_MAX_TEXT_LENGTH", DEFAULT_MAX_TEXT_LENGTH)


def max_json_bytes() -> Any:
    """The largest terms, in bytes of their stored JSON form (``AGREEMENTS_MAX_JSON_BYTES``).

    Read at each call. Returned as configured; ``checks.check_settings`` reports a value that is
    not a positive integer.
    """
    return getattr(settings, "AGREEMENTS_MAX_JSON_BYTES", DEFAULT_MAX_JSON_BYTES)
