"""Every setting the API reads, with its default (the values come from the environment in settings.py)."""

from __future__ import annotations

from django.conf import settings

DEFAULT_MAX_PAGE_SIZE = 200
DEFAULT_MAX_TEXT_LENGTH = 10_000
DEFAULT_MAX_JSON_DEPTH = 20


def max_page_size() -> int:
    """The largest ``?limit=`` a list accepts (``API_MAX_PAGE_SIZE``)."""
    return getattr(settings, "API_MAX_PAGE_SIZE", DEFAULT_MAX_PAGE_SIZE)


def max_text_length() -> int:
    """The longest free text (a note, a description, a reason) the API accepts (``API_MAX_TEXT_LENGTH``)."""
    return getattr(settings, "API_MAX_TEXT_LENGTH", DEFAULT_MAX_TEXT_LENGTH)


def max_json_depth() -> int:
    """How deeply a JSON body may nest (``API_MAX_JSON_DEPTH``); deeper bodies are a 400."""
    return getattr(settings, "API_MAX_JSON_DEPTH", DEFAULT_MAX_JSON_DEPTH)
