"""Every setting django-documents reads, with its default, and the rules a valid value follows.

The getters read the setting on every call (so ``override_settings`` applies) and raise
``ImproperlyConfigured`` for a value the system checks (``checks.py``) would report.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_STORAGE_ALIAS = "default"
DEFAULT_MAX_FILE_SIZE = 50 * 1024 * 1024
MAX_POLICY_NAME_LENGTH = 100

_TOKEN = r"[a-z0-9][a-z0-9!#$&^_.+-]*"
CONTENT_TYPE_PATTERN = re.compile(rf"{_TOKEN}/{_TOKEN}")
ALLOWED_ENTRY_PATTERN = re.compile(rf"{_TOKEN}/(?:{_TOKEN}|\*)")


def storage_alias_problem(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return f"DOCUMENTS_STORAGE = {value!r} is not the name of a storage."
    if value not in settings.STORAGES:
        return f"DOCUMENTS_STORAGE = {value!r} is not a key of STORAGES ({', '.join(settings.STORAGES) or 'empty'})."
    return None


def max_file_size_problem(value: Any) -> str | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0):
        return None
    return f"DOCUMENTS_MAX_FILE_SIZE = {value!r} is not a positive number of bytes (or None for no limit)."


def allowed_content_types_problem(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
        return f"DOCUMENTS_ALLOWED_CONTENT_TYPES = {value!r} is not a list of content types (or None for any)."
    bad = [entry for entry in value if not isinstance(entry, str) or not ALLOWED_ENTRY_PATTERN.fullmatch(entry.lower())]
    if bad:
        return (
            f"DOCUMENTS_ALLOWED_CONTENT_TYPES holds {', '.join(map(repr, bad))}: "
            "each entry is a 'type/subtype' or 'type/*' string."
        )
    return None


def retention_policies_problem(value: Any) -> str | None:
    if not isinstance(value, dict):
        return f"DOCUMENTS_RETENTION_POLICIES = {value!r} is not a dict of policy names to timedelta."
    for name, duration in value.items():
        if not isinstance(name, str) or not name or len(name) > MAX_POLICY_NAME_LENGTH:
            return (
                f"DOCUMENTS_RETENTION_POLICIES: the policy name {name!r} is not a non-empty string "
                f"of at most {MAX_POLICY_NAME_LENGTH} characters."
            )
        if not isinstance(duration, datetime.timedelta) or duration <= datetime.timedelta(0):
            return f"DOCUMENTS_RETENTION_POLICIES[{name!r}] = {duration!r} is not a positive timedelta."
    return None


def _valid(value: Any, problem: str | None) -> Any:
    if problem is not None:
        raise ImproperlyConfigured(problem)
    return value


def raw_storage_alias() -> Any:
    """``DOCUMENTS_STORAGE`` as set: the key of ``STORAGES`` holding the files (default ``"default"``)."""
    return getattr(settings, "DOCUMENTS_STORAGE", DEFAULT_STORAGE_ALIAS)


def raw_max_file_size() -> Any:
    """``DOCUMENTS_MAX_FILE_SIZE`` as set: the largest file accepted in bytes, ``None``: no limit (default 50 MiB)."""
    return getattr(settings, "DOCUMENTS_MAX_FILE_SIZE", DEFAULT_MAX_FILE_SIZE)


def raw_allowed_content_types() -> Any:
    """``DOCUMENTS_ALLOWED_CONTENT_TYPES`` as set: ``"type/subtype"`` or ``"type/*"`` entries, ``None`` for any."""
    return getattr(settings, "DOCUMENTS_ALLOWED_CONTENT_TYPES", None)


def raw_retention_policies() -> Any:
    """``DOCUMENTS_RETENTION_POLICIES`` as set: policy name to ``timedelta`` (default none)."""
    return getattr(settings, "DOCUMENTS_RETENTION_POLICIES", {})


def storage_alias() -> str:
    """The validated ``DOCUMENTS_STORAGE``."""
    value = raw_storage_alias()
    return _valid(value, storage_alias_problem(value))


def max_file_size() -> int | None:
    """The validated ``DOCUMENTS_MAX_FILE_SIZE``."""
    value = raw_max_file_size()
    return _valid(value, max_file_size_problem(value))


def allowed_content_types() -> tuple[str, ...] | None:
    """The validated ``DOCUMENTS_ALLOWED_CONTENT_TYPES``, lowercased, or ``None`` when any type is allowed."""
    value = raw_allowed_content_types()
    _valid(value, allowed_content_types_problem(value))
    return None if value is None else tuple(entry.lower() for entry in value)


def retention_policies() -> dict[str, datetime.timedelta]:
    """The validated ``DOCUMENTS_RETENTION_POLICIES``."""
    value = raw_retention_policies()
    return _valid(value, retention_policies_problem(value))
