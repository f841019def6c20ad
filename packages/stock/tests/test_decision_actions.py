"""Decisions are recorded as ``django_stock.<service>``; migration 0004 renames those stored as ``expire_lot``."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from django_decisioning.models import Decision
from django_decisioning.services import record_decision
from django_stock import expire_lots


@pytest.mark.django_db
def test_expire_lots_records_its_own_name(make_lot):
    lot = make_lot(expires_in=0)
    expire_lots()
    assert Decision.objects.for_target(lot).get().action == "django_stock.expire_lots"


@pytest.fixture
def at_the_latest_migration():
    yield
    call_command("migrate", "django_stock", verbosity=0)


def actions() -> list[str]:
    return sorted(Decision.objects.values_list("action", flat=True))


# The decisions are committed (the migration runs outside a test transaction): committed_db empties them.
def test_decisions_stored_as_expire_lot_are_renamed_both_ways(committed_db, at_the_latest_migration, make_lot):
    lot = make_lot(expires_in=0)
    call_command("migrate", "django_stock", "0003", verbosity=0)
    record_decision(action="django_stock.expire_lot", by=None, target=lot, outcome="expired")
    record_decision(action="django_stock.block_lot", by=None, target=lot, outcome="blocked")

    call_command("migrate", "django_stock", "0004", verbosity=0)
    assert actions() == ["django_stock.block_lot", "django_stock.expire_lots"]

    call_command("migrate", "django_stock", "0003", verbosity=0)
    assert actions() == ["django_stock.block_lot", "django_stock.expire_lot"]
