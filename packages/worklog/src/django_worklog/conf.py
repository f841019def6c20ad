"""Every setting django-worklog reads, with its default."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULT_CONTEXT_MODELS = None


def context_models() -> Any:
    """Models a session may be about (``WORKLOG_CONTEXT_MODELS``), as ``"app_label.ModelName"`` labels.

    ``None`` (the default) or an empty list allows any model. Read on every ``start_session``,
    so ``override_settings`` works; the system checks report a malformed value.
    """
    return getattr(settings, "WORKLOG_CONTEXT_MODELS", DEFAULT_CONTEXT_MODELS)
