"""Cancelling a work item records an append-only fact; the work item's cancelled state is guarded by the database."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from django_basemodels.guarantees import AppendOnly, Refuse, guarantees_of
from django_basemodels.testing import assert_write_paths_refused
from django_catalog import (
    FactImmutableError,
    IdempotencyKeyConflictError,
    InvalidEffectiveAtError,
    InvalidTransitionError,
    cancel_work_item,
    start_work_item,
)
from django_catalog.models import WORK_ITEM_CANCELLED_IS_FINAL, WorkItem, WorkItemCancellation
from django_catalog.services import CANCEL_WORK_ITEM_ACTION, add_item, commit_basket
from django_decisioning.exceptions import InvalidDecisionError
from django_decisioning.models import Decision
from django_decisioning.testing import assert_backdate_coherent, assert_delegation_captured, assert_idempotent
from tests.expiry import expire_and_purge_idempotency_keys
from tests.testapp.models import Encounter

pytestmark = pytest.mark.django_db


@pytest.fixture
def work_items(basket, user, blood_test, amoxicillin):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    add_item(basket=basket, catalog_item=amoxicillin, by=user)
    return commit_basket(basket, user)


@pytest.fixture
def work_item(work_items):
    return work_items[0]


@pytest.fixture
def clinic():
    return Encounter.objects.create(patient="the clinic itself")


@pytest.mark.parametrize("started", [False, True])
def test_a_cancellation_is_a_fact_and_the_work_item_copies_it(work_item, user, started):
    if started:
        start_work_item(work_item, by=user)

    returned = cancel_work_item(work_item, by=user, reason="patient left")

    fact = WorkItemCancellation.objects.get()
    assert (fact.work_item, fact.cancelled_by, fact.reason) == (work_item, user, "patient left")
    assert fact.status_before == ("in_progress" if started else "pending")
    assert fact.effective_at == fact.recorded_at
    stored = WorkItem.objects.get(pk=work_item.pk)
    assert (stored.status, stored.cancelled_at, stored.cancelled_by, stored.cancel_reason) == (
        WorkItem.Status.CANCELLED,
        fact.effective_at,
        user,
        "patient left",
    )
    assert returned == work_item and work_item.status == WorkItem.Status.CANCELLED
    assert stored.cancellation == fact
    assert str(fact) == f"Cancellation of work item {work_item.pk}"


def test_the_cancellation_is_recorded_as_a_decision_with_actor_and_principal(work_item, user, clinic):
    cancel_work_item(work_item, by=user, reason="duplicate order", on_behalf_of=clinic)

    decision = Decision.objects.get(action=CANCEL_WORK_ITEM_ACTION)
    assert_delegation_captured(decision, actor=user, on_behalf_of=clinic)
    assert decision.target == work_item
    assert decision.evidence["reason"] == "duplicate order"
    assert decision.evidence["status_before"] == "pending"
    assert decision.evidence["board"] == "lab"


def test_a_backdated_cancellation_is_seen_from_its_effective_time(work_item, user):
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)

    cancel_work_item(work_item, by=user, effective_at=an_hour_ago)

    fact = WorkItemCancellation.objects.get()
    assert_backdate_coherent(fact)
    assert WorkItem.objects.get(pk=work_item.pk).cancelled_at == an_hour_ago
    assert Decision.objects.get(action=CANCEL_WORK_ITEM_ACTION).effective_at == an_hour_ago


@pytest.mark.parametrize("effective_at", [dt.datetime(2026, 1, 1), timezone.now() + dt.timedelta(days=1)])
def test_a_naive_or_future_effective_at_is_refused(work_item, user, effective_at):
    with pytest.raises(InvalidEffectiveAtError):
        cancel_work_item(work_item, by=user, effective_at=effective_at)
    assert WorkItem.objects.get(pk=work_item.pk).status == WorkItem.Status.PENDING
    assert not WorkItemCancellation.objects.exists()


def test_a_principal_that_is_not_saved_is_refused(work_item, user):
    with pytest.raises(InvalidDecisionError):
        cancel_work_item(work_item, by=user, on_behalf_of=Encounter(patient="unsaved"))
    assert not WorkItemCancellation.objects.exists()


def test_a_cancelled_item_is_cancelled_once(work_item, user):
    cancel_work_item(work_item, by=user, reason="patient left")

    with pytest.raises(InvalidTransitionError, match="only pending or in-progress work is cancelled"):
        cancel_work_item(work_item, by=user, reason="patient left")
    assert WorkItemCancellation.objects.count() == 1
    assert Decision.objects.filter(action=CANCEL_WORK_ITEM_ACTION).count() == 1


def test_a_keyed_cancellation_retried_is_exactly_one_cancellation(work_item, user):
    first, *_ = assert_idempotent(
        lambda: cancel_work_item(
            WorkItem.objects.get(pk=work_item.pk), by=user, reason="left", idempotency_key="cancel-1"
        ),
        count=WorkItemCancellation.objects.count,
    )
    expire_and_purge_idempotency_keys()

    again = WorkItem.objects.get(pk=work_item.pk)
    assert cancel_work_item(again, by=user, reason="left", idempotency_key="cancel-1") == first
    assert again.status == WorkItem.Status.CANCELLED
    assert WorkItemCancellation.objects.get().idempotency_key == "cancel-1"
    assert Decision.objects.filter(action=CANCEL_WORK_ITEM_ACTION).count() == 1


def test_the_key_of_a_cancellation_reused_for_another_request_is_a_conflict(work_items, user):
    cancel_work_item(work_items[0], by=user, idempotency_key="cancel-1")

    with pytest.raises(IdempotencyKeyConflictError):
        cancel_work_item(work_items[1], by=user, idempotency_key="cancel-1")
    expire_and_purge_idempotency_keys()
    with pytest.raises(IdempotencyKeyConflictError):
        cancel_work_item(work_items[1], by=user, idempotency_key="cancel-1")
    assert WorkItem.objects.get(pk=work_items[1].pk).status == WorkItem.Status.PENDING


def test_the_database_refuses_a_second_cancellation_of_a_work_item(work_item, user):
    cancel_work_item(work_item, by=user)

    with pytest.raises(IntegrityError), transaction.atomic():
        WorkItemCancellation.objects.create(work_item=work_item, cancelled_by=user, status_before="pending")


def test_the_work_item_declares_that_cancelled_is_final():
    [guarantee] = guarantees_of(WorkItem)
    assert isinstance(guarantee, Refuse) and guarantee.name == "cancelled_is_final"
    assert guarantees_of(WorkItemCancellation) == [
        AppendOnly(
            message="django_catalog_workitemcancellation is append-only: cancellations are never updated or deleted"
        )
    ]


@pytest.mark.parametrize(
    "changes",
    [
        {"status": WorkItem.Status.PENDING},
        {"cancel_reason": "rewritten"},
        {"cancelled_at": timezone.now() - dt.timedelta(days=3)},
    ],
)
def test_the_database_keeps_a_cancelled_work_item_as_it_is(work_item, user, changes):
    cancel_work_item(work_item, by=user, reason="patient left")

    with pytest.raises(IntegrityError, match="a cancelled work item stays cancelled"), transaction.atomic():
        WorkItem.objects.filter(pk=work_item.pk).update(**changes)
    stored = WorkItem.objects.get(pk=work_item.pk)
    assert (stored.status, stored.cancel_reason) == (WorkItem.Status.CANCELLED, "patient left")
    assert WORK_ITEM_CANCELLED_IS_FINAL.startswith("django_catalog_workitem:")


def test_other_columns_of_a_cancelled_work_item_may_still_change(work_item, user, other_user):
    cancel_work_item(work_item, by=user)

    # The assignee of a deleted user is set to NULL by Django: that update stays possible.
    WorkItem.objects.filter(pk=work_item.pk).update(assignee=other_user)
    other_user.delete()

    assert WorkItem.objects.get(pk=work_item.pk).assignee is None


def test_an_open_work_item_is_updated_as_before(work_item, user):
    WorkItem.objects.filter(pk=work_item.pk).update(status=WorkItem.Status.IN_PROGRESS)
    assert WorkItem.objects.get(pk=work_item.pk).status == WorkItem.Status.IN_PROGRESS


def test_saving_or_deleting_a_cancellation_is_refused(work_item, user):
    cancel_work_item(work_item, by=user)
    fact = WorkItemCancellation.objects.get()

    fact.reason = "edited"
    with pytest.raises(FactImmutableError):
        fact.save()
    with pytest.raises(FactImmutableError):
        fact.delete()


def test_every_raw_sql_write_path_of_a_cancellation_is_refused_by_the_database(work_item, user):
    cancel_work_item(work_item, by=user)

    assert_write_paths_refused(
        WorkItemCancellation.objects.get(), changes={"reason": "edited"}, match="append-only|is never replaced"
    )


def test_cancellations_are_listed_by_organization(work_item, user):
    cancel_work_item(work_item, by=user)

    assert WorkItemCancellation.objects.for_org(None).count() == 1
    assert not WorkItemCancellation.objects.for_org("north").exists()
