"""add_item and remove_item: draft baskets only, orderable items only, one item per idempotency key."""

import pytest
from django.db import IntegrityError, transaction

from django_catalog.exceptions import (
    BasketNotDraftError,
    IdempotencyKeyConflictError,
    InvalidIdempotencyKeyError,
    InvalidQuantityError,
    InvalidUserError,
    ItemNotOrderableError,
)
from django_catalog.models import BasketItem, CatalogSettings
from django_catalog.services import add_item, cancel_basket, commit_basket, get_or_create_draft_basket, remove_item
from django_decisioning.testing import assert_idempotent
from tests.expiry import expire_and_purge_idempotency_keys
from tests.testapp.models import Encounter

pytestmark = pytest.mark.django_db


def test_adding_creates_a_basket_item_with_its_quantity_and_author(basket, user, blood_test):
    item = add_item(basket=basket, catalog_item=blood_test, by=user, quantity=2)

    assert (item.basket, item.catalog_item, item.quantity, item.added_by) == (basket, blood_test, 2, user)
    assert str(item) == f"2 x {blood_test.pk}"


def test_adding_twice_without_a_request_key_adds_two_items(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    add_item(basket=basket, catalog_item=blood_test, by=user)

    assert basket.items.count() == 2


def test_a_double_click_with_the_same_request_key_adds_one_item(basket, user, blood_test):
    results = assert_idempotent(
        lambda: add_item(basket=basket, catalog_item=blood_test, by=user, idempotency_key="click-1"),
        count=BasketItem.objects.count,
        times=3,
    )

    assert results[0].idempotency_key == "click-1"


def test_the_same_key_in_another_basket_is_another_request_and_a_conflict(basket, user, blood_test):
    other_basket = get_or_create_draft_basket(Encounter.objects.create(patient="Grace"), user)
    add_item(basket=basket, catalog_item=blood_test, by=user, idempotency_key="click-1")

    with pytest.raises(IdempotencyKeyConflictError):
        add_item(basket=other_basket, catalog_item=blood_test, by=user, idempotency_key="click-1")
    assert not other_basket.items.exists()


def test_once_the_key_is_purged_another_basket_may_use_it(basket, user, blood_test):
    # The line stores its key unique per basket: decisioning's record of the key is what spans baskets.
    other_basket = get_or_create_draft_basket(Encounter.objects.create(patient="Grace"), user)
    add_item(basket=basket, catalog_item=blood_test, by=user, idempotency_key="click-1")
    expire_and_purge_idempotency_keys()

    add_item(basket=other_basket, catalog_item=blood_test, by=user, idempotency_key="click-1")

    assert BasketItem.objects.filter(idempotency_key="click-1").count() == 2


def test_request_keys_differing_only_in_case_are_two_requests(basket, user, blood_test):
    # Keys are compared byte by byte on every database (a binary collation on MariaDB/MySQL).
    first = add_item(basket=basket, catalog_item=blood_test, by=user, idempotency_key="click-A")
    second = add_item(basket=basket, catalog_item=blood_test, by=user, quantity=2, idempotency_key="click-a")

    assert first.pk != second.pk
    assert [item.idempotency_key for item in BasketItem.objects.filter(idempotency_key="click-a")] == ["click-a"]


def test_a_request_key_reused_for_another_item_is_a_conflict(basket, user, blood_test, amoxicillin):
    add_item(basket=basket, catalog_item=blood_test, by=user, idempotency_key="click-1")

    with pytest.raises(IdempotencyKeyConflictError):
        add_item(basket=basket, catalog_item=amoxicillin, by=user, idempotency_key="click-1")


def test_a_request_key_reused_with_another_quantity_is_a_conflict(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user, idempotency_key="click-1")

    with pytest.raises(IdempotencyKeyConflictError):
        add_item(basket=basket, catalog_item=blood_test, by=user, quantity=5, idempotency_key="click-1")


def test_a_retry_after_the_commit_returns_the_item_the_first_request_added(basket, user, blood_test):
    item = add_item(basket=basket, catalog_item=blood_test, by=user, idempotency_key="click-1")
    commit_basket(basket, user)

    assert add_item(basket=basket, catalog_item=blood_test, by=user, idempotency_key="click-1") == item


def test_the_database_refuses_two_items_with_one_request_key_in_a_basket(basket, user, blood_test):
    BasketItem.objects.create(basket=basket, catalog_item=blood_test, added_by=user, idempotency_key="k")

    with pytest.raises(IntegrityError), transaction.atomic():
        BasketItem.objects.create(basket=basket, catalog_item=blood_test, added_by=user, idempotency_key="k")


def test_nothing_can_be_added_to_a_committed_basket(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    commit_basket(basket, user)

    with pytest.raises(BasketNotDraftError):
        add_item(basket=basket, catalog_item=blood_test, by=user)


def test_nothing_can_be_added_to_a_cancelled_basket(basket, user, blood_test):
    cancel_basket(basket, by=user)

    with pytest.raises(BasketNotDraftError):
        add_item(basket=basket, catalog_item=blood_test, by=user, idempotency_key="new")


def test_an_inactive_item_is_refused(basket, user, make_catalog_item):
    with pytest.raises(ItemNotOrderableError):
        add_item(basket=basket, catalog_item=make_catalog_item(active=False), by=user)
    assert not BasketItem.objects.exists()


def test_an_item_deactivated_after_it_was_loaded_is_refused(basket, user, blood_test):
    type(blood_test).objects.filter(pk=blood_test.pk).update(active=False)

    with pytest.raises(ItemNotOrderableError):
        add_item(basket=basket, catalog_item=blood_test, by=user)


def test_an_inactive_item_is_accepted_when_the_catalog_settings_allow_it(basket, user, make_catalog_item):
    catalog_settings = CatalogSettings.get_instance()
    catalog_settings.allow_inactive_items = True
    catalog_settings.save()

    assert add_item(basket=basket, catalog_item=make_catalog_item(active=False), by=user)


def test_a_deleted_item_is_refused_even_when_inactive_items_are_allowed(basket, user, blood_test):
    CatalogSettings.objects.update_or_create(pk=1, defaults={"allow_inactive_items": True})
    blood_test.delete()

    with pytest.raises(ItemNotOrderableError):
        add_item(basket=basket, catalog_item=blood_test, by=user)


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "2", True, None])
def test_the_quantity_must_be_a_positive_integer(basket, user, blood_test, quantity):
    with pytest.raises(InvalidQuantityError):
        add_item(basket=basket, catalog_item=blood_test, by=user, quantity=quantity)


def test_the_database_refuses_a_zero_quantity(basket, user, blood_test):
    with pytest.raises(IntegrityError), transaction.atomic():
        BasketItem.objects.create(basket=basket, catalog_item=blood_test, added_by=user, quantity=0)


@pytest.mark.parametrize("idempotency_key", ["", "x" * 256, 7])
def test_the_request_key_must_be_a_short_non_empty_string(basket, user, blood_test, idempotency_key):
    with pytest.raises(InvalidIdempotencyKeyError):
        add_item(basket=basket, catalog_item=blood_test, by=user, idempotency_key=idempotency_key)


def test_adding_needs_a_saved_user(basket, blood_test, django_user_model):
    with pytest.raises(InvalidUserError):
        add_item(basket=basket, catalog_item=blood_test, by=django_user_model(username="ghost"))


def test_removing_an_item_from_a_draft_deletes_it(basket, user, blood_test):
    item = add_item(basket=basket, catalog_item=blood_test, by=user)

    remove_item(basket_item=item)

    assert not BasketItem.objects.exists()


def test_items_of_a_committed_basket_cannot_be_removed(basket, user, blood_test):
    item = add_item(basket=basket, catalog_item=blood_test, by=user)
    commit_basket(basket, user)

    with pytest.raises(BasketNotDraftError):
        remove_item(basket_item=item)
    assert BasketItem.objects.filter(pk=item.pk).exists()
