"""System checks for django-money: the MONEY_CUSTOM_CURRENCIES setting and the fields each MoneyAttribute names."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from django.apps import apps
from django.core import checks
from django.db.models import Model

from django_money import conf
from django_money.currencies import custom_currency_problems
from django_money.storage import money_attributes


@checks.register()
def check_custom_currencies(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [
        checks.Error(
            problem,
            hint='Example: MONEY_CUSTOM_CURRENCIES = {"BTC": 8}',
            id="django_money.E001",
        )
        for problem in custom_currency_problems(conf.custom_currencies())
    ]


@checks.register(checks.Tags.models)
def check_money_attributes(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    models: Iterable[type[Model]]
    if app_configs is None:
        models = apps.get_models()
    else:
        models = chain.from_iterable(app_config.get_models() for app_config in app_configs)
    return [
        checks.Error(
            problem,
            hint="amount_field names a DecimalField and currency_field a CharField of the same model.",
            obj=model,
            id="django_money.E002",
        )
        for model in models
        for attribute in money_attributes(model)
        for problem in attribute.configuration_problems(model)
    ]
