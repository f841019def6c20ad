"""Argument checks shared by the selectors and services, run before any query."""

from __future__ import annotations

from typing import Any

from django_basemodels.arguments import require_saved
from django_modules import conf
from django_modules.exceptions import InvalidArgumentError


def check_org(org: Any) -> None:
    """Raise ``InvalidArgumentError`` unless ``org`` is a saved instance of ``MODULES_ORG_MODEL``."""
    require_saved(org, name="org", error=InvalidArgumentError, model=conf.get_org_model())


def check_key(key: Any) -> None:
    """Raise ``InvalidArgumentError`` unless ``key`` is a string (an empty one is simply an unknown module)."""
    if not isinstance(key, str):
        raise InvalidArgumentError(f"A module key is a string, not {type(key).__name__}.")
