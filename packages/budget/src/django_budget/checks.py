"""System checks for django-budget settings: spending policy, obligations hook, currency, void permission, caps."""

from __future__ import annotations

from typing import Any

from django.core import checks

from django_basemodels.checks import limit_setting_errors
from django_basemodels.limits import DEFAULT_MAX_TEXT_LENGTH
from django_budget import conf, policies
from django_budget.exceptions import SpendingPolicyMisconfiguredError
from django_money.currencies import normalize_currency
from django_money.exceptions import MoneyError

BLOCKING_POLICY = "django_budget.policies.block_discretionary_until_obligations_covered"


@checks.register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    messages: list[checks.CheckMessage] = []
    try:
        policies.spending_policy()
    except SpendingPolicyMisconfiguredError as exc:
        messages.append(
            checks.Error(
                str(exc),
                hint='For example BUDGET_SPENDING_POLICY = "django_budget.policies.allow_all".',
                id="django_budget.E001",
            )
        )
    hook = conf.obligations_covered()
    if hook is not None:
        try:
            policies.import_callable("BUDGET_OBLIGATIONS_COVERED", hook)
        except SpendingPolicyMisconfiguredError as exc:
            messages.append(checks.Error(str(exc), hint="covered(*, budget, date) -> bool", id="django_budget.E002"))
    elif conf.spending_policy() == BLOCKING_POLICY:
        messages.append(
            checks.Error(
                "BUDGET_SPENDING_POLICY is block_discretionary_until_obligations_covered but "
                "BUDGET_OBLIGATIONS_COVERED is not set: every expense would be refused as undecidable.",
                hint="Set BUDGET_OBLIGATIONS_COVERED to the dotted path of covered(*, budget, date) -> bool.",
                id="django_budget.E003",
            )
        )
    currency = conf.default_currency()
    if currency is not None:
        try:
            normalize_currency(currency)
        except (TypeError, MoneyError) as exc:
            messages.append(
                checks.Error(
                    f"BUDGET_DEFAULT_CURRENCY = {currency!r} is not a known currency: {exc}",
                    hint='An ISO 4217 code such as "EUR", a code of MONEY_CUSTOM_CURRENCIES, or None.',
                    id="django_budget.E004",
                )
            )
    permission = conf.void_permission()
    if permission is not None and not (
        isinstance(permission, str) and permission.count(".") == 1 and "" not in permission.split(".")
    ):
        messages.append(
            checks.Error(
                f"BUDGET_VOID_PERMISSION = {permission!r} must be 'app_label.codename' or None.",
                hint='The default is "django_budget.void_budgettransaction".',
                id="django_budget.E005",
            )
        )
    return messages + limit_setting_errors(
        "BUDGET_MAX_TEXT_LENGTH", conf.max_text_length(), default=DEFAULT_MAX_TEXT_LENGTH, id="django_budget.E006"
    )
