from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.db.models import Sum
from django.test import override_settings
from django.test.utils import isolate_apps

from django_money import (
    FieldOverflowError,
    Money,
    MoneyAttribute,
    PrecisionLossError,
    UnknownCurrencyError,
)
from tests.testapp.models import Invoice, Wallet

exact_decimals_only = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite stores decimals as 64-bit floats, so only 15 significant digits survive a round trip",
)


def make_invoice(**fields):
    fields.setdefault("number", "INV-1")
    return Invoice(**fields)


def test_reading_gives_money_from_the_two_fields():
    invoice = make_invoice(total_amount=Decimal("19.99"), total_currency="EUR")
    assert invoice.total == Money("19.99", "EUR")


def test_writing_money_sets_both_fields():
    invoice = make_invoice()
    invoice.total = Money("19.99", "EUR")
    assert invoice.total_amount == Decimal("19.99")
    assert invoice.total_currency == "EUR"


def test_model_constructor_accepts_the_money_attribute():
    invoice = Invoice(number="INV-1", total=Money("5.00", "USD"))
    assert (invoice.total_amount, invoice.total_currency) == (Decimal("5.00"), "USD")


@pytest.mark.django_db
def test_money_round_trips_through_the_database():
    created = Invoice.objects.create(number="INV-1", total=Money("1234.5678", "USD"))
    loaded = Invoice.objects.get(pk=created.pk)
    assert loaded.total == Money("1234.5678", "USD")
    assert isinstance(loaded.total_amount, Decimal)


@pytest.mark.django_db
def test_money_in_a_zero_exponent_currency_round_trips():
    created = Invoice.objects.create(number="INV-1", total=Money("1500", "JPY"))
    assert Invoice.objects.get(pk=created.pk).total == Money("1500", "JPY")


@pytest.mark.django_db
def test_negative_money_round_trips():
    created = Invoice.objects.create(number="CN-1", total=Money("-0.01", "USD"))
    assert Invoice.objects.get(pk=created.pk).total == Money("-0.01", "USD")


@pytest.mark.django_db
def test_custom_currency_with_eight_decimal_places_round_trips():
    wallet = Wallet.objects.create(balance=Money("0.00000001", "BTC"))
    assert Wallet.objects.get(pk=wallet.pk).balance == Money("0.00000001", "BTC")


@pytest.mark.django_db
@exact_decimals_only
def test_largest_amount_the_fields_hold_round_trips_exactly():
    largest = Money("999999999999999.9999", "USD")
    created = Invoice.objects.create(number="INV-1", total=largest)
    assert Invoice.objects.get(pk=created.pk).total == largest


@pytest.mark.django_db
def test_get_or_create_accepts_the_money_attribute_in_defaults():
    invoice, created = Invoice.objects.get_or_create(number="INV-9", defaults={"total": Money("9.99", "GBP")})
    assert created
    assert Invoice.objects.get(pk=invoice.pk).total == Money("9.99", "GBP")


def test_reading_a_null_amount_gives_none():
    invoice = make_invoice(total=Money("1", "USD"))
    assert invoice.discount is None


def test_writing_none_clears_a_nullable_amount_and_keeps_the_currency():
    invoice = make_invoice(total=Money("1", "USD"), discount=Money("0.50", "USD"))
    invoice.discount = None
    assert invoice.discount_amount is None
    assert invoice.discount_currency == "USD"
    assert invoice.discount is None


@pytest.mark.django_db
def test_null_amount_round_trips_as_none():
    created = Invoice.objects.create(number="INV-1", total=Money("1", "USD"), discount=None)
    assert Invoice.objects.get(pk=created.pk).discount is None


def test_writing_none_to_a_non_nullable_amount_raises():
    invoice = make_invoice(total=Money("1", "USD"))
    with pytest.raises(TypeError, match="total_amount is not nullable"):
        invoice.total = None
    assert invoice.total == Money("1", "USD")


def test_writing_a_float_raises_before_touching_the_instance():
    invoice = make_invoice(total=Money("1", "USD"))
    with pytest.raises(TypeError, match="Money"):
        invoice.total = 19.99
    assert invoice.total_amount == Decimal("1")


def test_writing_a_bare_decimal_raises():
    invoice = make_invoice()
    with pytest.raises(TypeError, match="takes a Money"):
        invoice.total = Decimal("19.99")


def test_money_in_an_unknown_currency_cannot_even_be_built_for_a_write():
    with pytest.raises(UnknownCurrencyError):
        make_invoice(total=Money("1", "ABC"))


def test_writing_more_decimal_places_than_the_field_keeps_raises():
    invoice = make_invoice(total=Money("1", "USD"))
    with pytest.raises(PrecisionLossError, match=r"rounded\(4\)"):
        invoice.total = Money("1.649175", "USD")
    assert invoice.total == Money("1", "USD")


def test_explicitly_rounded_money_can_be_written():
    invoice = make_invoice()
    invoice.total = Money("1.649175", "USD").rounded(4)
    assert invoice.total == Money("1.6492", "USD")


def test_trailing_zeros_beyond_the_field_decimal_places_are_accepted():
    invoice = make_invoice(total=Money("1.50000000", "USD"))
    assert invoice.total == Money("1.5", "USD")


def test_writing_more_integer_digits_than_the_field_holds_raises():
    with pytest.raises(FieldOverflowError, match="15 integer digits"):
        make_invoice(total=Money("1000000000000000", "USD"))


def test_writing_a_currency_longer_than_the_currency_field_raises():
    with (
        override_settings(MONEY_CUSTOM_CURRENCIES={"USDC": 2}),
        pytest.raises(FieldOverflowError, match="max_length=3"),
    ):
        make_invoice(total=Money("1", "USDC"))


@pytest.mark.django_db
def test_reading_a_row_with_an_unknown_currency_raises():
    created = Invoice.objects.create(number="INV-1", total=Money("1", "USD"))
    Invoice.objects.filter(pk=created.pk).update(total_currency="ZZZ")
    with pytest.raises(UnknownCurrencyError):
        Invoice.objects.get(pk=created.pk).total  # noqa: B018


def test_class_attribute_is_the_descriptor():
    assert isinstance(Invoice.total, MoneyAttribute)
    assert (Invoice.total.amount_field, Invoice.total.currency_field) == ("total_amount", "total_currency")


def test_deleting_the_attribute_raises():
    invoice = make_invoice(total=Money("1", "USD"))
    with pytest.raises(AttributeError, match="assign None"):
        del invoice.total


def test_writing_through_a_misconfigured_attribute_raises_improperly_configured():
    with isolate_apps("tests.testapp"):

        class Order(models.Model):
            price_amount = models.IntegerField()
            price_currency = models.CharField(max_length=3)
            price = MoneyAttribute(amount_field="price_amount", currency_field="price_currency")

            class Meta:
                app_label = "testapp"

        with pytest.raises(ImproperlyConfigured, match="must be a DecimalField"):
            Order(price=Money("1", "USD"))


@pytest.fixture
def invoices(db):
    Invoice.objects.create(number="A", total=Money("10.00", "USD"))
    Invoice.objects.create(number="B", total=Money("25.50", "USD"))
    Invoice.objects.create(number="C", total=Money("25.50", "EUR"))
    Invoice.objects.create(number="D", total=Money("100", "EUR"))


def numbers(queryset):
    return sorted(invoice.number for invoice in queryset)


def test_q_matches_an_exact_money_in_its_currency_only(invoices):
    assert numbers(Invoice.objects.filter(Invoice.total.q(Money("25.5", "USD")))) == ["B"]


def test_q_compares_amounts_within_the_currency(invoices):
    assert numbers(Invoice.objects.filter(Invoice.total.q(Money("20", "USD"), "gte"))) == ["B"]
    assert numbers(Invoice.objects.filter(Invoice.total.q(Money("100", "EUR"), "lt"))) == ["C"]
    assert numbers(Invoice.objects.exclude(Invoice.total.q(Money("10", "USD"), "lte"))) == ["B", "C", "D"]


def test_q_rejects_a_lookup_that_is_not_a_comparison():
    with pytest.raises(ValueError, match="lookup"):
        Invoice.total.q(Money("1", "USD"), "contains")


def test_q_rejects_a_bare_number():
    with pytest.raises(TypeError, match="Money"):
        Invoice.total.q(Decimal("1"))


def test_filtering_by_the_two_fields_directly_works(invoices):
    queryset = Invoice.objects.filter(total_currency="EUR", total_amount__gt=Decimal("30"))
    assert numbers(queryset) == ["D"]


def test_totals_per_currency_aggregate_the_amount_field(invoices):
    rows = Invoice.objects.values("total_currency").annotate(sum=Sum("total_amount")).order_by("total_currency")
    totals = [Money(row["sum"], row["total_currency"]) for row in rows]
    assert totals == [Money("125.50", "EUR"), Money("35.50", "USD")]
