"""The public API: importable from the package root (also before Django is set up), one name per argument
(``by=``, ``idempotency_key=``), the former keywords and exception names kept for one release."""

import inspect
import subprocess
import sys

import pytest

import django_catalog
from django_basemodels import ANY_ORG
from django_catalog import exceptions, services
from django_catalog.models import Basket, BasketItem, DispenseLog, WorkItem
from django_catalog.querysets import BasketQuerySet, CatalogItemQuerySet, DispenseLogQuerySet, WorkItemQuerySet

pytestmark = pytest.mark.django_db

SERVICES = [
    "add_item",
    "assign_work_item",
    "cancel_basket",
    "cancel_work_item",
    "commit_basket",
    "complete_work_item",
    "get_or_create_draft_basket",
    "record_dispense",
    "remove_item",
    "reverse_dispense",
    "start_work_item",
]


@pytest.mark.parametrize("name", django_catalog.__all__)
def test_every_exported_name_resolves(name):
    assert getattr(django_catalog, name) is not None


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_is_exported_from_the_root_and_from_services(name):
    assert name in django_catalog.__all__
    assert getattr(django_catalog, name) is getattr(services, name)


def test_the_tenancy_error_is_exported():
    assert "CrossOrgBasketError" in django_catalog.__all__
    assert django_catalog.CrossOrgBasketError is exceptions.CrossOrgBasketError
    assert issubclass(exceptions.CrossOrgBasketError, exceptions.CatalogError)


ORG_SELECTORS = [
    (CatalogItemQuerySet, ["active", "services", "stock_items", "in_category"]),
    (BasketQuerySet, ["drafts", "committed"]),
    (
        WorkItemQuerySet,
        ["for_board", "open", "pending", "in_progress", "completed", "cancelled", "assigned_to", "unassigned"],
    ),
    (WorkItemQuerySet, ["board_counts"]),
    (DispenseLogQuerySet, ["as_of", "known_at", "dispensed_by", "for_lot"]),
]


@pytest.mark.parametrize(
    ("queryset", "name"), [(queryset, name) for queryset, names in ORG_SELECTORS for name in names]
)
def test_every_listing_beyond_one_encounter_takes_org_keyword_only_default_any_org(queryset, name):
    parameter = inspect.signature(getattr(queryset, name)).parameters["org"]

    assert (parameter.kind, parameter.default) == (inspect.Parameter.KEYWORD_ONLY, ANY_ORG)
    assert callable(queryset.for_org)


NEW_NAMES = [
    "reverse_dispense",
    "route_by_explicit_routing",
    "CatalogPermissionDeniedError",
    "FactImmutableError",
    "InvalidLotError",
    "NotReversibleError",
    "ReasonRequiredError",
]


@pytest.mark.parametrize("name", NEW_NAMES)
def test_the_reversal_lot_and_routing_names_are_exported(name):
    assert name in django_catalog.__all__
    value = getattr(django_catalog, name)
    assert not isinstance(value, type) or issubclass(value, exceptions.CatalogError)


def test_the_new_keywords_of_record_dispense_and_cancel_work_item_are_keyword_only():
    dispense = inspect.signature(services.record_dispense).parameters
    cancel = inspect.signature(services.cancel_work_item).parameters
    reverse = inspect.signature(services.reverse_dispense).parameters

    assert all(dispense[name].kind is inspect.Parameter.KEYWORD_ONLY for name in ("lot", "on_behalf_of"))
    new_cancel_keywords = ("on_behalf_of", "effective_at", "idempotency_key")
    assert all(cancel[name].kind is inspect.Parameter.KEYWORD_ONLY for name in new_cancel_keywords)
    assert list(reverse) == ["dispense", "reason", "by", "on_behalf_of", "effective_at", "idempotency_key"]
    assert reverse["dispense"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD


def test_an_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError):
        django_catalog.no_such_name  # noqa: B018


def test_dir_lists_the_lazy_exports():
    assert set(SERVICES) <= set(dir(django_catalog))


def test_the_package_imports_without_settings():
    env = {"PATH": "", "PYTHONPATH": ":".join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-c", "import django_catalog; print(django_catalog.CatalogError)"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("InvalidEncounter", "InvalidEncounterError"),
        ("InvalidUser", "InvalidUserError"),
        ("InvalidQuantity", "InvalidQuantityError"),
        ("InvalidRequestKey", "InvalidIdempotencyKeyError"),
        ("InvalidEffectiveAt", "InvalidEffectiveAtError"),
        ("TextTooLong", "TextTooLongError"),
        ("ItemNotOrderable", "ItemNotOrderableError"),
        ("BasketNotDraft", "BasketNotDraftError"),
        ("EmptyBasket", "EmptyBasketError"),
        ("RequestKeyConflict", "IdempotencyKeyConflictError"),
        ("InvalidTransition", "InvalidTransitionError"),
        ("NotDispensable", "NotDispensableError"),
        ("AlreadyDispensed", "AlreadyDispensedError"),
        ("DispenseLogImmutable", "DispenseLogImmutableError"),
    ],
)
def test_old_exception_names_are_aliases(old, new):
    assert getattr(exceptions, old) is getattr(exceptions, new)
    assert getattr(django_catalog, old) is getattr(exceptions, new)
    assert issubclass(getattr(exceptions, new), exceptions.CatalogError)


def test_every_exception_class_ends_in_error():
    classes = {value for value in vars(exceptions).values() if isinstance(value, type) and issubclass(value, Exception)}
    own = {cls for cls in classes if cls.__module__ == exceptions.__name__}
    assert own and all(cls.__name__.endswith("Error") for cls in own)


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("add_item", "user", "by"),
        ("add_item", "request_key", "idempotency_key"),
        ("cancel_basket", "user", "by"),
        ("start_work_item", "user", "by"),
        ("complete_work_item", "user", "by"),
        ("cancel_work_item", "user", "by"),
        ("record_dispense", "user", "by"),
    ],
)
def test_the_signature_shows_only_the_new_keyword(name, old, new):
    parameters = inspect.signature(getattr(services, name)).parameters
    assert new in parameters
    assert old not in parameters
    assert parameters[new].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize("name", SERVICES)
def test_at_most_one_parameter_is_passed_by_position(name):
    positional = [
        parameter
        for parameter in inspect.signature(getattr(services, name)).parameters.values()
        if parameter.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    # The roadmap fixes get_or_create_draft_basket(encounter, user) and commit_basket(basket, user).
    allowed = 2 if name in ("get_or_create_draft_basket", "commit_basket") else 1
    assert len(positional) <= allowed


def test_the_roadmap_signatures_keep_working(encounter, user, blood_test):
    basket = services.get_or_create_draft_basket(encounter, user)
    services.add_item(basket=basket, catalog_item=blood_test, by=user)

    assert len(services.commit_basket(basket, user)) == 1


def test_the_former_keywords_still_work_with_a_deprecation_warning(encounter, user, other_user, amoxicillin):
    basket = services.get_or_create_draft_basket(encounter, user)
    with pytest.warns(DeprecationWarning) as warned:
        line = services.add_item(basket=basket, catalog_item=amoxicillin, user=user, request_key="line-1")
    assert sorted(str(warning.message).split("(")[1].split(")")[0] for warning in warned) == [
        "request_key=...",
        "user=...",
    ]
    assert BasketItem.objects.get(pk=line.pk).idempotency_key == "line-1"

    [work_item] = services.commit_basket(basket, user)
    with pytest.warns(DeprecationWarning, match="user="):
        services.start_work_item(work_item, user=other_user)
    with pytest.warns(DeprecationWarning, match="user="):
        services.complete_work_item(work_item, user=other_user)
    with pytest.warns(DeprecationWarning, match="user="):
        services.record_dispense(work_item=work_item, user=other_user)
    assert WorkItem.objects.get(pk=work_item.pk).completed_by == other_user
    assert DispenseLog.objects.get().dispensed_by == other_user


def test_cancel_work_item_and_cancel_basket_accept_the_former_keyword(encounter, user, blood_test):
    basket = services.get_or_create_draft_basket(encounter, user)
    services.add_item(basket=basket, catalog_item=blood_test, by=user)
    [work_item] = services.commit_basket(basket, user)
    with pytest.warns(DeprecationWarning, match="user="):
        services.cancel_work_item(work_item, user=user, reason="not needed")
    draft = services.get_or_create_draft_basket(encounter, user)
    with pytest.warns(DeprecationWarning, match="user="):
        services.cancel_basket(draft, user=user)

    assert WorkItem.objects.get(pk=work_item.pk).cancelled_by == user
    assert Basket.objects.get(pk=draft.pk).cancelled_by == user


def test_the_actor_of_cancel_basket_is_no_longer_positional(basket, user):
    with pytest.raises(TypeError):
        services.cancel_basket(basket, user)


def test_both_names_of_one_argument_are_refused(basket, user, blood_test):
    with pytest.raises(TypeError, match="by="):
        services.add_item(basket=basket, catalog_item=blood_test, by=user, user=user)
