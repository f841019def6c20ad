"""The people every torture test needs (``world``), made through the packages' own services."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from django_basemodels.testing import truncate_when_flushing
from django_parties.models import Organization, Person
from django_rbac import services as rbac
from tests.torture.surfaces import World

# Every permission an undo needs, held by the manager through one RBAC role (RoleBackend answers has_perm).
UNDO_PERMISSIONS = [
    "django_ledger.reverse_transaction",
    "django_stock.reverse_stockmovement",
    "django_stock.recall_lot",
    "django_stock.block_lot",
    "django_catalog.add_dispensereversal",
    "django_budget.void_budgettransaction",
    "django_agreements.amend_agreement",
    "django_agreements.terminate_agreement",
    "django_settlements.reverse_settlement",
    "django_settlements.change_creditlimit",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    truncate_when_flushing()  # MariaDB: empty the append-only tables after committed tests as PostgreSQL does


@pytest.fixture
def world(db) -> World:
    users = get_user_model().objects
    root = users.create_user(username="root", is_superuser=True, is_staff=True)
    controller = rbac.create_role(
        by=root, name="Controller", slug="controller", hierarchy_level=60, permissions=UNDO_PERMISSIONS
    )
    manager = users.create_user(username="manager", is_staff=True)
    rbac.assign_role(by=root, user=manager, role=controller)
    clerk = users.create_user(username="clerk")
    return World(
        root=root,
        manager=users.get(pk=manager.pk),
        clerk=clerk,
        principal=Organization.objects.create(name="Clinic North", kind="clinic"),
        patient=Person.objects.create(given_name="Ada", family_name="Lovelace"),
        controller=controller,
    )
