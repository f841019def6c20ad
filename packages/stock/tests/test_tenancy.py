"""Many organizations: SKUs and location codes unique per organization, reads that see one organization's
rows only, lookups by SKU or code that never cross organizations, and services that refuse to mix them."""

import datetime as dt
import re
import uuid

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from django_basemodels import ANY_ORG, InvalidOrgError
from django_basemodels.checks import check_natural_keys
from django_basemodels.tenancy import per_database_natural_keys
from django_decisioning.models import Decision
from django_stock import (
    CrossOrgMovementError,
    InvalidMovementError,
    UnknownItemError,
    UnknownLocationError,
    UnknownLotError,
    adjust,
    balance,
    balances_differing_from_movements,
    expire_lots,
    expiring_within,
    issue,
    item_by_sku,
    location_by_code,
    lot_history,
    lot_locations,
    movements_for_reference,
    rebuild_balances,
    receive,
    return_stock,
    stock_report,
    transfer,
)
from django_stock.models import Location, Lot, StockBalance, StockItem, StockMovement
from tests.conftest import balance_guarantees_off
from tests.testapp.models import Sale


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def org_a(db):
    """An organization as a saved instance of any model."""
    return Group.objects.create(name="pharmacy a")


@pytest.fixture
def org_b():
    """An organization as a caller's own string key."""
    return "org-b"


class Stock:
    """One organization's item, lot and two locations, all with the same natural keys as the other's."""

    def __init__(self, org, *, lot_number: str = "L-1", expires_in: int = 20) -> None:
        self.item = StockItem.objects.create(org=org, sku="AMOX-500", name="Amoxicillin")
        self.lot = Lot.objects.create(item=self.item, lot_number=lot_number, expiry_date=in_days(expires_in))
        self.store = Location.objects.create(org=org, code="STORE", name="Store")
        self.pharmacy = Location.objects.create(org=org, code="PHARM", name="Pharmacy", kind="pharmacy")


@pytest.fixture
def a(org_a):
    stock = Stock(org_a)
    receive(location=stock.store, lot=stock.lot, quantity=10)
    return stock


@pytest.fixture
def b(org_b):
    stock = Stock(org_b, expires_in=25)
    receive(location=stock.store, lot=stock.lot, quantity=7)
    return stock


def written() -> tuple[int, int, int]:
    """What a refused service must leave unchanged: movements, balance rows and their stock, decisions."""
    return StockMovement.objects.count(), StockBalance.objects.total(), Decision.objects.count()


# --- the natural keys --------------------------------------------------------------------------------


def test_no_model_keeps_a_natural_key_unique_per_database():
    for model in apps.get_app_config("django_stock").get_models():
        assert per_database_natural_keys(model) == [], model
    assert [m for m in check_natural_keys([apps.get_app_config("django_stock")]) if m.id.endswith("W020")] == []


def test_the_idempotency_key_of_movements_is_declared_unique_per_database():
    declared = StockMovement.unique_per_database
    assert list(declared) == [("idempotency_scope", "idempotency_key", "idempotency_line")]
    del StockMovement.unique_per_database
    try:
        assert per_database_natural_keys(StockMovement) == [next(iter(declared))]
    finally:
        StockMovement.unique_per_database = declared


def test_two_orgs_hold_the_same_sku_code_and_lot_number(a, b, org_a, org_b):
    assert a.item.sku == b.item.sku and a.store.code == b.store.code and a.lot.lot_number == b.lot.lot_number
    assert (a.item.org, a.store.org) == (org_a, org_a)
    assert (b.item.org_key, b.pharmacy.org_key) == ("org-b", "org-b")
    assert a.item.org_key == f"auth.group:{org_a.pk}"


@pytest.mark.parametrize("model", [StockItem, Location])
@pytest.mark.parametrize("org", [None, "org-a"], ids=["no org", "one org"])
def test_the_constraint_refuses_a_duplicate_key_within_one_org(db, model, org):
    key = {"sku": "AMOX-500"} if model is StockItem else {"code": "STORE"}
    model.objects.create(org=org, name="first", **key)
    model.objects.create(org="org-other", name="another org", **key)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(org=org, name="second", **key)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.bulk_create([model(org=org, name="bulk", **key)])
    assert model.objects.filter(**key).count() == 2


@pytest.mark.parametrize("model", [StockItem, Location])
def test_the_database_refuses_a_duplicate_key_written_in_raw_sql(db, model):
    key = {"sku": "AMOX-500"} if model is StockItem else {"code": "STORE"}
    original = model.objects.create(org="org-a", name="first", **key)
    table = model._meta.db_table
    columns = [f.column for f in model._meta.local_concrete_fields if not f.primary_key]
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    pk = model._meta.pk

    def copy(org_key: str):
        chosen = [connection.ops.quote_name(c) if c != "org_key" else "%s" for c in columns]
        sql = f"INSERT INTO {table} (id, {names}) SELECT %s, {', '.join(chosen)} FROM {table} WHERE id = %s"
        new_pk, old_pk = (pk.get_db_prep_value(value, connection) for value in (uuid.uuid4(), original.pk))
        params = [new_pk, org_key, old_pk]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)

    with pytest.raises(IntegrityError):
        copy("org-a")
    copy("org-b")
    assert sorted(model.objects.values_list("org_key", flat=True)) == ["org-a", "org-b"]


# --- lookups by natural key -----------------------------------------------------------------------


def test_a_lookup_by_sku_or_code_returns_the_row_of_the_org_asked(a, b, org_a, org_b):
    assert item_by_sku("AMOX-500", org=org_a) == a.item
    assert item_by_sku("AMOX-500", org=org_b) == b.item
    assert location_by_code("STORE", org=org_a) == a.store
    assert location_by_code("STORE", org=f"auth.group:{org_a.pk}") == a.store
    assert location_by_code("PHARM", org=org_b) == b.pharmacy


def test_a_lookup_never_returns_another_orgs_row(a, org_a, org_b, django_assert_num_queries):
    with django_assert_num_queries(1), pytest.raises(UnknownItemError) as error:
        item_by_sku("AMOX-500", org=org_b)
    assert error.value.value == "AMOX-500"
    with pytest.raises(UnknownLocationError, match="'STORE' in organization 'org-b'"):
        location_by_code("STORE", org=org_b)
    with pytest.raises(UnknownItemError, match="in no organization"):
        item_by_sku("AMOX-500")  # None: the rows of no organization, and there are none
    with pytest.raises(UnknownLocationError):
        location_by_code("STORE", org=None)


def test_without_org_a_lookup_finds_the_row_of_no_org(a):
    mine = StockItem.objects.create(sku="AMOX-500", name="no org")
    assert item_by_sku("AMOX-500") == mine
    store = Location.objects.create(code="STORE", name="no org")
    assert location_by_code("STORE") == store


@pytest.mark.parametrize("org", [ANY_ORG, "", 5])
def test_a_lookup_needs_one_organization(db, org):
    with pytest.raises(InvalidOrgError):
        item_by_sku("AMOX-500", org=org)
    with pytest.raises(InvalidOrgError):
        location_by_code("STORE", org=org)


# --- reads ----------------------------------------------------------------------------------------


def test_each_orgs_balances_and_report_show_only_its_own_stock(a, b, org_a, org_b, django_assert_num_queries):
    assert balance(a.store, a.item, org=org_a) == 10
    with django_assert_num_queries(1):
        assert balance(b.store, b.item, org=org_a) == 0
    assert balance(b.store, b.lot, org=org_b) == 7
    assert balance(b.store, b.lot) == 7  # ANY_ORG, as before
    later = timezone.now()
    assert balance(a.store, a.lot, as_of=later, org=org_a) == 10
    assert balance(a.store, a.lot, as_of=later, org=org_b) == 0

    with django_assert_num_queries(1):
        assert [(line.lot, line.quantity) for line in stock_report(a.store, org=org_a)] == [(a.lot, 10)]
    assert stock_report(a.store, org=org_b) == []
    assert stock_report(a.store, as_of=later, org=org_b) == []
    assert [line.lot for line in stock_report(b.store, as_of=later, org=org_b)] == [b.lot]
    assert stock_report(a.store, org=None) == []


def test_expiring_lots_are_listed_per_org(a, b, org_a, org_b):
    assert list(expiring_within(30, org=org_a)) == [a.lot]
    assert list(expiring_within(30, org=org_b)) == [b.lot]
    assert list(expiring_within(30, org=None)) == []
    assert list(expiring_within(30)) == [a.lot, b.lot]  # every organization, by expiry date
    assert list(expiring_within(30, location=a.store, org=org_b)) == []


def test_recall_lookups_stay_within_the_org(a, b, org_a, org_b, django_assert_num_queries):
    transfer(from_location=a.store, to_location=a.pharmacy, lot=a.lot, quantity=4)
    with django_assert_num_queries(1):
        assert [m.location.code for m in lot_history(a.lot, org=org_a)] == ["STORE", "STORE", "PHARM"]
    assert list(lot_history(a.lot, org=org_b)) == []
    assert [(row.location, row.quantity) for row in lot_locations(a.lot, org=org_a)] == [
        (a.pharmacy, 4),
        (a.store, 6),
    ]
    assert list(lot_locations(a.lot, org=org_b)) == []
    assert Lot.objects.for_org(org_b).get() == b.lot


def test_movements_for_one_reference_are_listed_per_org(a, b, org_a, org_b):
    sale = Sale.objects.create(number="S-1")
    [sold_a] = issue(location=a.store, lot=a.lot, quantity=1, reference=sale)
    [sold_b] = issue(location=b.store, lot=b.lot, quantity=2, reference=sale)
    assert list(movements_for_reference(sale, org=org_a)) == [sold_a]
    assert list(movements_for_reference(sale, org=org_b)) == [sold_b]
    assert list(movements_for_reference(sale)) == [sold_a, sold_b]
    assert StockMovement.objects.for_org(org_b).count() == 2
    assert StockBalance.objects.for_org(org_a).total() == 9


def test_without_orgs_the_reads_are_as_before(item, lot, store):
    receive(location=store, lot=lot, quantity=3)
    assert item.org is None and store.org_key == ""
    assert balance(store, lot, org=None) == balance(store, lot) == 3
    assert [line.quantity for line in stock_report(store, org=None)] == [3]
    assert list(lot_history(lot, org=None)) == list(lot_history(lot))
    assert item_by_sku("AMOX-500") == item and location_by_code("STORE") == store


# --- services refuse to mix organizations ---------------------------------------------------------


def test_receiving_an_orgs_lot_at_another_orgs_location_is_refused(a, b, org_a):
    before = written()
    with pytest.raises(CrossOrgMovementError) as error:
        receive(location=b.store, lot=a.lot, quantity=1, idempotency_key="delivery-1")
    assert error.value.org_keys == {"location": "org-b", "item": f"auth.group:{org_a.pk}"}
    assert isinstance(error.value, InvalidMovementError)
    with pytest.raises(CrossOrgMovementError, match=r"location of 'org-b', item of 'auth\.group:"):
        return_stock(location=b.store.pk, lot=a.lot.pk, quantity=1)
    assert written() == before
    # Nothing kept of the refused key: the same key moves the right stock afterwards.
    receive(location=a.store, lot=a.lot, quantity=1, idempotency_key="delivery-1")
    assert balance(a.store, a.lot) == 11


def test_an_orgs_lot_at_a_location_of_no_org_is_refused(a, make_location):
    shared = make_location("SHARED")
    before = written()
    with pytest.raises(CrossOrgMovementError, match="location of no organization"):
        receive(location=shared, lot=a.lot, quantity=1)
    assert written() == before


def test_issuing_from_another_orgs_location_is_refused(a, b):
    before = written()
    with pytest.raises(CrossOrgMovementError):
        issue(location=b.store, lot=a.lot, quantity=1)
    with pytest.raises(CrossOrgMovementError):
        issue(location=b.store, item=a.item, quantity=1)  # FEFO
    assert written() == before


def test_adjusting_an_orgs_lot_at_another_orgs_location_is_refused(a, b):
    before = written()
    for direction in ("in", "out"):
        with pytest.raises(CrossOrgMovementError):
            adjust(location=b.store, lot=a.lot, quantity=1, direction=direction, reason="count")
    assert written() == before


def test_a_transfer_between_two_orgs_is_refused(a, b, org_a):
    before = written()
    with pytest.raises(CrossOrgMovementError) as error:
        transfer(from_location=a.store, to_location=b.store, lot=a.lot, quantity=1)
    assert error.value.org_keys == {
        "from_location": f"auth.group:{org_a.pk}",
        "to_location": "org-b",
        "item": f"auth.group:{org_a.pk}",
    }
    with pytest.raises(CrossOrgMovementError):
        transfer(from_location=a.store, to_location=b.store, item=a.item, quantity=1)
    # Both locations of B, the lot of A: refused too.
    with pytest.raises(CrossOrgMovementError):
        transfer(from_location=b.store, to_location=b.pharmacy, lot=a.lot, quantity=1)
    assert written() == before


def test_within_one_org_every_service_works(a, b):
    transfer(from_location=b.store, to_location=b.pharmacy, item=b.item, quantity=3)
    issue(location=b.pharmacy, item=b.item, quantity=1)
    adjust(location=b.store, lot=b.lot, quantity=2, direction="out", reason="breakage")
    return_stock(location=b.pharmacy, lot=b.lot, quantity=1)
    assert (balance(b.store, b.lot), balance(b.pharmacy, b.lot), balance(a.store, a.lot)) == (2, 3, 10)


def test_an_unknown_lot_or_item_is_still_reported_as_unknown(a):
    with pytest.raises(UnknownLotError):
        receive(location=a.store, lot=uuid.uuid4(), quantity=1)
    with pytest.raises(UnknownItemError):
        issue(location=a.store, item=uuid.uuid4(), quantity=1)


# --- org-wide jobs --------------------------------------------------------------------------------


def test_expire_lots_and_its_command_take_the_org(org_a, org_b, capsys):
    mine, theirs = Stock(org_a, expires_in=0), Stock(org_b, expires_in=0)
    call_command("stock_expire_lots", "--org", "org-b", "--dry-run")
    assert "1 lot(s) would expire" in capsys.readouterr().out
    assert expire_lots(org=org_a) == [mine.lot]
    call_command("stock_expire_lots", "--org", "")
    assert "0 lot(s) expired" in capsys.readouterr().out
    call_command("stock_expire_lots", "--org", "org-b")
    assert "1 lot(s) expired" in capsys.readouterr().out
    assert set(Lot.objects.values_list("status", flat=True)) == {"expired"}
    assert theirs.lot.pk in {lot.pk for lot in Lot.objects.for_org(org_b)}


def test_balance_verification_and_rebuild_take_the_org(committed_db, org_b, capsys):
    a, b = Stock("org-a"), Stock(org_b)
    receive(location=a.store, lot=a.lot, quantity=5)
    receive(location=b.store, lot=b.lot, quantity=5)
    with balance_guarantees_off():
        StockBalance.objects.filter(location__in=[a.store, b.store]).update(quantity=9)
    assert [d[0] for d in balances_differing_from_movements(org=org_b)] == [b.store.pk]
    assert balances_differing_from_movements(org=None) == []
    call_command("stock_balances", "--org", "org-b", "--rebuild")
    assert "1 balance row(s) rebuilt" in capsys.readouterr().out
    assert (balance(a.store, a.lot), balance(b.store, b.lot)) == (9, 5)
    assert [d[0] for d in rebuild_balances(org="org-a")] == [a.store.pk]
    call_command("stock_balances")


# --- admin ----------------------------------------------------------------------------------------


def test_the_admin_shows_the_org_and_keeps_it_read_only(admin_client, a, org_a):
    page = admin_client.get("/admin/django_stock/stockitem/").content.decode()
    assert f"auth.group:{org_a.pk}" in page and "org_key" in page
    assert f"auth.group:{org_a.pk}" in admin_client.get("/admin/django_stock/location/").content.decode()
    add = admin_client.get("/admin/django_stock/location/add/").content.decode()
    assert 'name="org_key"' in add
    change = admin_client.get(f"/admin/django_stock/location/{a.store.pk}/change/").content.decode()
    assert re.search(r'name="org_key"[^>]*disabled', change)


def test_the_admin_refuses_a_duplicate_key_within_the_org_as_a_form_error(admin_client, a, org_a):
    other = Location.objects.create(org=org_a, code="OTHER", name="Other")
    Location.objects.create(org="org-b", code="TAKEN", name="Another org's")
    url = f"/admin/django_stock/location/{other.pk}/change/"
    form = {"code": "STORE", "name": "Other", "kind": "store", "owner_id": ""}
    response = admin_client.post(url, form)
    assert response.status_code == 200 and b"already exists" in response.content
    assert admin_client.post(url, {**form, "code": "TAKEN"}).status_code == 302
    other.refresh_from_db()
    assert (other.code, other.org_key) == ("TAKEN", f"auth.group:{org_a.pk}")
