"""Real concurrency on PostgreSQL and MariaDB: threads with their own connections, released together by a barrier."""

import pytest
from django.db import transaction

from django_basemodels.testing import (
    hold_in_transaction,
    join_threads,
    run_concurrently,
    start_concurrently,
    wait_for_lock_waiters,
)
from django_catalog.exceptions import BasketNotDraftError, CrossOrgBasketError
from django_catalog.models import Basket, BasketItem, CatalogItem, DispenseLog, WorkItem
from django_catalog.services import add_item, commit_basket, get_or_create_draft_basket, record_dispense
from django_decisioning.models import Decision
from tests.testapp.models import Encounter

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

WORKERS = 8


def test_concurrent_commits_of_one_basket_give_the_same_work_items_and_no_duplicates(basket, user, make_catalog_item):
    for index in range(3):
        add_item(basket=basket, catalog_item=make_catalog_item(display_name=f"Test {index}"), by=user)

    with transaction.atomic():
        # Hold the basket's row so every commit is started and blocked before any can run.
        Basket.objects.select_for_update().get(pk=basket.pk)
        outcomes, threads = start_concurrently(
            lambda: commit_basket(Basket.objects.get(pk=basket.pk), user), workers=WORKERS
        )
        waiting = wait_for_lock_waiters(WORKERS)
    join_threads(threads)

    assert waiting >= WORKERS, f"only {waiting} commits were blocked at once"
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert all(outcome == outcomes[0] for outcome in outcomes)
    assert WorkItem.objects.count() == 3
    assert sorted(w.pk for w in outcomes[0]) == sorted(WorkItem.objects.values_list("pk", flat=True))
    assert Decision.objects.count() == 1


def test_concurrent_first_calls_create_one_draft_basket(encounter, user):
    outcomes = run_concurrently(lambda: get_or_create_draft_basket(encounter, user), workers=WORKERS)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert {basket.pk for basket in outcomes} == {Basket.objects.get().pk}


def test_a_concurrent_double_click_adds_one_item(basket, user, blood_test):
    def click():
        return add_item(basket=basket, catalog_item=blood_test, by=user, idempotency_key="click-1")

    outcomes = run_concurrently(click, workers=WORKERS)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert {item.pk for item in outcomes} == {BasketItem.objects.get().pk}


def test_an_add_waiting_on_a_commit_is_refused_once_the_basket_is_committed(basket, user, blood_test, amoxicillin):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    with transaction.atomic():
        commit_basket(basket, user)  # holds the basket's row lock until this block commits
        outcome, threads = start_concurrently([lambda: add_item(basket=basket, catalog_item=amoxicillin, by=user)])
        waiting = wait_for_lock_waiters(1)
    join_threads(threads)

    assert waiting >= 1, "the add did not wait for the commit's lock"
    assert isinstance(outcome[0], BasketNotDraftError)
    assert BasketItem.objects.count() == 1
    assert WorkItem.objects.count() == 1


def test_concurrent_dispenses_of_one_work_item_record_it_once(basket, user, amoxicillin):
    add_item(basket=basket, catalog_item=amoxicillin, by=user)
    [work_item] = commit_basket(basket, user)

    outcomes = run_concurrently(lambda: record_dispense(work_item=work_item, by=user), workers=WORKERS)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert len({log.pk for log in outcomes}) == 1
    assert WorkItem.objects.get().dispense_log.pk == outcomes[0].pk


def test_a_dispense_in_progress_does_not_hold_up_ordering_its_catalog_item(basket, user, amoxicillin):
    # The dispense locks its work item's row only. Locking the catalog item's row too (what a join
    # under FOR UPDATE does where FOR UPDATE OF is missing, as on MariaDB) would make the new basket
    # item's foreign key check wait for the dispense to commit.
    add_item(basket=basket, catalog_item=amoxicillin, by=user)
    [work_item] = commit_basket(basket, user)
    other_basket = get_or_create_draft_basket(Encounter.objects.create(patient="Grace"), user)

    dispense = hold_in_transaction(lambda: record_dispense(work_item=work_item, by=user))
    try:
        ordering = start_concurrently([lambda: add_item(basket=other_basket, catalog_item=amoxicillin, by=user)])
        [added] = ordering.join(timeout=20)
    finally:
        dispense.release.set()
        join_threads([dispense.thread])

    assert isinstance(added, BasketItem), added
    assert isinstance(dispense.outcome[0], DispenseLog), dispense.outcome


def test_concurrent_keyed_dispenses_record_one_dispense_with_the_key(basket, user, amoxicillin):
    add_item(basket=basket, catalog_item=amoxicillin, by=user)
    [work_item] = commit_basket(basket, user)

    def dispense():
        return record_dispense(work_item=work_item, by=user, idempotency_key="dispense-1")

    outcomes = run_concurrently(dispense, workers=WORKERS)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert {log.pk for log in outcomes} == {DispenseLog.objects.get(idempotency_key="dispense-1").pk}


def test_concurrent_keyed_commits_of_one_basket_commit_it_once(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)

    outcomes = run_concurrently(
        lambda: commit_basket(Basket.objects.get(pk=basket.pk), user, idempotency_key="commit-1"), workers=WORKERS
    )

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert all(outcome == outcomes[0] for outcome in outcomes)
    assert WorkItem.objects.count() == 1
    assert Decision.objects.count() == 1


def test_concurrent_adds_of_two_organizations_items_never_mix_one_basket(basket, user):
    item_a = CatalogItem.objects.create(org="org-a", display_name="Amoxicillin", routing="pharmacy")
    item_b = CatalogItem.objects.create(org="org-b", display_name="Amoxicillin", routing="pharmacy")

    def adding(item):
        return lambda: add_item(basket=Basket.objects.get(pk=basket.pk), catalog_item=item, by=user)

    with transaction.atomic():
        # Hold the basket's row so every add is started and blocked before any can run.
        Basket.objects.select_for_update().get(pk=basket.pk)
        outcomes, threads = start_concurrently([adding(item_a), adding(item_b)] * (WORKERS // 2))
        waiting = wait_for_lock_waiters(WORKERS)
    join_threads(threads)

    assert waiting >= WORKERS, f"only {waiting} adds were blocked at once"
    added = [o for o in outcomes if isinstance(o, BasketItem)]
    refused = [o for o in outcomes if isinstance(o, CrossOrgBasketError)]
    assert len(added) == len(refused) == WORKERS // 2, outcomes
    assert BasketItem.objects.values("catalog_item__org_key").distinct().count() == 1


def test_concurrent_reversals_of_one_dispense_record_one_reversal(settings, basket, user, amoxicillin):
    from django_catalog.models import DispenseReversal
    from django_catalog.services import reverse_dispense

    settings.CATALOG_REVERSE_DISPENSE_PERMISSION = None
    add_item(basket=basket, catalog_item=amoxicillin, by=user)
    [work_item] = commit_basket(basket, user)
    log = record_dispense(work_item=work_item, by=user)

    outcomes = run_concurrently(
        lambda: reverse_dispense(DispenseLog.objects.get(pk=log.pk), reason="wrong visit", by=user), workers=WORKERS
    )

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert {reversal.pk for reversal in outcomes} == {DispenseReversal.objects.get().pk}
    assert Decision.objects.filter(action="django_catalog.reverse_dispense").count() == 1


def test_concurrent_cancellations_of_one_work_item_record_one_cancellation(basket, user, blood_test):
    from django_catalog.exceptions import InvalidTransitionError
    from django_catalog.models import WorkItemCancellation
    from django_catalog.services import cancel_work_item

    add_item(basket=basket, catalog_item=blood_test, by=user)
    [work_item] = commit_basket(basket, user)

    outcomes = run_concurrently(
        lambda: cancel_work_item(WorkItem.objects.get(pk=work_item.pk), by=user, reason="left"), workers=WORKERS
    )

    assert [o for o in outcomes if not isinstance(o, Exception)] == [work_item]
    assert all(isinstance(o, InvalidTransitionError) for o in outcomes if isinstance(o, Exception)), outcomes
    assert WorkItemCancellation.objects.count() == 1
    assert WorkItem.objects.get(pk=work_item.pk).status == WorkItem.Status.CANCELLED
