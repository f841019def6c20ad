"""Every setting django-stock reads, with its default."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULT_REVERSE_PERMISSION = "django_stock.reverse_stockmovement"
DEFAULT_RECALL_PERMISSION = "django_stock.recall_lot"
DEFAULT_EXPIRY_WARNING_DAYS = 30


def reverse_permission() -> Any:
    """Permission a user needs to reverse a movement (``STOCK_REVERSE_PERMISSION``; ``None``: no check)."""
    return getattr(settings, "STOCK_REVERSE_PERMISSION", DEFAULT_REVERSE_PERMISSION)


def recall_permission() -> Any:
    """Permission a user needs to recall a lot (``STOCK_RECALL_PERMISSION``; ``None``: no check)."""
    return getattr(settings, "STOCK_RECALL_PERMISSION", DEFAULT_RECALL_PERMISSION)


def expiry_warning_days() -> Any:
    """Days before expiry from which the admin shows a lot in red (``STOCK_EXPIRY_WARNING_DAYS``)."""
    return getattr(settings, "STOCK_EXPIRY_WARNING_DAYS", DEFAULT_EXPIRY_WARNING_DAYS)
