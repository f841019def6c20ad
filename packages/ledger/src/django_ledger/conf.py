"""Every setting django-ledger reads, with its default."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from django_basemodels.limits import DEFAULT_MAX_JSON_BYTES, DEFAULT_MAX_TEXT_LENGTH

DEFAULT_REVERSAL_PERMISSION = "django_ledger.reverse_transaction"


def reversal_permission() -> Any:
    """The permission a user given as ``by=`` needs to reverse (``LEDGER_REVERSAL_PERMISSION``).

    A string ``"app_label.codename"``, checked with ``user.has_perm()``; ``None`` lets any user
    reverse. Reversals without ``by`` are taken by the system and are not checked.
    """
    return getattr(settings, "LEDGER_REVERSAL_PERMISSION", DEFAULT_REVERSAL_PERMISSION)


def max_text_length() -> Any:
    """The most characters a caller's description or reason may have (``LEDGER_MAX_TEXT_LENGTH``).

    A positive int, default 10,000. Transactions are never changed or deleted, so what is posted
    stays in the ledger for good.
    """
    return getattr(settings, "LEDGER_MAX_TEXT_LENGTH", DEFAULT_MAX_TEXT_LENGTH)


def max_json_bytes() -> Any:
    """The most bytes a transaction's metadata may take as JSON (``LEDGER_MAX_JSON_BYTES``).

    A positive int, default 65,536, measured on the JSON text the metadata column stores.
    """
    return getattr(settings, "LEDGER_MAX_JSON_BYTES", DEFAULT_MAX_JSON_BYTES)
