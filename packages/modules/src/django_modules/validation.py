"""Argument checks shared by the selectors and services, run before any query."""

from __future__ import annotations

from typing import Any

from django_modules import conf


def check_org(org: Any) -> None:
    """Raise ``TypeError`` unless ``org`` is an instance of ``MODULES_ORG_MODEL``; ``ValueError`` if unsaved."""
    org_model = conf.get_org_model()
    if not isinstance(org, org_model):
        raise TypeError(f"org must be an instance of {org_model._meta.label}, not {type(org).__name__}.")
    if org._state.adding:
        raise ValueError(f"org must be saved first: {org!r} has no row yet.")


def check_key(key: Any) -> None:
    """Raise ``TypeError`` unless ``key`` is a string (an empty one is simply an unknown module)."""
    if not isinstance(key, str):
        raise TypeError(f"A module key is a string, not {type(key).__name__}.")
