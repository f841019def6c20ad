"""Every setting django-agreements reads, with its default."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULT_AUTHORITY_POLICY = "django_agreements.authority.agreed_by_or_permitted"


def authority_policy_path() -> Any:
    """Dotted path of the callable deciding who may amend or terminate (``AGREEMENTS_AUTHORITY_POLICY``).

    Read at each call, so ``override_settings`` works. Returned as configured;
    ``checks.check_settings`` reports a value that is not an importable callable's path.
    """
    return getattr(settings, "AGREEMENTS_AUTHORITY_POLICY", DEFAULT_AUTHORITY_POLICY)
