"""The context is a generic key: UUID-pk and integer-pk contexts work through every path, on both databases."""

import pytest
from django.contrib.contenttypes.models import ContentType

from django_basemodels import canonical_object_id
from django_worklog.models import WorkSession
from django_worklog.services import start_session, stop_session
from tests.testapp.models import Room, Task, Ticket

pytestmark = pytest.mark.django_db

CONTEXT_MODELS = [pytest.param(Task, id="uuid-pk"), pytest.param(Ticket, id="integer-pk")]


@pytest.fixture(params=CONTEXT_MODELS)
def context_model(request):
    return request.param


@pytest.fixture
def timed(clock, user, context_model):
    """Two contexts of one model; ``first`` has two stopped sessions, ``second`` one running."""
    first = context_model.objects.create(title="first")
    second = context_model.objects.create(title="second")
    start_session(user=user, context=first)
    clock.advance(minutes=1)
    start_session(user=user, context=second)
    clock.advance(minutes=1)
    start_session(user=user, context=first)
    clock.advance(minutes=1)
    start_session(user=user, context=second)
    return first, second


def test_context_id_is_stored_in_canonical_text(timed, context_model):
    first, _ = timed

    stored = WorkSession.objects.filter(context_type=ContentType.objects.get_for_model(context_model)).values_list(
        "context_id", flat=True
    )

    assert canonical_object_id(first.pk) in set(stored)
    if context_model is Task:
        assert "-" not in canonical_object_id(first.pk)


def test_context_is_read_back_through_the_generic_foreign_key(timed):
    first, second = timed

    assert {session.context for session in WorkSession.objects.all()} == {first, second}


def test_reverse_filter_finds_the_contexts_a_user_worked_on(timed, context_model, user, other_user):
    first, second = timed
    third = context_model.objects.create(title="never timed")

    assert set(context_model.objects.filter(work_sessions__user=user)) == {first, second}
    assert not context_model.objects.filter(work_sessions__user=other_user).exists()
    assert third not in context_model.objects.filter(work_sessions__isnull=False)


def test_reverse_filter_on_stopped_sessions_only(timed, context_model):
    first, _ = timed

    assert set(context_model.objects.filter(work_sessions__stopped_at__isnull=False).distinct()) == set(timed)
    assert list(context_model.objects.filter(work_sessions__stopped_at__isnull=True)) == [timed[1]]
    assert first in context_model.objects.exclude(work_sessions__stopped_at__isnull=True)


def test_related_manager_lists_the_sessions_of_one_context(timed):
    first, second = timed

    assert first.work_sessions.count() == 2
    assert all(session.context_id == canonical_object_id(first.pk) for session in first.work_sessions.all())
    assert second.work_sessions.running().count() == 1


def test_prefetching_the_sessions_of_contexts_takes_two_queries(timed, context_model, django_assert_num_queries):
    with django_assert_num_queries(2):
        counts = {
            ctx.title: len(ctx.work_sessions.all()) for ctx in context_model.objects.prefetch_related("work_sessions")
        }

    assert counts == {"first": 2, "second": 2}


def test_prefetching_the_contexts_of_sessions_takes_one_query_per_model(
    timed, context_model, ticket, other_user, clock, django_assert_num_queries
):
    first, second = timed
    clock.advance(minutes=1)  # the last start of all: the order by started_at has no tie to break
    start_session(user=other_user, context=ticket)
    ContentType.objects.get_for_models(Task, Ticket)  # content types are cached per process
    models = {context_model, Ticket}

    with django_assert_num_queries(1 + len(models)):
        sessions = list(WorkSession.objects.order_by("started_at").prefetch_related("context"))
        contexts = [session.context for session in sessions]

    assert contexts == [first, second, first, second, ticket]


def test_for_context_selects_the_sessions_of_one_context(timed):
    first, second = timed

    assert set(WorkSession.objects.for_context(first)) == set(first.work_sessions.all())
    assert WorkSession.objects.for_context(second).running().get().context == second


def test_stop_keeps_the_context(timed, user):
    _, second = timed

    assert stop_session(user).context == second


def test_contexts_whose_keys_differ_only_in_case_are_two_contexts(clock, user):
    lower, upper = Room.objects.create(code="ops"), Room.objects.create(code="OPS")
    first = start_session(user=user, context=lower)
    clock.advance(minutes=1)

    second = start_session(user=user, context=upper)

    assert second.pk != first.pk  # a switch to another context, not the running session returned
    assert list(WorkSession.objects.for_context(lower)) == [first]
    assert list(WorkSession.objects.for_context(upper)) == [second]
    assert [session.context for session in WorkSession.objects.order_by("started_at")] == [lower, upper]
