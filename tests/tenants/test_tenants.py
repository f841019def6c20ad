"""Schema per tenant with django-tenants: every package's migrations, database guarantees included, install
in each tenant's schema; both tenants hold the same codes and no row crosses from one to the other."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from django_basemodels.guarantees.installation import guarantee_statuses, guarded_models
from django_ledger import get_balance, open_account, post_transaction, trial_balance
from django_ledger.models import Account, Entry
from django_money import Money
from django_sequence import next_sequence
from django_stock import balance, issue, receive
from django_stock.models import Location, Lot, StockItem
from django_tenants.utils import tenant_context

PRIMITIVE_APPS = [app for app in settings.TENANT_APPS if app.startswith("django_")]


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def test_every_package_is_migrated_into_each_tenant_schema_and_not_into_public(clients):
    for client in clients:
        tables = _tables(client.schema_name)
        for app in PRIMITIVE_APPS:
            for model in apps.get_app_config(app).get_models():
                if model._meta.managed and not model._meta.proxy:
                    assert model._meta.db_table in tables, (client.schema_name, model._meta.label)
    public = _tables("public")
    assert "django_ledger_account" not in public and "clients_client" in public


def test_the_database_guarantees_are_installed_and_hold_in_each_schema(clients):
    for client in clients:
        with tenant_context(client):
            statuses = guarantee_statuses("default", guarded_models("default"))
            assert statuses and all(status.ok for status in statuses), [str(s) for s in statuses if not s.ok]
            cash = open_account(code="1010", name="Cash", account_type="asset", currency="EUR")
            sales = open_account(code="4000", name="Sales", account_type="revenue", currency="EUR")
            posted = post_transaction(
                entries=[
                    {"account": cash, "amount": Money("10.00", "EUR"), "entry_type": "debit"},
                    {"account": sales, "amount": Money("10.00", "EUR"), "entry_type": "credit"},
                ],
                description="opening",
            )
            entry = Entry.objects.filter(transaction=posted).first()
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"UPDATE {Entry._meta.db_table} SET amount = 99 WHERE id = %s", [entry.pk.hex])
            assert get_balance(cash) == Money("10.00", "EUR")
            transaction_table = posted._meta.db_table
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {transaction_table} WHERE id = %s", [posted.pk.hex])


def test_both_tenants_hold_the_same_codes_and_no_row_crosses(clients):
    pharmacy_a, pharmacy_b = clients
    today = timezone.localdate()
    made = {}
    for client, received, sold in ((pharmacy_a, 100, 30), (pharmacy_b, 50, 5)):
        with tenant_context(client):
            item = StockItem.objects.create(sku="AMOX-500", name="Amoxicillin 500 mg", unit="capsule")
            shelf = Location.objects.create(code="PHARM", name="Pharmacy", kind="pharmacy")
            lot = Lot.objects.create(item=item, lot_number="A-1", expiry_date=today + dt.timedelta(days=90))
            receive(location=shelf, lot=lot, quantity=received)
            issue(location=shelf, item=item, quantity=sold)
            till = open_account(code="1000", name="Till", account_type="asset", currency="EUR")
            revenue = open_account(code="4100", name="Sales", account_type="revenue", currency="EUR")
            post_transaction(
                entries=[
                    {"account": till, "amount": Money(sold, "EUR"), "entry_type": "debit"},
                    {"account": revenue, "amount": Money(sold, "EUR"), "entry_type": "credit"},
                ],
                description="sales",
            )
            made[client.schema_name] = {"item": item.pk, "till": till.pk, "number": next_sequence("invoice")}
    with tenant_context(pharmacy_a):
        item = StockItem.objects.get(sku="AMOX-500")
        assert balance(Location.objects.get(code="PHARM"), item) == 70
        assert get_balance(Account.objects.get(code="1000")) == Money("30", "EUR")
        assert not StockItem.objects.filter(pk=made["pharmacy_b"]["item"]).exists()
        assert not Account.objects.filter(pk=made["pharmacy_b"]["till"]).exists()
        assert {row.account.code for row in trial_balance().rows} == {"1000", "4100", "1010", "4000"}
        assert StockItem.objects.count() == 1
    with tenant_context(pharmacy_b):
        assert balance(Location.objects.get(code="PHARM"), StockItem.objects.get(sku="AMOX-500")) == 45
        assert get_balance(Account.objects.get(code="1000")) == Money("5", "EUR")
        assert not Account.objects.filter(pk=made["pharmacy_a"]["till"]).exists()
        assert StockItem.objects.count() == 1
    # Each schema counts its own invoices: both took the first number of the scope.
    assert made["pharmacy_a"]["number"] == made["pharmacy_b"]["number"] == "INVOICE-0001"
