import re

import pytest
from django.apps import apps
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import models
from django.test import override_settings
from django.test.utils import isolate_apps

from django_money import MoneyAttribute
from django_money.checks import check_custom_currencies, check_money_attributes


def error_ids(messages):
    return [message.id for message in messages]


def test_project_with_valid_setting_and_attributes_passes_the_checks():
    call_command("check", fail_level="WARNING")


def test_valid_custom_currencies_raise_no_error():
    with override_settings(MONEY_CUSTOM_CURRENCIES={"BTC": 8, "ETH": 18, "USDC": 6, "XAU": 4, "BGN": 2}):
        assert check_custom_currencies() == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["BTC"], "must be a dict"),
        ({"btc": 8}, "'btc' is not a currency code"),
        ({"B": 8}, "'B' is not a currency code"),
        ({"TOOLONGCODE": 8}, "is not a currency code"),
        ({"8TC": 8}, "is not a currency code"),
        ({1: 8}, "1 is not a currency code"),
        ({"USD": 4}, "redefines the ISO 4217 currency 'USD'"),
        ({"BTC": "8"}, r"\['BTC'\] = '8' must be an int"),
        ({"BTC": 8.0}, "must be an int"),
        ({"BTC": True}, "must be an int"),
        ({"BTC": -1}, "from 0 to 18"),
        ({"BTC": 19}, "from 0 to 18"),
    ],
)
def test_malformed_custom_currencies_are_reported(value, message):
    with override_settings(MONEY_CUSTOM_CURRENCIES=value):
        errors = check_custom_currencies()
    assert error_ids(errors) == ["django_money.E001"]
    assert errors[0].level == checks.ERROR
    assert re.search(message, errors[0].msg)


def test_each_malformed_entry_is_reported_separately():
    with override_settings(MONEY_CUSTOM_CURRENCIES={"btc": 8, "ETH": "18"}):
        assert error_ids(check_custom_currencies()) == ["django_money.E001", "django_money.E001"]


def test_malformed_setting_fails_manage_py_check():
    with (
        override_settings(MONEY_CUSTOM_CURRENCIES={"USD": 4}),
        pytest.raises(SystemCheckError, match=r"django_money\.E001"),
    ):
        call_command("check")


def test_attributes_of_installed_models_are_valid():
    assert check_money_attributes() == []
    assert check_money_attributes(app_configs=[apps.get_app_config("testapp")]) == []


def test_attribute_naming_a_missing_field_is_reported():
    with isolate_apps("tests.testapp") as isolated:

        class Order(models.Model):
            price_currency = models.CharField(max_length=3)
            price = MoneyAttribute(amount_field="price_amount", currency_field="price_currency")

            class Meta:
                app_label = "testapp"

        errors = check_money_attributes(app_configs=[isolated.get_app_config("testapp")])
    assert error_ids(errors) == ["django_money.E002"]
    assert errors[0].obj is Order
    assert "testapp.Order.price: amount_field 'price_amount' is not a field of Order." in errors[0].msg


def test_attribute_naming_fields_of_the_wrong_type_is_reported():
    with isolate_apps("tests.testapp") as isolated:

        class Order(models.Model):
            price_amount = models.FloatField()
            price_currency = models.IntegerField()
            price = MoneyAttribute(amount_field="price_amount", currency_field="price_currency")

            class Meta:
                app_label = "testapp"

        errors = check_money_attributes(app_configs=[isolated.get_app_config("testapp")])
    assert [error.msg for error in errors] == [
        "testapp.Order.price: amount_field 'price_amount' must be a DecimalField, not a FloatField.",
        "testapp.Order.price: currency_field 'price_currency' must be a CharField, not an IntegerField.",
    ]


def test_attribute_inherited_from_an_abstract_model_is_checked_on_the_concrete_model():
    with isolate_apps("tests.testapp") as isolated:

        class Priced(models.Model):
            price = MoneyAttribute(amount_field="price_amount", currency_field="price_currency")

            class Meta:
                abstract = True
                app_label = "testapp"

        class Product(Priced):
            price_amount = models.DecimalField(max_digits=19, decimal_places=4)

            class Meta:
                app_label = "testapp"

        errors = check_money_attributes(app_configs=[isolated.get_app_config("testapp")])
    assert [(error.obj, error.id) for error in errors] == [(Product, "django_money.E002")]
    assert "currency_field 'price_currency'" in errors[0].msg
