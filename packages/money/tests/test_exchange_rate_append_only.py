"""Exchange rates are append-only: the ORM refuses to change them, and the database refuses raw SQL."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from django_basemodels.guarantees import AppendOnly, guarantee_problems, guarantees_of
from django_basemodels.testing import assert_write_paths_refused
from django_money import ExchangeRate, ExchangeRateImmutableError, record_exchange_rate
from tests.conftest import moment

pytestmark = pytest.mark.django_db

TABLE = ExchangeRate._meta.db_table
APPEND_ONLY = "django_money_exchangerate is append-only"


@pytest.fixture
def rate():
    return record_exchange_rate(source="ECB", base="EUR", quote="USD", rate="1.0823", effective_at=moment(1))


def stored_rate(rate):
    return ExchangeRate.objects.filter(pk=rate.pk).values_list("rate", flat=True).first()


def test_the_model_declares_the_guarantee():
    assert [type(guarantee) for guarantee in guarantees_of(ExchangeRate)] == [AppendOnly]


def test_the_declared_guarantee_is_installed():
    assert guarantee_problems() == []


def test_saving_a_recorded_rate_raises(rate):
    rate.rate = Decimal("2")
    with pytest.raises(ExchangeRateImmutableError, match="append-only"):
        rate.save()
    assert stored_rate(rate) == Decimal("1.0823")


def test_deleting_a_rate_raises(rate):
    with pytest.raises(ExchangeRateImmutableError):
        rate.delete()
    assert stored_rate(rate) == Decimal("1.0823")


def test_queryset_update_delete_and_bulk_update_raise(rate):
    with pytest.raises(ExchangeRateImmutableError):
        ExchangeRate.objects.filter(pk=rate.pk).update(rate=Decimal("2"))
    with pytest.raises(ExchangeRateImmutableError):
        ExchangeRate.objects.all().delete()
    rate.rate = Decimal("2")
    with pytest.raises(ExchangeRateImmutableError), transaction.atomic():  # bulk_update breaks its transaction
        ExchangeRate.objects.bulk_update([rate], ["rate"])
    with pytest.raises(ExchangeRateImmutableError):
        ExchangeRate._base_manager.filter(pk=rate.pk).update(rate=Decimal("2"))
    assert stored_rate(rate) == Decimal("1.0823")


def test_every_raw_write_path_is_refused_by_the_database(rate):
    refused = assert_write_paths_refused(
        rate, changes={"rate": Decimal("2"), "effective_at": moment(2)}, match=APPEND_ONLY
    )
    expected = {
        "sqlite": {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE", "INSERT OR REPLACE", "REPLACE"},
        "postgresql": {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE"},
        "mysql": {"UPDATE", "DELETE", "INSERT ... ON DUPLICATE KEY UPDATE", "REPLACE"},
    }[connection.vendor]
    assert {write.path for write in refused} == expected
    assert all(isinstance(write.error, IntegrityError) for write in refused)
    assert stored_rate(rate) == Decimal("1.0823")


def test_raw_sql_update_and_delete_of_the_whole_table_are_refused(rate):
    with pytest.raises(IntegrityError, match=APPEND_ONLY), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET rate = rate * 2")
    with pytest.raises(IntegrityError, match=APPEND_ONLY), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
    assert stored_rate(rate) == Decimal("1.0823")


@pytest.mark.parametrize(
    ("columns", "values"),
    [
        (("rate",), ("0",)),  # not positive
        (("rate", "quote_currency"), ("1", "EUR")),  # from a currency to itself
    ],
)
def test_the_database_refuses_a_rate_that_cannot_hold(columns, values):
    row = {"source": "raw", "base_currency": "EUR", "quote_currency": "USD", "rate": "1.08"}
    row.update(zip(columns, values, strict=True))
    row["effective_at"] = row["recorded_at"] = moment(1)
    names = ", ".join(connection.ops.quote_name(name) for name in row)
    placeholders = ", ".join(["%s"] * len(row))
    params = [ExchangeRate._meta.get_field(name).get_db_prep_save(value, connection) for name, value in row.items()]
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} ({names}) VALUES ({placeholders})", params)


def test_the_migrations_match_the_models():
    call_command("makemigrations", "django_money", "--check", "--dry-run", stdout=StringIO())
