"""Migration 0005: SKUs and location codes become unique per organization, forwards and backwards, with
existing rows, their movements and the database guarantees of the movement and balance tables intact.
Migration 0006: items get a status, every existing one active. Migration 0007: lots get the permission
``block_lot``, without touching a table."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from django_basemodels.guarantees import guarantee_problems
from django_stock.models import Location, Lot, StockItem
from django_stock.selectors import balance, balances_differing_from_movements
from django_stock.services import issue, receive

BEFORE = "0004_rename_decision_actions"
AFTER = "0005_org_key"
ITEM_STATUS = "0006_item_status"
BLOCK_PERMISSION = "0007_block_permission"


def model_at(migration: str, name: str):
    """The model as the database has it after ``migration``."""
    return (
        MigrationExecutor(connection)
        .loader.project_state(("django_stock", migration))
        .apps.get_model("django_stock", name)
    )


def migrate(migration: str) -> None:
    call_command("migrate", "django_stock", migration, verbosity=0)


@pytest.fixture
def at_the_latest_migration():
    yield
    call_command("migrate", "django_stock", verbosity=0)


# The migrations run outside a test transaction: committed_db empties the guarded tables afterwards.
pytestmark = pytest.mark.usefixtures("committed_db", "at_the_latest_migration")


def test_existing_items_and_locations_belong_to_no_org_and_keep_their_stock(store, lot):
    receive(location=store, lot=lot, quantity=5)
    migrate(BEFORE)
    old_item = model_at(BEFORE, "StockItem").objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        model_at(BEFORE, "Location").objects.create(code="STORE", name="again")
    model_at(BEFORE, "Location").objects.create(code="OLD", name="made before 0005")

    migrate(AFTER)

    assert guarantee_problems() == []
    assert sorted(Location.objects.values_list("org_key", "code")) == [("", "OLD"), ("", "STORE")]
    assert list(StockItem.objects.values_list("pk", "org_key", "sku")) == [(old_item.pk, "", "AMOX-500")]
    migrate(ITEM_STATUS)  # the services read the item's status
    issue(location=store, lot=lot, quantity=2)
    assert balance(store, lot) == 3 and balances_differing_from_movements() == []
    # Unique as before without an org; an org may now reuse the keys.
    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.create(code="STORE", name="again")
    Location.objects.create(org="org-a", code="STORE", name="org a's")
    StockItem.objects.create(org="org-a", sku="AMOX-500", name="org a's")


def test_backwards_is_refused_while_two_orgs_share_a_key_then_makes_keys_unique_again(store, lot):
    receive(location=store, lot=lot, quantity=5)
    StockItem.objects.create(org="org-a", sku="AMOX-500", name="org a's")
    Location.objects.create(org="org-a", code="STORE", name="org a's")
    Location.objects.create(org="org-b", code="ELSEWHERE", name="org b's")

    with pytest.raises(IntegrityError, match=r"StockItem\.sku 'AMOX-500', Location\.code 'STORE'"):
        migrate(BEFORE)
    # Refused before any change: still at 0005, constraints and all.
    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.create(org="org-a", code="STORE", name="twice")

    model_at(AFTER, "StockItem").objects.filter(org_key="org-a").delete()  # 0006 was unapplied on the way
    Location.objects.filter(org_key="org-a").delete()
    migrate(BEFORE)

    assert guarantee_problems() == []
    before = model_at(BEFORE, "Location")
    assert sorted(before.objects.values_list("code", flat=True)) == ["ELSEWHERE", "STORE"]
    with pytest.raises(IntegrityError), transaction.atomic():
        before.objects.create(code="ELSEWHERE", name="twice")
    with pytest.raises(IntegrityError), transaction.atomic():
        model_at(BEFORE, "StockItem").objects.create(sku="AMOX-500", name="twice")
    assert balance(store.pk, lot) == 5 and balances_differing_from_movements() == []


def test_existing_items_become_active_and_keep_moving(store, lot):
    receive(location=store, lot=lot, quantity=5)
    migrate(AFTER)
    model_at(AFTER, "StockItem").objects.create(sku="OLD", name="made before 0006")
    assert guarantee_problems() == []

    migrate(ITEM_STATUS)

    assert guarantee_problems() == []
    assert sorted(StockItem.objects.values_list("sku", "status")) == [("AMOX-500", "active"), ("OLD", "active")]
    issue(location=store, lot=lot, quantity=2)
    assert balance(store, lot) == 3 and balances_differing_from_movements() == []
    with pytest.raises(IntegrityError), transaction.atomic():
        StockItem.objects.filter(sku="OLD").update(status="withdrawn")


@pytest.mark.parametrize("backwards", [False, True])
def test_the_block_permission_migration_has_no_sql(backwards):
    """Only the model's options change: the lot table is not rebuilt (on SQLite neither), whatever the vendor."""
    out = io.StringIO()
    call_command("sqlmigrate", "django_stock", BLOCK_PERMISSION, backwards=backwards, stdout=out)
    lines = [line.strip() for line in out.getvalue().splitlines()]
    assert "-- Change Meta options on lot" in lines
    assert [line for line in lines if line and not line.startswith("--") and line not in ("BEGIN;", "COMMIT;")] == []


def test_migrating_creates_the_block_permission_and_keeps_the_lots_and_their_stock(store, lot):
    receive(location=store, lot=lot, quantity=5)
    migrate(ITEM_STATUS)
    # A site at 0006 has no such permission (Django creates the permissions of the models as they are now).
    Permission.objects.filter(content_type__app_label="django_stock", codename="block_lot").delete()

    migrate(BLOCK_PERMISSION)

    assert guarantee_problems() == []
    permission = Permission.objects.get(content_type__app_label="django_stock", codename="block_lot")
    assert permission.name == "Can block and unblock lots and items"
    assert list(Lot.objects.values_list("pk", "status")) == [(lot.pk, "active")]
    issue(location=store, lot=lot, quantity=2)
    assert balance(store, lot) == 3 and balances_differing_from_movements() == []
