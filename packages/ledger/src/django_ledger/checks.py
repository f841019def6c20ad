"""System checks for django-ledger: its settings, time zones and companion apps.

The database guarantees are checked by django_basemodels (``check --database``: E010 for a vendor
without their SQL, E011 for a trigger missing, outdated or disabled).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks

from django_basemodels.checks import limit_setting_errors
from django_basemodels.limits import DEFAULT_MAX_JSON_BYTES, DEFAULT_MAX_TEXT_LENGTH
from django_ledger import conf


@checks.register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    messages: list[checks.CheckMessage] = []
    permission = conf.reversal_permission()
    if permission is not None and (not isinstance(permission, str) or permission.count(".") != 1):
        messages.append(
            checks.Error(
                f"LEDGER_REVERSAL_PERMISSION = {permission!r} must be 'app_label.codename' or None.",
                hint="The default is 'django_ledger.reverse_transaction'.",
                id="django_ledger.E001",
            )
        )
    messages += limit_setting_errors(
        "LEDGER_MAX_TEXT_LENGTH", conf.max_text_length(), default=DEFAULT_MAX_TEXT_LENGTH, id="django_ledger.E003"
    )
    messages += limit_setting_errors(
        "LEDGER_MAX_JSON_BYTES", conf.max_json_bytes(), default=DEFAULT_MAX_JSON_BYTES, id="django_ledger.E004"
    )
    for app in ("django.contrib.contenttypes", "django.contrib.auth", "django_basemodels", "django_decisioning"):
        if not apps.is_installed(app):
            messages.append(
                checks.Error(
                    f"django_ledger needs {app!r} in INSTALLED_APPS.",
                    hint="Generic keys need contenttypes; reversals and idempotency keys are recorded by "
                    "django_decisioning, whose decisions point at users; django_basemodels checks and "
                    "installs the database guarantees (check --database, manage.py guarantees).",
                    id="django_ledger.E002",
                )
            )
    if not settings.USE_TZ:
        messages.append(
            checks.Warning(
                "USE_TZ is False: effective_at, posted_at and recorded_at need timezone-aware datetimes.",
                hint="Set USE_TZ = True.",
                id="django_ledger.W001",
            )
        )
    return messages
