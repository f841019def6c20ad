"""System checks for django-worklog settings."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks

from django_worklog import conf

_HINT = 'A list of "app_label.ModelName" labels, e.g. ["tasks.Task"], or None for any model.'


@checks.register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """E001: ``WORKLOG_CONTEXT_MODELS`` is not a list of strings. E002: a label names no installed model.

    W001: ``USE_TZ`` is False (session times and daily reports need aware datetimes).
    """
    messages: list[checks.CheckMessage] = []
    labels = conf.context_models()
    if labels is not None:
        if not isinstance(labels, (list, tuple)) or not all(isinstance(label, str) for label in labels):
            messages.append(
                checks.Error(
                    f"WORKLOG_CONTEXT_MODELS = {labels!r} must be a list of model labels or None.",
                    hint=_HINT,
                    id="django_worklog.E001",
                )
            )
        else:
            for label in labels:
                try:
                    apps.get_model(label)
                except (LookupError, ValueError):
                    messages.append(
                        checks.Error(
                            f"WORKLOG_CONTEXT_MODELS names {label!r}, which is not an installed model.",
                            hint=_HINT,
                            id="django_worklog.E002",
                        )
                    )
    if not settings.USE_TZ:
        messages.append(
            checks.Warning(
                "USE_TZ is False: work session times and daily reports need timezone-aware datetimes.",
                hint="Set USE_TZ = True.",
                id="django_worklog.W001",
            )
        )
    return messages
