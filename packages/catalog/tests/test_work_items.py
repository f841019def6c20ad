"""Work item lifecycle (start, complete, cancel, assign) and the board queries."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from django_catalog.exceptions import InvalidTransitionError, InvalidUserError
from django_catalog.models import WorkItem
from django_catalog.services import (
    add_item,
    assign_work_item,
    cancel_work_item,
    commit_basket,
    complete_work_item,
    get_or_create_draft_basket,
    start_work_item,
)
from tests.testapp.models import Encounter

pytestmark = pytest.mark.django_db


@pytest.fixture
def work_item(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    [work_item] = commit_basket(basket, user)
    return work_item


def spawn(user, catalog_item, count=1, encounter=None):
    basket = get_or_create_draft_basket(encounter or Encounter.objects.create(patient="P"), user)
    for _ in range(count):
        add_item(basket=basket, catalog_item=catalog_item, by=user)
    return commit_basket(basket, user)


def test_a_spawned_work_item_is_pending_unassigned_and_open(work_item):
    assert (work_item.status, work_item.assignee, work_item.is_open) == (WorkItem.Status.PENDING, None, True)
    assert str(work_item) == "Blood Test (lab, pending)"


def test_starting_moves_it_in_progress_and_assigns_the_starter(work_item, user):
    started = start_work_item(work_item, by=user)

    stored = WorkItem.objects.get(pk=work_item.pk)
    assert (stored.status, stored.assignee, stored.started_at is not None) == (WorkItem.Status.IN_PROGRESS, user, True)
    assert started.status == work_item.status == WorkItem.Status.IN_PROGRESS


def test_starting_keeps_an_existing_assignee(work_item, user, other_user):
    assign_work_item(work_item, assignee=other_user)

    start_work_item(work_item, by=user)

    assert WorkItem.objects.get(pk=work_item.pk).assignee == other_user


def test_completing_an_item_in_progress_records_who_and_when(work_item, user, other_user):
    start_work_item(work_item, by=user)

    complete_work_item(work_item, by=other_user)

    stored = WorkItem.objects.get(pk=work_item.pk)
    assert (stored.status, stored.completed_by, stored.is_open) == (WorkItem.Status.COMPLETED, other_user, False)
    assert stored.completed_at is not None


def test_a_pending_item_cannot_be_completed_without_being_started(work_item, user):
    with pytest.raises(InvalidTransitionError):
        complete_work_item(work_item, by=user)
    assert WorkItem.objects.get(pk=work_item.pk).status == WorkItem.Status.PENDING


def test_an_item_in_progress_cannot_be_started_again(work_item, user):
    start_work_item(work_item, by=user)

    with pytest.raises(InvalidTransitionError):
        start_work_item(work_item, by=user)


@pytest.mark.parametrize("started", [False, True])
def test_an_open_item_can_be_cancelled_with_a_reason(work_item, user, started):
    if started:
        start_work_item(work_item, by=user)

    cancel_work_item(work_item, by=user, reason="patient left")

    stored = WorkItem.objects.get(pk=work_item.pk)
    assert (stored.status, stored.cancelled_by, stored.cancel_reason) == (
        WorkItem.Status.CANCELLED,
        user,
        "patient left",
    )


def test_a_completed_item_cannot_be_cancelled_nor_reassigned(work_item, user, other_user):
    start_work_item(work_item, by=user)
    complete_work_item(work_item, by=user)

    with pytest.raises(InvalidTransitionError):
        cancel_work_item(work_item, by=user)
    with pytest.raises(InvalidTransitionError):
        assign_work_item(work_item, assignee=other_user)


def test_a_cancelled_item_cannot_be_started(work_item, user):
    cancel_work_item(work_item, by=user)

    with pytest.raises(InvalidTransitionError):
        start_work_item(work_item, by=user)


def test_the_status_is_read_from_the_database_not_from_a_stale_instance(work_item, user):
    stale = WorkItem.objects.get(pk=work_item.pk)
    start_work_item(work_item, by=user)

    with pytest.raises(InvalidTransitionError):
        start_work_item(stale, by=user)


def test_assigning_and_unassigning(work_item, other_user):
    assign_work_item(work_item, assignee=other_user)
    assert WorkItem.objects.get(pk=work_item.pk).assignee == other_user

    assign_work_item(work_item, assignee=None)
    assert WorkItem.objects.get(pk=work_item.pk).assignee is None


def test_the_assignee_must_be_a_saved_user(work_item, encounter):
    with pytest.raises(InvalidUserError):
        assign_work_item(work_item, assignee=encounter)


@pytest.mark.parametrize("service", [start_work_item, complete_work_item, cancel_work_item])
def test_lifecycle_changes_need_a_saved_user(work_item, service, django_user_model):
    with pytest.raises(InvalidUserError):
        service(work_item, by=django_user_model(username="ghost"))


def test_the_database_refuses_a_completed_item_without_completion_time(work_item):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkItem.objects.filter(pk=work_item.pk).update(status=WorkItem.Status.COMPLETED)


def test_the_database_refuses_an_unknown_status(work_item):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkItem.objects.filter(pk=work_item.pk).update(status="lost")


def test_a_board_lists_the_open_work_routed_to_it(user, blood_test, amoxicillin):
    lab_items = spawn(user, blood_test, count=2)
    spawn(user, amoxicillin)
    complete_me, keep = lab_items
    start_work_item(complete_me, by=user)
    complete_work_item(complete_me, by=user)

    assert list(WorkItem.objects.for_board("lab").open()) == [keep]
    assert list(WorkItem.objects.for_board("lab").completed()) == [complete_me]
    assert [w.board for w in WorkItem.objects.for_board("pharmacy")] == ["pharmacy"]


def test_boards_differing_only_in_case_are_two_boards(user, make_catalog_item):
    # Board names are compared byte by byte on every database (a binary collation on MariaDB/MySQL).
    [upper] = spawn(user, make_catalog_item(routing="Lab"))
    [lower] = spawn(user, make_catalog_item(routing="lab"))

    assert list(WorkItem.objects.for_board("Lab")) == [upper]
    assert list(WorkItem.objects.for_board("lab")) == [lower]
    assert WorkItem.objects.board_counts() == {"Lab": {"pending": 1}, "lab": {"pending": 1}}


def test_status_and_assignee_filters(user, other_user, blood_test):
    pending, started, cancelled = spawn(user, blood_test, count=3)
    start_work_item(started, by=other_user)
    cancel_work_item(cancelled, by=user)

    assert list(WorkItem.objects.pending()) == [pending]
    assert list(WorkItem.objects.in_progress()) == [started]
    assert list(WorkItem.objects.cancelled()) == [cancelled]
    assert list(WorkItem.objects.assigned_to(other_user)) == [started]
    assert list(WorkItem.objects.unassigned().open()) == [pending]


def test_work_items_of_one_encounter(user, blood_test):
    encounter = Encounter.objects.create(patient="Ada")
    mine = spawn(user, blood_test, encounter=encounter)
    spawn(user, blood_test)

    assert list(WorkItem.objects.for_encounter(encounter)) == mine


def test_rendering_a_board_costs_one_query_however_long_it_is(user, other_user, blood_test):
    def queries_to_render_board() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            rows = [
                (w.display_name, w.assignee and w.assignee.username, w.catalog_item.display_name, w.basket.encounter_id)
                for w in WorkItem.objects.for_board("lab").open()
            ]
        return len(rows), len(queries)

    for work_item in spawn(user, blood_test, count=2):
        assign_work_item(work_item, assignee=other_user)
    few = queries_to_render_board()
    for work_item in spawn(user, blood_test, count=10):
        assign_work_item(work_item, assignee=user)
    many = queries_to_render_board()

    assert (few, many) == ((2, 1), (12, 1))


def test_board_counts_per_board_and_status_in_one_query(user, blood_test, amoxicillin):
    first, _second = spawn(user, blood_test, count=2)
    spawn(user, amoxicillin)
    start_work_item(first, by=user)

    with CaptureQueriesContext(connection) as queries:
        counts = WorkItem.objects.open().board_counts()

    assert counts == {"lab": {"pending": 1, "in_progress": 1}, "pharmacy": {"pending": 1}}
    assert len(queries) == 1
