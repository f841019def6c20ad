"""System checks for django-stock's settings (its database guarantees are checked by ``django_basemodels.E011``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from django_basemodels.checks import limit_setting_errors
from django_basemodels.limits import DEFAULT_MAX_TEXT_LENGTH
from django_stock import conf


def _permission_error(name: str, value: Any, default: str, check_id: str) -> list[checks.CheckMessage]:
    if value is None or (isinstance(value, str) and value.count(".") == 1 and all(value.split("."))):
        return []
    return [
        checks.Error(
            f"{name} = {value!r} must be a permission name 'app_label.codename' or None.",
            hint=f"For example {name} = {default!r} (the default); None disables the check.",
            id=check_id,
        )
    ]


@checks.register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    messages = _permission_error(
        "STOCK_REVERSE_PERMISSION", conf.reverse_permission(), conf.DEFAULT_REVERSE_PERMISSION, "django_stock.E001"
    )
    messages += _permission_error(
        "STOCK_RECALL_PERMISSION", conf.recall_permission(), conf.DEFAULT_RECALL_PERMISSION, "django_stock.E002"
    )
    # E004 (a database vendor without trigger SQL, now django_basemodels.E010) is not reused.
    messages += _permission_error(
        "STOCK_BLOCK_PERMISSION", conf.block_permission(), conf.DEFAULT_BLOCK_PERMISSION, "django_stock.E006"
    )
    days = conf.expiry_warning_days()
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        messages.append(
            checks.Error(
                f"STOCK_EXPIRY_WARNING_DAYS = {days!r} must be an int >= 0.",
                hint="For example STOCK_EXPIRY_WARNING_DAYS = 30.",
                id="django_stock.E003",
            )
        )
    messages += limit_setting_errors(
        "STOCK_MAX_TEXT_LENGTH", conf.max_text_length(), default=DEFAULT_MAX_TEXT_LENGTH, id="django_stock.E005"
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
