"""System checks for django-stock's settings and databases."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.db import connections, router

from django_stock import conf

SUPPORTED_VENDORS = ("postgresql", "sqlite")


def _permission_error(name: str, value: Any, check_id: str) -> list[checks.CheckMessage]:
    if value is None or (isinstance(value, str) and value.count(".") == 1 and all(value.split("."))):
        return []
    return [
        checks.Error(
            f"{name} = {value!r} must be a permission name 'app_label.codename' or None.",
            hint=f"For example {name} = 'django_stock.reverse_stockmovement'; None disables the check.",
            id=check_id,
        )
    ]


@checks.register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    messages = _permission_error("STOCK_REVERSE_PERMISSION", conf.reverse_permission(), "django_stock.E001")
    messages += _permission_error("STOCK_RECALL_PERMISSION", conf.recall_permission(), "django_stock.E002")
    days = conf.expiry_warning_days()
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        messages.append(
            checks.Error(
                f"STOCK_EXPIRY_WARNING_DAYS = {days!r} must be an int >= 0.",
                hint="For example STOCK_EXPIRY_WARNING_DAYS = 30.",
                id="django_stock.E003",
            )
        )
    if not settings.USE_TZ:
        messages.append(
            checks.Warning(
                "USE_TZ is False: stock movements need timezone-aware effective_at and recorded_at.",
                hint="Set USE_TZ = True.",
                id="django_stock.W001",
            )
        )
    return messages


@checks.register()
def check_databases(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Balances are kept and movements guarded by triggers that exist for SQLite and PostgreSQL only."""
    from django_stock.models import StockMovement

    messages: list[checks.CheckMessage] = []
    for alias in connections:
        vendor = connections[alias].vendor
        if vendor not in SUPPORTED_VENDORS and router.allow_migrate_model(alias, StockMovement):
            messages.append(
                checks.Error(
                    f"Database {alias!r} ({vendor}) would hold django_stock's tables, but its triggers "
                    "(balances kept from movements, insert-only movements) exist for SQLite and PostgreSQL only.",
                    hint="Route django_stock to a SQLite or PostgreSQL database.",
                    id="django_stock.E004",
                )
            )
    return messages
