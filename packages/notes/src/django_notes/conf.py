"""Every setting django-notes reads, with its default. ``checks.py`` reports bad values."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings

from django_basemodels.limits import DEFAULT_MAX_TEXT_LENGTH

HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")

INTERNAL = "internal"
EXTERNAL = "external"
VISIBILITIES = (INTERNAL, EXTERNAL)

DEFAULT_TAG_COLORS = (
    "#6b7280",  # grey
    "#ef4444",  # red
    "#f59e0b",  # amber
    "#10b981",  # green
    "#3b82f6",  # blue
    "#8b5cf6",  # violet
    "#ec4899",  # pink
    "#14b8a6",  # teal
)
# NOTES_MAX_LENGTH is this package's text limit (elsewhere <PREFIX>_MAX_TEXT_LENGTH), with the shared default.
DEFAULT_MAX_LENGTH = DEFAULT_MAX_TEXT_LENGTH
DEFAULT_VISIBILITY = INTERNAL


def tag_colors() -> Any:
    """``NOTES_TAG_COLORS``: the palette from which a new tag without a colour takes one."""
    return getattr(settings, "NOTES_TAG_COLORS", DEFAULT_TAG_COLORS)


def max_length() -> Any:
    """``NOTES_MAX_LENGTH``: the longest content a note may have, in characters (``None``: no limit)."""
    return getattr(settings, "NOTES_MAX_LENGTH", DEFAULT_MAX_LENGTH)


def default_visibility() -> Any:
    """``NOTES_DEFAULT_VISIBILITY``: the visibility of a note added without one."""
    return getattr(settings, "NOTES_DEFAULT_VISIBILITY", DEFAULT_VISIBILITY)


def is_hex_color(value: Any) -> bool:
    """Whether ``value`` is a ``#RRGGBB`` string (either case)."""
    return isinstance(value, str) and HEX_COLOR.fullmatch(value) is not None
