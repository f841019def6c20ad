"""idempotency_key= on add_item, commit_basket, cancel_basket and record_dispense: one effect per key,
also once decisioning forgot the key (the fact that stores it, or the basket's status, answers)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from django_catalog import IdempotencyKeyConflictError, InvalidIdempotencyKeyError
from django_catalog.models import Basket, BasketItem, DispenseLog, WorkItem
from django_catalog.services import (
    CANCEL_ACTION,
    COMMIT_ACTION,
    add_item,
    cancel_basket,
    commit_basket,
    get_or_create_draft_basket,
    record_dispense,
)
from django_decisioning import IdempotencyConflictError
from django_decisioning.models import Decision, IdempotencyKey
from tests.expiry import expire_and_purge_idempotency_keys
from tests.testapp.models import Encounter

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled_basket(basket, user, blood_test, amoxicillin):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    add_item(basket=basket, catalog_item=amoxicillin, by=user, quantity=2)
    return basket


@pytest.fixture
def work_items(db, user, amoxicillin):
    basket = get_or_create_draft_basket(Encounter.objects.create(patient="Grace"), user)
    add_item(basket=basket, catalog_item=amoxicillin, by=user, quantity=2)
    add_item(basket=basket, catalog_item=amoxicillin, by=user, quantity=3)
    return commit_basket(basket, user)


# add_item


def test_an_added_line_stores_its_key(basket, user, blood_test):
    line = add_item(basket=basket, catalog_item=blood_test, by=user, idempotency_key="line-1")

    assert BasketItem.objects.get(pk=line.pk).idempotency_key == "line-1"
    assert IdempotencyKey.objects.filter(scope="django_catalog.add_item", key="line-1").exists()


def test_a_retry_of_add_item_after_the_key_expired_returns_the_first_line(basket, user, blood_test):
    first = add_item(basket=basket, catalog_item=blood_test, by=user, quantity=2, idempotency_key="line-1")
    expire_and_purge_idempotency_keys()

    again = add_item(basket=basket, catalog_item=blood_test, by=user, quantity=2, idempotency_key="line-1")

    assert again == first
    assert BasketItem.objects.count() == 1


def test_a_retry_of_add_item_after_the_key_expired_and_the_commit_returns_the_first_line(basket, user, blood_test):
    first = add_item(basket=basket, catalog_item=blood_test, by=user, idempotency_key="line-1")
    commit_basket(basket, user)
    expire_and_purge_idempotency_keys()

    assert add_item(basket=basket, catalog_item=blood_test, by=user, idempotency_key="line-1") == first


@pytest.mark.parametrize("change", ["quantity", "by"])
def test_the_key_of_a_line_reused_for_another_request_after_it_expired_is_a_conflict(
    basket, user, other_user, blood_test, change
):
    add_item(basket=basket, catalog_item=blood_test, by=user, idempotency_key="line-1")
    expire_and_purge_idempotency_keys()
    arguments = {"quantity": 5} if change == "quantity" else {"by": other_user}

    with pytest.raises(IdempotencyKeyConflictError) as raised:
        add_item(**{"basket": basket, "catalog_item": blood_test, "by": user, **arguments, "idempotency_key": "line-1"})

    assert (raised.value.scope, raised.value.key) == ("django_catalog.add_item", "line-1")
    assert BasketItem.objects.count() == 1


def test_a_conflict_is_also_decisionings_conflict(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user, idempotency_key="line-1")

    with pytest.raises(IdempotencyConflictError):
        add_item(basket=basket, catalog_item=blood_test, by=user, quantity=3, idempotency_key="line-1")


# commit_basket


def test_a_keyed_commit_repeated_returns_its_work_items_and_records_one_decision(filled_basket, user):
    first = commit_basket(filled_basket, user, idempotency_key="commit-1")

    assert commit_basket(filled_basket, user, idempotency_key="commit-1") == first
    assert Decision.objects.for_action(COMMIT_ACTION).count() == 1
    assert IdempotencyKey.objects.filter(scope=COMMIT_ACTION, key="commit-1").exists()


def test_a_retry_of_a_commit_after_the_key_expired_is_exactly_one_commit(filled_basket, user):
    first = commit_basket(filled_basket, user, idempotency_key="commit-1")
    committed_at = Basket.objects.get(pk=filled_basket.pk).committed_at
    expire_and_purge_idempotency_keys()

    again = commit_basket(filled_basket, user, idempotency_key="commit-1")

    assert again == first
    assert WorkItem.objects.count() == 2
    assert Decision.objects.for_action(COMMIT_ACTION).count() == 1
    assert Basket.objects.get(pk=filled_basket.pk).committed_at == committed_at


def test_a_replayed_commit_updates_the_callers_basket(filled_basket, user):
    commit_basket(filled_basket, user, idempotency_key="commit-1")
    expire_and_purge_idempotency_keys()
    stale = Basket.objects.get(pk=filled_basket.pk)
    stale.status = Basket.Status.DRAFT

    commit_basket(stale, user, idempotency_key="commit-1")

    assert (stale.status, stale.committed_by) == (Basket.Status.COMMITTED, user)


def test_the_key_of_a_commit_reused_by_another_user_is_a_conflict(filled_basket, user, other_user):
    commit_basket(filled_basket, user, idempotency_key="commit-1")

    with pytest.raises(IdempotencyKeyConflictError):
        commit_basket(filled_basket, other_user, idempotency_key="commit-1")


def test_a_commit_that_failed_leaves_the_key_for_a_retry(basket, user, blood_test):
    from django_catalog import EmptyBasketError

    with pytest.raises(EmptyBasketError):
        commit_basket(basket, user, idempotency_key="commit-1")
    add_item(basket=basket, catalog_item=blood_test, by=user)

    assert len(commit_basket(basket, user, idempotency_key="commit-1")) == 1


# cancel_basket


def test_a_keyed_cancel_repeated_records_one_decision(basket, user):
    cancel_basket(basket, by=user, idempotency_key="cancel-1")
    expire_and_purge_idempotency_keys()

    cancelled = cancel_basket(basket, by=user, idempotency_key="cancel-1")

    assert cancelled.status == Basket.Status.CANCELLED
    assert Decision.objects.for_action(CANCEL_ACTION).count() == 1


def test_the_key_of_a_cancel_reused_for_another_basket_is_a_conflict(basket, user):
    other = get_or_create_draft_basket(Encounter.objects.create(patient="Alan"), user)
    cancel_basket(basket, by=user, idempotency_key="cancel-1")

    with pytest.raises(IdempotencyKeyConflictError):
        cancel_basket(other, by=user, idempotency_key="cancel-1")
    assert Basket.objects.get(pk=other.pk).status == Basket.Status.DRAFT


# record_dispense


def test_a_dispense_stores_its_key(work_items, other_user):
    log = record_dispense(work_item=work_items[0], by=other_user, idempotency_key="dispense-1")

    assert DispenseLog.objects.get(pk=log.pk).idempotency_key == "dispense-1"


def test_a_retry_of_a_dispense_after_the_key_expired_is_exactly_one_dispense(work_items, other_user):
    effective_at = timezone.now() - dt.timedelta(hours=1)
    first = record_dispense(
        work_item=work_items[0], by=other_user, effective_at=effective_at, notes="n", idempotency_key="dispense-1"
    )
    expire_and_purge_idempotency_keys()

    again = record_dispense(
        work_item=work_items[0], by=other_user, effective_at=effective_at, notes="n", idempotency_key="dispense-1"
    )

    assert again == first
    assert DispenseLog.objects.count() == 1


def test_a_retry_without_quantity_after_the_key_expired_returns_the_dispense(work_items, other_user):
    first = record_dispense(work_item=work_items[0], by=other_user, idempotency_key="dispense-1")
    expire_and_purge_idempotency_keys()

    assert record_dispense(work_item=work_items[0], by=other_user, idempotency_key="dispense-1") == first


@pytest.mark.parametrize("change", ["work_item", "quantity", "by", "notes", "effective_at"])
def test_the_key_of_a_dispense_reused_for_another_request_after_it_expired_is_a_conflict(
    work_items, user, other_user, change
):
    record_dispense(work_item=work_items[0], by=other_user, idempotency_key="dispense-1")
    expire_and_purge_idempotency_keys()
    arguments = {
        "work_item": {"work_item": work_items[1]},
        "quantity": {"quantity": 1},
        "by": {"by": user},
        "notes": {"notes": "other"},
        "effective_at": {"effective_at": timezone.now() - dt.timedelta(days=1)},
    }[change]

    with pytest.raises(IdempotencyKeyConflictError) as raised:
        record_dispense(**{"work_item": work_items[0], "by": other_user, **arguments, "idempotency_key": "dispense-1"})

    assert raised.value.scope == "django_catalog.record_dispense"
    assert DispenseLog.objects.count() == 1


def test_the_key_of_a_dispense_reused_for_another_work_item_is_a_conflict(work_items, other_user):
    record_dispense(work_item=work_items[0], by=other_user, idempotency_key="dispense-1")

    with pytest.raises(IdempotencyKeyConflictError):
        record_dispense(work_item=work_items[1], by=other_user, idempotency_key="dispense-1")
    assert DispenseLog.objects.count() == 1


def test_the_database_refuses_two_dispense_records_with_one_key(work_items, other_user):
    first = record_dispense(work_item=work_items[0], by=other_user, idempotency_key="dispense-1")
    second = work_items[1]

    with pytest.raises(IntegrityError), transaction.atomic():
        DispenseLog.objects.create(
            work_item=second,
            catalog_item=first.catalog_item,
            display_name_snapshot=second.display_name,
            quantity=second.quantity,
            dispensed_by=other_user,
            idempotency_key="dispense-1",
        )


def test_dispense_records_without_a_key_do_not_collide(work_items, other_user):
    for work_item in work_items:
        record_dispense(work_item=work_item, by=other_user)

    assert list(DispenseLog.objects.values_list("idempotency_key", flat=True)) == [None, None]


def test_dispense_keys_differing_only_in_case_are_two_requests(work_items, other_user):
    record_dispense(work_item=work_items[0], by=other_user, idempotency_key="Dispense-1")
    record_dispense(work_item=work_items[1], by=other_user, idempotency_key="dispense-1")

    assert DispenseLog.objects.count() == 2


# every keyed service


@pytest.mark.parametrize("key", ["", "k" * 256, 7])
def test_a_malformed_key_is_refused_before_anything_is_written(filled_basket, user, blood_test, work_items, key):
    calls = [
        lambda: add_item(basket=filled_basket, catalog_item=blood_test, by=user, idempotency_key=key),
        lambda: commit_basket(filled_basket, user, idempotency_key=key),
        lambda: cancel_basket(filled_basket, by=user, idempotency_key=key),
        lambda: record_dispense(work_item=work_items[0], by=user, idempotency_key=key),
    ]
    for call in calls:
        with pytest.raises(InvalidIdempotencyKeyError, match="idempotency_key"):
            call()

    assert filled_basket.items.count() == 2
    assert Basket.objects.get(pk=filled_basket.pk).status == Basket.Status.DRAFT
    assert not DispenseLog.objects.exists()
    assert not IdempotencyKey.objects.exists()
