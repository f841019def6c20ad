"""Every setting django-stock reads, with its default."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from django_basemodels.limits import DEFAULT_MAX_TEXT_LENGTH

DEFAULT_REVERSE_PERMISSION = "django_stock.reverse_stockmovement"
DEFAULT_RECALL_PERMISSION = "django_stock.recall_lot"
DEFAULT_BLOCK_PERMISSION = "django_stock.block_lot"
DEFAULT_EXPIRY_WARNING_DAYS = 30


def reverse_permission() -> Any:
    """Permission a user needs to reverse a movement (``STOCK_REVERSE_PERMISSION``; ``None``: no check)."""
    return getattr(settings, "STOCK_REVERSE_PERMISSION", DEFAULT_REVERSE_PERMISSION)


def recall_permission() -> Any:
    """Permission a user needs to recall a lot (``STOCK_RECALL_PERMISSION``; ``None``: no check)."""
    return getattr(settings, "STOCK_RECALL_PERMISSION", DEFAULT_RECALL_PERMISSION)


def block_permission() -> Any:
    """Permission a user needs to block or unblock a lot or an item (``STOCK_BLOCK_PERMISSION``; ``None``: no check)."""
    return getattr(settings, "STOCK_BLOCK_PERMISSION", DEFAULT_BLOCK_PERMISSION)


def expiry_warning_days() -> Any:
    """Days before expiry from which the admin shows a lot in red (``STOCK_EXPIRY_WARNING_DAYS``)."""
    return getattr(settings, "STOCK_EXPIRY_WARNING_DAYS", DEFAULT_EXPIRY_WARNING_DAYS)


def max_text_length() -> Any:
    """The most characters a caller's ``reason`` may have (``STOCK_MAX_TEXT_LENGTH``, default 10,000).

    Movements are never changed or deleted, and status changes are recorded as decisions, so a
    reason stays for good.
    """
    return getattr(settings, "STOCK_MAX_TEXT_LENGTH", DEFAULT_MAX_TEXT_LENGTH)
