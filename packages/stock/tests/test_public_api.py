"""The public API imports from the package root, before the app registry too; former exception names are aliases."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

import django_stock
from django_basemodels.testing import assert_former_exception_names, run_without_settings
from django_stock import exceptions

FORMER_NAMES = [
    "InvalidQuantity",
    "InvalidMovement",
    "InsufficientStock",
    "LotUnavailable",
    "LotBlocked",
    "LotExpired",
    "LotRecalled",
    "UnknownObject",
    "UnknownLocation",
    "UnknownLot",
    "UnknownItem",
    "UnknownMovement",
    "MovementImmutable",
    "MovementNotReversible",
    "ReturnExceedsIssued",
    "InvalidStatusChange",
    "StockPermissionDenied",
]
# Added under the ...Error names, with no former name.
NEW_NAMES = ["CrossOrgMovementError", "ItemBlockedError"]


def test_every_public_name_resolves_from_the_package_root():
    from django_stock import selectors, services

    assert all(getattr(django_stock, name) is not None for name in django_stock.__all__)
    assert set(services.__all__) <= set(django_stock.__all__)
    assert set(selectors.__all__) <= set(django_stock.__all__)
    assert django_stock.issue is services.issue
    assert django_stock.reverse_movement is services.reverse_movement
    assert django_stock.balance is selectors.balance
    assert django_stock.item_by_sku is selectors.item_by_sku
    assert django_stock.location_by_code is selectors.location_by_code
    assert django_stock.CrossOrgMovementError is exceptions.CrossOrgMovementError
    assert django_stock.ItemBlockedError is exceptions.ItemBlockedError
    assert django_stock.block_item is services.block_item
    assert django_stock.unblock_item is services.unblock_item
    assert django_stock.lot_recipients is selectors.lot_recipients
    assert django_stock.LotRecipient is selectors.LotRecipient
    with pytest.raises(AttributeError):
        django_stock.issues  # noqa: B018


def test_the_services_module_still_exports_every_service():
    from django_stock import services
    from django_stock.services import items, lots, movements, reversals

    assert services.transfer is movements.transfer
    assert services.recall_lot is lots.recall_lot
    assert services.block_item is items.block_item
    assert services.reverse_movement is reversals.reverse_movement
    assert all(callable(getattr(services, name)) for name in services.__all__)


def test_the_package_imports_without_settings_or_the_app_registry():
    script = "import django_stock as s; print(s.StockError.__name__, 'issue' in s.__all__)"
    result = run_without_settings(script)
    assert (result.returncode, result.stdout.strip()) == (0, "StockError True"), result.stderr


def test_the_former_exception_names_are_aliases_of_the_error_names():
    assert_former_exception_names("django_stock", FORMER_NAMES, base=exceptions.StockError)


def test_every_exception_class_is_named_error():
    classes = {
        value
        for value in vars(exceptions).values()
        if isinstance(value, type) and value.__module__ == exceptions.__name__
    }
    assert len(classes) == len(FORMER_NAMES) + len(NEW_NAMES) + 1
    assert all(cls.__name__.endswith("Error") for cls in classes)


def test_the_new_errors_are_public_and_stock_errors():
    assert set(NEW_NAMES) <= set(django_stock.__all__)
    assert issubclass(exceptions.CrossOrgMovementError, exceptions.InvalidMovementError)
    error = exceptions.CrossOrgMovementError("mixed", org_keys={"item": "org-a", "location": ""})
    assert isinstance(error, exceptions.StockError) and error.org_keys == {"item": "org-a", "location": ""}
    blocked = exceptions.ItemBlockedError("withdrawn", item="the item")
    assert isinstance(blocked, exceptions.LotUnavailableError)
    assert (blocked.item, blocked.lot, blocked.status) == ("the item", None, None)


def test_insufficient_stock_error_keeps_what_was_requested_and_available():
    error = exceptions.InsufficientStockError("short", requested=3, available=1, location=None)
    assert (error.requested, error.available) == (3, 1)
    assert isinstance(error, exceptions.InsufficientStock)


def test_reverse_movement_takes_the_movement_by_position_and_the_rest_by_keyword():
    import inspect

    parameters = inspect.signature(django_stock.reverse_movement).parameters
    kinds = {name: p.kind for name, p in parameters.items()}
    assert kinds.pop("movement") is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert set(kinds.values()) == {inspect.Parameter.KEYWORD_ONLY}


@pytest.mark.django_db
def test_models_and_migrations_agree():
    output = StringIO()
    call_command("makemigrations", "django_stock", check=True, dry_run=True, stdout=output)
    assert "No changes detected" in output.getvalue()
