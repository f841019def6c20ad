"""System checks for django-settlements: its settings, the time zone and the apps it needs.

The database guarantees are checked by django_basemodels (``check --database``: E010 for a vendor without their
SQL, E011 for a trigger missing, outdated or disabled).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks

from django_basemodels.checks import limit_setting_errors
from django_basemodels.limits import DEFAULT_MAX_TEXT_LENGTH
from django_settlements import conf
from django_settlements.exceptions import SettlementsConfigurationError

REQUIRED_APPS = ("django.contrib.contenttypes", "django.contrib.auth", "django_basemodels", "django_decisioning")


def _permission_errors(name: str, permission: Any, default: str, check: str) -> list[checks.CheckMessage]:
    if permission is None or (
        isinstance(permission, str) and permission.count(".") == 1 and all(permission.split("."))
    ):
        return []
    return [
        checks.Error(
            f"{name} = {permission!r} must be 'app_label.codename' or None.",
            hint=f"The default is {default!r}; None lets any user do it.",
            id=f"django_settlements.{check}",
        )
    ]


@checks.register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    messages: list[checks.CheckMessage] = []
    messages += _permission_errors(
        "SETTLEMENTS_REVERSE_PERMISSION", conf.reverse_permission(), conf.DEFAULT_REVERSE_PERMISSION, "E001"
    )
    messages += _permission_errors(
        "SETTLEMENTS_CREDIT_LIMIT_PERMISSION",
        conf.credit_limit_permission(),
        conf.DEFAULT_CREDIT_LIMIT_PERMISSION,
        "E005",
    )
    if conf.budget_debtor() is not None:
        from django_settlements.selectors import budget_debtor_function  # lazy: the selectors need the models

        try:
            budget_debtor_function()
        except SettlementsConfigurationError as exc:
            messages.append(
                checks.Error(
                    str(exc),
                    hint="The dotted path of debtor(budget) -> party, or None for the budget itself.",
                    id="django_settlements.E002",
                )
            )
    messages += limit_setting_errors(
        "SETTLEMENTS_MAX_TEXT_LENGTH",
        conf.max_text_length(),
        default=DEFAULT_MAX_TEXT_LENGTH,
        id="django_settlements.E003",
    )
    for app in REQUIRED_APPS:
        if not apps.is_installed(app):
            messages.append(
                checks.Error(
                    f"django_settlements needs {app!r} in INSTALLED_APPS.",
                    hint="Parties are generic keys (contenttypes); decisions and idempotency keys are recorded by "
                    "django_decisioning, whose decisions point at users; django_basemodels installs and checks "
                    "the database guarantees.",
                    id="django_settlements.E004",
                )
            )
    if not settings.USE_TZ:
        messages.append(
            checks.Warning(
                "USE_TZ is False: effective_at and recorded_at need timezone-aware datetimes.",
                hint="Set USE_TZ = True.",
                id="django_settlements.W001",
            )
        )
    return messages
