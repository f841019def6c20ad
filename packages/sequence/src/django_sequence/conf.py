"""Every setting django-sequence reads, with its default."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULT_TEMPLATE = "{prefix}{value:0{padding}d}"
DEFAULT_PADDING = 4
DEFAULT_DEFINITION_CACHE_TIMEOUT = 60.0


def require_definition() -> Any:
    """``SEQUENCE_REQUIRE_DEFINITION``: when true, a scope without a definition raises ``SequenceNotDefinedError``."""
    return getattr(settings, "SEQUENCE_REQUIRE_DEFINITION", False)


def default_template() -> Any:
    """``SEQUENCE_DEFAULT_TEMPLATE``: the template of scopes that have no definition."""
    return getattr(settings, "SEQUENCE_DEFAULT_TEMPLATE", DEFAULT_TEMPLATE)


def default_padding() -> Any:
    """``SEQUENCE_DEFAULT_PADDING``: the ``{padding}`` of scopes that have no definition."""
    return getattr(settings, "SEQUENCE_DEFAULT_PADDING", DEFAULT_PADDING)


def definition_cache_timeout() -> Any:
    """``SEQUENCE_DEFINITION_CACHE_TIMEOUT``: seconds a process keeps a scope's definition (0: no cache)."""
    return getattr(settings, "SEQUENCE_DEFINITION_CACHE_TIMEOUT", DEFAULT_DEFINITION_CACHE_TIMEOUT)


def prepared_statements() -> Any:
    """``SEQUENCE_PREPARED_STATEMENTS``: on PostgreSQL (psycopg 3), prepare the counter's upsert once per connection."""
    return getattr(settings, "SEQUENCE_PREPARED_STATEMENTS", True)
