"""Where the catalog refuses what a caller (or a roadmap example) does, the message says what to pass instead."""

import datetime as dt
import re

import pytest

from django_catalog import (
    AlreadyDispensedError,
    BasketNotDraftError,
    EmptyBasketError,
    InvalidEffectiveAtError,
    InvalidTransitionError,
    ItemNotOrderableError,
    add_item,
    cancel_basket,
    commit_basket,
    complete_work_item,
    get_or_create_draft_basket,
    record_dispense,
    remove_item,
    start_work_item,
)
from django_catalog.models import DispenseLog
from tests.testapp.models import Encounter

pytestmark = pytest.mark.django_db

NAIVE = dt.datetime(2026, 1, 1, 9, 0)
AWARE = "must be a timezone-aware datetime"
HINT = re.escape("(django.utils.timezone.now() or a datetime with tzinfo)")


def test_the_roadmaps_catalog_example_is_not_refused(encounter, user, make_catalog_item):
    item = make_catalog_item(routing="", price_amount=None, price_currency="")

    basket = get_or_create_draft_basket(encounter, user)
    add_item(basket=basket, catalog_item=item, by=user)

    assert [w.board for w in commit_basket(basket, user)] == ["lab"]


def test_an_empty_basket_says_how_to_add_items(basket, user):
    with pytest.raises(EmptyBasketError, match=r"add_item\(basket=basket, catalog_item=item, by=user\)"):
        commit_basket(basket, user)


def test_an_inactive_item_says_how_to_order_it(basket, user, make_catalog_item):
    with pytest.raises(ItemNotOrderableError, match=r"set active=True.*CatalogSettings\.allow_inactive_items"):
        add_item(basket=basket, catalog_item=make_catalog_item(active=False), by=user)


def test_a_deleted_item_says_how_to_restore_it(basket, user, make_catalog_item):
    item = make_catalog_item()
    item.delete()

    with pytest.raises(ItemNotOrderableError, match=r"restore it \(item\.restore\(\)\)"):
        add_item(basket=basket, catalog_item=item, by=user)


def test_a_committed_basket_says_where_to_add_and_how_to_undo(basket, user, blood_test):
    line = add_item(basket=basket, catalog_item=blood_test, by=user)
    commit_basket(basket, user)

    with pytest.raises(BasketNotDraftError, match=r"get_or_create_draft_basket\(encounter, user\)"):
        add_item(basket=basket, catalog_item=blood_test, by=user)
    with pytest.raises(BasketNotDraftError, match=r"cancel_work_item\(work_item, by=\.\.\.\)"):
        remove_item(basket_item=line)
    with pytest.raises(BasketNotDraftError, match=r"cancel_work_item\(work_item, by=\.\.\.\)"):
        cancel_basket(basket, by=user)


def test_a_cancelled_basket_says_to_open_a_new_draft(user, blood_test):
    basket = get_or_create_draft_basket(Encounter.objects.create(patient="P"), user)
    add_item(basket=basket, catalog_item=blood_test, by=user)
    line = basket.items.get()
    cancel_basket(basket, by=user)

    with pytest.raises(BasketNotDraftError, match=r"open a new draft with get_or_create_draft_basket"):
        commit_basket(basket, user)
    with pytest.raises(BasketNotDraftError, match=r"can no longer be removed\.$"):
        remove_item(basket_item=line)


def test_completing_a_pending_work_item_says_to_start_it_first(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    [work_item] = commit_basket(basket, user)

    with pytest.raises(InvalidTransitionError, match=r"only in-progress work can be completed\. Start it first"):
        complete_work_item(work_item, by=user)
    start_work_item(work_item, by=user)
    with pytest.raises(InvalidTransitionError, match=r"only pending work can be started\.$"):
        start_work_item(work_item, by=user)


def test_a_second_different_dispense_says_to_reverse_the_first(basket, user, other_user, amoxicillin):
    add_item(basket=basket, catalog_item=amoxicillin, by=user)
    [work_item] = commit_basket(basket, user)
    record_dispense(work_item=work_item, by=user)

    with pytest.raises(AlreadyDispensedError, match=r"reverse_dispense\(record, reason=\.\.\., by=\.\.\.\)"):
        record_dispense(work_item=work_item, by=other_user)


def test_a_service_item_says_which_items_are_dispensed(basket, user, blood_test):
    from django_catalog import NotDispensableError

    add_item(basket=basket, catalog_item=blood_test, by=user)
    [work_item] = commit_basket(basket, user)

    with pytest.raises(NotDispensableError, match="kind='stock_item'"):
        record_dispense(work_item=work_item, by=user)


def test_a_naive_datetime_says_what_to_pass(basket, user, amoxicillin):
    add_item(basket=basket, catalog_item=amoxicillin, by=user)
    [work_item] = commit_basket(basket, user)

    with pytest.raises(InvalidEffectiveAtError, match=f"effective_at {AWARE}( or None)? {HINT}"):
        record_dispense(work_item=work_item, by=user, effective_at=NAIVE)
    with pytest.raises(ValueError, match=f"when {AWARE} {HINT}"):
        DispenseLog.objects.as_of(NAIVE)
    with pytest.raises(InvalidEffectiveAtError, match=f"as_of {AWARE} {HINT}"):
        DispenseLog.objects.net_quantity(as_of=NAIVE)
