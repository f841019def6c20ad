import inspect

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils.functional import SimpleLazyObject

from django_worklog import InvalidContextError, InvalidUserError
from django_worklog.models import WorkSession
from django_worklog.services import get_active_session, start_session, stop_session
from tests.testapp.models import Project, Ticket

pytestmark = pytest.mark.django_db


def test_start_creates_a_running_session_on_the_context_at_server_time(clock, user, task):
    session = start_session(user=user, context=task)

    stored = WorkSession.objects.get()
    assert stored == session
    assert (stored.user, stored.context, stored.started_at) == (user, task, clock.now)
    assert stored.stopped_at is None
    assert stored.duration_seconds is None
    assert stored.is_running


def test_start_accepts_user_and_context_positionally(clock, user, task):
    session = start_session(user, task)

    assert (session.user, session.context) == (user, task)


def test_only_the_start_takes_a_time_and_only_as_a_keyword_business_time():
    # effective_at (a backdated start) is the one time a caller may give; recorded_at never.
    assert list(inspect.signature(start_session).parameters) == ["user", "context", "effective_at", "idempotency_key"]
    effective_at = inspect.signature(start_session).parameters["effective_at"]
    assert (effective_at.kind, effective_at.default) == (inspect.Parameter.KEYWORD_ONLY, None)
    assert list(inspect.signature(stop_session).parameters) == ["user", "idempotency_key"]
    assert list(inspect.signature(get_active_session).parameters) == ["user"]


def test_the_idempotency_key_is_keyword_only():
    for service in (start_session, stop_session):
        key = inspect.signature(service).parameters["idempotency_key"]
        assert (key.kind, key.default) == (inspect.Parameter.KEYWORD_ONLY, None)


def test_start_on_another_context_stops_the_running_session_at_the_instant_the_new_one_starts(
    clock, user, task, other_task
):
    first = start_session(user=user, context=task)
    clock.advance(minutes=25)

    second = start_session(user=user, context=other_task)

    first.refresh_from_db()
    assert first.stopped_at == second.started_at == clock.now
    assert first.duration_seconds == 25 * 60
    assert second.is_running
    assert list(WorkSession.objects.running()) == [second]


def test_start_on_the_running_context_returns_the_running_session_unchanged(clock, user, task):
    first = start_session(user=user, context=task)
    clock.advance(minutes=3)

    again = start_session(user=user, context=task)

    assert again == first
    assert again.started_at == first.started_at
    assert again.is_running


def test_starting_the_same_context_three_times_has_exactly_one_effect(clock, user, task):
    results = []
    for _ in range(3):
        results.append(start_session(user=user, context=task))
        clock.advance(seconds=1)

    assert WorkSession.objects.count() == 1
    assert results == [WorkSession.objects.get()] * 3


def test_start_on_a_row_of_another_model_with_the_same_pk_switches(clock, user, db):
    ticket = Ticket.objects.create(pk=7, title="printer jam")
    project = Project.objects.create(pk=7, name="office move")
    first = start_session(user=user, context=ticket)

    second = start_session(user=user, context=project)

    assert second != first
    assert second.context == project
    first.refresh_from_db()
    assert not first.is_running


def test_start_for_one_user_leaves_another_users_session_running(clock, user, other_user, task, other_task):
    theirs = start_session(user=other_user, context=task)

    start_session(user=user, context=other_task)

    theirs.refresh_from_db()
    assert theirs.is_running
    assert WorkSession.objects.running().count() == 2


def test_switch_after_a_clock_step_back_stops_the_previous_session_with_zero_duration(clock, user, task, other_task):
    first = start_session(user=user, context=task)
    clock.advance(minutes=-5)

    second = start_session(user=user, context=other_task)

    first.refresh_from_db()
    assert first.stopped_at == first.started_at == second.started_at
    assert first.duration_seconds == 0


def test_start_inside_a_transaction_that_rolls_back_leaves_nothing(clock, user, task, other_task):
    first = start_session(user=user, context=task)

    with pytest.raises(RuntimeError), transaction.atomic():
        start_session(user=user, context=other_task)
        raise RuntimeError("the caller's transaction fails")

    first.refresh_from_db()
    assert first.is_running
    assert WorkSession.objects.count() == 1


@pytest.mark.parametrize(
    "make_user",
    [
        pytest.param(lambda model: AnonymousUser(), id="anonymous"),
        pytest.param(lambda model: model(username="unsaved"), id="unsaved"),
        pytest.param(lambda model: "ada", id="not-a-user"),
    ],
)
def test_start_refuses_what_is_not_a_saved_user(make_user, django_user_model, task):
    with pytest.raises(InvalidUserError):
        start_session(user=make_user(django_user_model), context=task)

    assert not WorkSession.objects.exists()


def test_start_refuses_a_user_deleted_from_the_database(django_user_model, task):
    user = django_user_model.objects.create_user(username="gone")
    django_user_model.objects.filter(pk=user.pk).delete()

    with pytest.raises(InvalidUserError, match="does not exist"):
        start_session(user=user, context=task)


@pytest.mark.parametrize(
    "context",
    [
        pytest.param(Ticket(title="unsaved"), id="unsaved-integer-pk"),
        pytest.param("task-1", id="not-a-model"),
        pytest.param(None, id="none"),
    ],
)
def test_start_refuses_what_is_not_a_saved_model_instance(user, context):
    with pytest.raises(InvalidContextError):
        start_session(user=user, context=context)

    assert not WorkSession.objects.exists()


def test_context_models_setting_allows_a_listed_model(settings, user, task):
    settings.WORKLOG_CONTEXT_MODELS = ["testapp.Task"]

    assert start_session(user=user, context=task).context == task


def test_context_models_setting_refuses_a_model_not_listed(settings, user, ticket):
    settings.WORKLOG_CONTEXT_MODELS = ["testapp.Task"]

    with pytest.raises(InvalidContextError, match="WORKLOG_CONTEXT_MODELS"):
        start_session(user=user, context=ticket)

    assert not WorkSession.objects.exists()


def test_empty_context_models_setting_allows_any_model(settings, user, ticket):
    settings.WORKLOG_CONTEXT_MODELS = []

    assert start_session(user=user, context=ticket).context == ticket


def test_start_and_stop_accept_the_lazy_request_user(clock, user, task):
    lazy_user = SimpleLazyObject(lambda: user)

    session = start_session(user=lazy_user, context=task)
    clock.advance(seconds=5)

    assert session.user == user
    assert get_active_session(lazy_user) == session
    assert stop_session(lazy_user).duration_seconds == 5
