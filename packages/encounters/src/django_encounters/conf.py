"""Every setting django-encounters reads, with its default."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULT_VALIDATORS: tuple[str, ...] = ()


def global_validator_paths() -> Any:
    """Dotted paths of validators run on every transition of every definition (``ENCOUNTERS_VALIDATORS``).

    They run before the definition's own ``validator_paths``. Returned as configured;
    ``checks.check_settings`` reports a value that is not a list of importable ``Validator`` paths.
    """
    return getattr(settings, "ENCOUNTERS_VALIDATORS", DEFAULT_VALIDATORS)
