"""Every setting django-parties reads, with its default."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings

from django_basemodels.limits import DEFAULT_MAX_TEXT_LENGTH

#: The relationship type that makes a party a member of a group (from member, to group).
MEMBER = "member"

#: Read as "<from party> <label> <to party>": "Alice / Employee of / Acme".
DEFAULT_RELATIONSHIP_TYPES: tuple[tuple[str, str], ...] = (
    ("employee", "Employee of"),
    ("contractor", "Contractor for"),
    ("owner", "Owner of"),
    ("guardian", "Guardian of"),
    ("billing", "Billing party for"),
    ("emergency_contact", "Emergency contact of"),
    (MEMBER, "Member of"),
)


def relationship_types() -> Sequence[tuple[str, str]]:
    """The allowed relationship types as ``(value, label)`` pairs (``PARTIES_RELATIONSHIP_TYPES``).

    The setting replaces the default list; to extend it, write
    ``PARTIES_RELATIONSHIP_TYPES = [*DEFAULT_RELATIONSHIP_TYPES, ("vet", "Veterinarian of")]``.
    """
    return getattr(settings, "PARTIES_RELATIONSHIP_TYPES", DEFAULT_RELATIONSHIP_TYPES)


def relationship_type_values() -> frozenset[str]:
    """The values of ``relationship_types()``."""
    return frozenset(value for value, _label in relationship_types())


def max_text_length() -> Any:
    """``PARTIES_MAX_TEXT_LENGTH``: the longest free text the services store (a group's description), in characters.

    Names and the other text of parties have a bounded column; its ``max_length`` is their limit.
    """
    return getattr(settings, "PARTIES_MAX_TEXT_LENGTH", DEFAULT_MAX_TEXT_LENGTH)
