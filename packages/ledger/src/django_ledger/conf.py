"""Every setting django-ledger reads, with its default."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULT_REVERSAL_PERMISSION = "django_ledger.reverse_transaction"


def reversal_permission() -> Any:
    """The permission a user given as ``by=`` needs to reverse (``LEDGER_REVERSAL_PERMISSION``).

    A string ``"app_label.codename"``, checked with ``user.has_perm()``; ``None`` lets any user
    reverse. Reversals without ``by`` are taken by the system and are not checked.
    """
    return getattr(settings, "LEDGER_REVERSAL_PERMISSION", DEFAULT_REVERSAL_PERMISSION)
