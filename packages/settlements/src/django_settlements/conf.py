"""Every setting django-settlements reads, with its default. Read on each call, so ``override_settings`` works."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from django_basemodels.limits import DEFAULT_MAX_TEXT_LENGTH

DEFAULT_REVERSE_PERMISSION = "django_settlements.reverse_settlement"
DEFAULT_CREDIT_LIMIT_PERMISSION = "django_settlements.change_creditlimit"
DEFAULT_BUDGET_DEBTOR = None


def reverse_permission() -> Any:
    """``SETTLEMENTS_REVERSE_PERMISSION``: the permission a user given as ``by=`` needs to reverse a payment or a
    refund, or to cancel an obligation (``"app_label.codename"``, checked with ``user.has_perm()``).

    ``None`` lets any user do it. A reversal with ``by=None`` is taken by the system and is not checked.
    """
    return getattr(settings, "SETTLEMENTS_REVERSE_PERMISSION", DEFAULT_REVERSE_PERMISSION)


def credit_limit_permission() -> Any:
    """``SETTLEMENTS_CREDIT_LIMIT_PERMISSION``: the permission a user given as ``by=`` needs to set or change a
    credit limit (default ``"django_settlements.change_creditlimit"``, Django's own change permission of the model).

    ``None`` lets any user do it. A limit set with ``by=None`` is set by the system and is not checked.
    """
    return getattr(settings, "SETTLEMENTS_CREDIT_LIMIT_PERMISSION", DEFAULT_CREDIT_LIMIT_PERMISSION)


def budget_debtor() -> Any:
    """``SETTLEMENTS_BUDGET_DEBTOR``: the dotted path of ``debtor(budget) -> party`` for ``obligations_covered``.

    ``None`` (the default): the budget itself is the debtor whose obligations are checked.
    """
    return getattr(settings, "SETTLEMENTS_BUDGET_DEBTOR", DEFAULT_BUDGET_DEBTOR)


def max_text_length() -> Any:
    """``SETTLEMENTS_MAX_TEXT_LENGTH``: the most characters of a reason (default 10,000).

    Facts are never changed or deleted: what is written stays. Descriptions are capped by their column.
    """
    return getattr(settings, "SETTLEMENTS_MAX_TEXT_LENGTH", DEFAULT_MAX_TEXT_LENGTH)
