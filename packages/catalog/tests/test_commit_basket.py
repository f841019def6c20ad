"""commit_basket: one work item per basket item, routing and snapshots taken at commit, idempotent."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from django_catalog.exceptions import (
    BasketNotDraftError,
    EmptyBasketError,
    InvalidUserError,
    ItemNotOrderableError,
    RoutingError,
)
from django_catalog.models import Basket, BasketItem, CatalogItem, CatalogSettings, WorkItem
from django_catalog.services import (
    COMMIT_ACTION,
    add_item,
    cancel_basket,
    commit_basket,
    get_or_create_draft_basket,
)
from django_decisioning.models import Decision
from django_decisioning.testing import assert_idempotent, assert_snapshot_independent
from tests.testapp import routing as test_routing

pytestmark = pytest.mark.django_db


def test_commit_spawns_one_pending_work_item_per_basket_item_in_basket_order(basket, user, blood_test, amoxicillin):
    first = add_item(basket=basket, catalog_item=blood_test, by=user)
    second = add_item(basket=basket, catalog_item=amoxicillin, by=user, quantity=2)

    work_items = commit_basket(basket, user)

    assert [w.basket_item_id for w in work_items] == [first.pk, second.pk]
    assert WorkItem.objects.count() == 2
    assert all(w.status == WorkItem.Status.PENDING and w.basket_id == basket.pk for w in work_items)
    assert [w.quantity for w in work_items] == [1, 2]


def test_commit_marks_the_basket_committed_by_the_user(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)

    commit_basket(basket, user)

    stored = Basket.objects.get(pk=basket.pk)
    assert stored.status == Basket.Status.COMMITTED
    assert stored.committed_by == user
    assert stored.committed_at is not None


def test_commit_updates_the_callers_basket_instance(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    stale = Basket.objects.get(pk=basket.pk)

    commit_basket(stale, user)

    assert stale.status == Basket.Status.COMMITTED
    assert stale.committed_by_id == user.pk


def test_work_item_stores_the_board_decided_at_commit(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)

    [work_item] = commit_basket(basket, user)
    CatalogItem.objects.filter(pk=blood_test.pk).update(routing="imaging")

    work_item.refresh_from_db()
    assert work_item.board == "lab"
    assert BasketItem.objects.get().routing_snapshot == "lab"


def test_item_without_routing_goes_to_the_default_routing_of_the_catalog_settings(basket, user, make_catalog_item):
    CatalogSettings.objects.update_or_create(pk=1, defaults={"default_routing": "front-desk"})
    add_item(basket=basket, catalog_item=make_catalog_item(routing=""), by=user)

    [work_item] = commit_basket(basket, user)

    assert work_item.board == "front-desk"


@pytest.mark.parametrize(
    ("fields", "board"),
    [
        ({"service_category": "imaging"}, "imaging"),
        ({"service_category": ""}, "general"),
        ({"service_category": "", "kind": CatalogItem.Kind.STOCK_ITEM}, "pharmacy"),
        ({"service_category": "pharmacy", "kind": CatalogItem.Kind.STOCK_ITEM}, "pharmacy"),
    ],
)
def test_an_item_without_routing_goes_to_its_category_else_the_board_of_its_kind(
    basket, user, make_catalog_item, fields, board
):
    add_item(basket=basket, catalog_item=make_catalog_item(routing="", **fields), by=user)

    [work_item] = commit_basket(basket, user)

    assert work_item.board == board
    assert BasketItem.objects.get().routing_snapshot == board


def test_the_site_default_routing_comes_before_the_category(basket, user, make_catalog_item):
    CatalogSettings.objects.update_or_create(pk=1, defaults={"default_routing": "triage"})
    add_item(basket=basket, catalog_item=make_catalog_item(routing="", service_category="imaging"), by=user)

    [work_item] = commit_basket(basket, user)

    assert work_item.board == "triage"


def test_commit_refuses_an_item_with_no_board_and_writes_nothing(settings, basket, user, blood_test, make_catalog_item):
    settings.CATALOG_WORK_ITEM_ROUTER = "django_catalog.routing.route_by_explicit_routing"
    add_item(basket=basket, catalog_item=blood_test, by=user)
    add_item(basket=basket, catalog_item=make_catalog_item(routing="", display_name="Urine Test"), by=user)

    with pytest.raises(RoutingError) as refused:
        commit_basket(basket, user)

    assert "Urine Test" in str(refused.value)
    assert "routing=" in str(refused.value)
    assert "CatalogSettings.default_routing" in str(refused.value)

    assert WorkItem.objects.count() == 0
    assert Basket.objects.get(pk=basket.pk).status == Basket.Status.DRAFT
    assert not BasketItem.objects.exclude(display_name_snapshot="").exists()
    assert not Decision.objects.exists()


def test_a_router_from_the_setting_decides_the_board(settings, basket, user, blood_test, amoxicillin):
    settings.CATALOG_WORK_ITEM_ROUTER = "tests.testapp.routing.route_stock_items_to_pharmacy"
    amoxicillin.routing = "ward"
    amoxicillin.save()
    add_item(basket=basket, catalog_item=blood_test, by=user)
    add_item(basket=basket, catalog_item=amoxicillin, by=user)

    work_items = commit_basket(basket, user)

    assert [w.board for w in work_items] == ["lab", "pharmacy"]


@pytest.mark.parametrize("router", ["route_nowhere", "route_to_a_number"])
def test_a_router_answer_that_is_not_a_board_name_is_refused(settings, basket, user, blood_test, router):
    settings.CATALOG_WORK_ITEM_ROUTER = f"tests.testapp.routing.{router}"
    add_item(basket=basket, catalog_item=blood_test, by=user)

    with pytest.raises(RoutingError):
        commit_basket(basket, user)


def test_a_router_setting_that_cannot_be_imported_fails_the_commit(settings, basket, user, blood_test):
    settings.CATALOG_WORK_ITEM_ROUTER = "tests.testapp.routing.missing"
    add_item(basket=basket, catalog_item=blood_test, by=user)

    with pytest.raises(ImproperlyConfigured):
        commit_basket(basket, user)
    assert WorkItem.objects.count() == 0


def test_commit_snapshots_name_and_price_on_each_basket_item(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)

    commit_basket(basket, user)

    item = BasketItem.objects.get()
    assert item.display_name_snapshot == "Blood Test"
    assert item.price_amount_snapshot == Decimal("25")
    assert item.price_currency_snapshot == "USD"


def test_snapshots_do_not_follow_a_later_rename_or_price_change(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    commit_basket(basket, user)

    def change_the_catalog():
        CatalogItem.objects.filter(pk=blood_test.pk).update(
            display_name="Full Blood Count", price_amount=Decimal("99"), price_currency="EUR", routing="imaging"
        )

    def read(basket_item):
        work_item = WorkItem.objects.get(basket_item=basket_item)
        return (
            basket_item.display_name_snapshot,
            basket_item.price_amount_snapshot,
            basket_item.price_currency_snapshot,
            basket_item.routing_snapshot,
            work_item.display_name,
            work_item.board,
        )

    snapshot = assert_snapshot_independent(BasketItem.objects.get(), mutate=change_the_catalog, read=read)

    assert snapshot == ("Blood Test", Decimal("25"), "USD", "lab", "Blood Test", "lab")


def test_commit_records_a_decision_with_the_items_as_evidence(basket, user, blood_test):
    item = add_item(basket=basket, catalog_item=blood_test, by=user, quantity=3)

    commit_basket(basket, user)

    decision = Decision.objects.for_target(basket).get()
    assert (decision.action, decision.outcome, decision.actor) == (COMMIT_ACTION, "committed", user)
    [evidence] = decision.evidence["items"]
    assert evidence == {
        "basket_item": str(item.pk),
        "catalog_item": str(blood_test.pk),
        "kind": "service",
        "display_name": "Blood Test",
        "quantity": 3,
        "price_amount": "25.0000",
        "price_currency": "USD",
        "board": "lab",
    }


def test_decision_evidence_is_independent_of_later_catalog_changes(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    commit_basket(basket, user)
    decision = Decision.objects.for_target(basket).get()

    assert_snapshot_independent(
        decision, mutate=lambda: CatalogItem.objects.update(display_name="Renamed", price_amount=Decimal("1"))
    )


def test_a_second_commit_returns_the_same_work_items_and_spawns_nothing(basket, user, other_user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    add_item(basket=basket, catalog_item=blood_test, by=user, quantity=2)
    first = commit_basket(basket, user)

    again = commit_basket(basket, other_user)

    assert again == first
    assert WorkItem.objects.count() == 2
    assert Decision.objects.count() == 1
    assert Basket.objects.get(pk=basket.pk).committed_by == user


def test_retrying_a_commit_three_times_has_exactly_one_effect(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)

    [first, *_] = assert_idempotent(lambda: commit_basket(basket, user), count=Decision.objects.count, times=3)

    assert len(first) == 1
    assert WorkItem.objects.count() == 1


def test_the_database_refuses_a_second_work_item_for_a_basket_item(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    [work_item] = commit_basket(basket, user)
    duplicate = WorkItem(
        basket=basket,
        basket_item=work_item.basket_item,
        catalog_item=blood_test,
        display_name="x",
        quantity=1,
        board="lab",
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        WorkItem.objects.bulk_create([duplicate])


def test_an_empty_basket_cannot_be_committed(basket, user):
    with pytest.raises(EmptyBasketError):
        commit_basket(basket, user)
    assert Basket.objects.get(pk=basket.pk).status == Basket.Status.DRAFT


def test_a_cancelled_basket_cannot_be_committed(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    cancel_basket(basket, by=user)

    with pytest.raises(BasketNotDraftError):
        commit_basket(basket, user)
    assert WorkItem.objects.count() == 0


def test_an_item_deactivated_after_it_was_added_blocks_the_commit(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    CatalogItem.objects.filter(pk=blood_test.pk).update(active=False)

    with pytest.raises(ItemNotOrderableError):
        commit_basket(basket, user)
    assert WorkItem.objects.count() == 0


def test_an_item_deleted_after_it_was_added_blocks_the_commit(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    blood_test.delete()

    with pytest.raises(ItemNotOrderableError):
        commit_basket(basket, user)


def test_inactive_items_commit_when_the_catalog_settings_allow_them(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    CatalogItem.objects.filter(pk=blood_test.pk).update(active=False)
    CatalogSettings.objects.update_or_create(pk=1, defaults={"allow_inactive_items": True})

    assert len(commit_basket(basket, user)) == 1


def test_commit_needs_a_saved_user(basket, blood_test, user, django_user_model):
    add_item(basket=basket, catalog_item=blood_test, by=user)

    with pytest.raises(InvalidUserError):
        commit_basket(basket, django_user_model(username="ghost"))


def test_commit_queries_do_not_grow_with_the_number_of_items(encounter, user, blood_test, make_catalog_item):
    CatalogSettings.get_instance()
    warm_up = get_or_create_draft_basket(encounter, user)
    add_item(basket=warm_up, catalog_item=blood_test, by=user)
    commit_basket(warm_up, user)  # warms the content type cache used by the decision

    def queries_to_commit(count: int) -> int:
        basket = get_or_create_draft_basket(encounter, user)
        for index in range(count):
            add_item(basket=basket, catalog_item=make_catalog_item(display_name=f"Test {index}"), by=user)
        with CaptureQueriesContext(connection) as queries:
            commit_basket(basket, user)
        return len(queries)

    assert queries_to_commit(2) == queries_to_commit(20)


def test_a_repeated_commit_reads_its_work_items_in_one_query_whatever_their_number(basket, user, make_catalog_item):
    for index in range(5):
        add_item(basket=basket, catalog_item=make_catalog_item(display_name=f"Test {index}"), by=user)
    commit_basket(basket, user)

    with CaptureQueriesContext(connection) as queries:
        work_items = commit_basket(basket, user)
        [w.board for w in work_items]

    reads = [q["sql"] for q in queries if "django_catalog_workitem" in q["sql"]]
    assert len(reads) == 1


def test_the_router_is_called_once_per_basket_item(settings, basket, user, blood_test, amoxicillin):
    settings.CATALOG_WORK_ITEM_ROUTER = "tests.testapp.routing.route_stock_items_to_pharmacy"
    test_routing.calls.clear()
    items = [add_item(basket=basket, catalog_item=i, by=user) for i in (blood_test, amoxicillin)]

    commit_basket(basket, user)
    commit_basket(basket, user)

    assert test_routing.calls == [item.pk for item in items]
