"""What the services refuse from the roadmap's calls says exactly what to pass instead."""

import pytest
from django.contrib.auth.models import AnonymousUser

from django_worklog import InvalidContextError, InvalidUserError, NoActiveSession, start_session, stop_session
from tests.testapp.models import Task, Ticket

pytestmark = pytest.mark.django_db


def test_an_anonymous_user_is_told_to_pass_a_logged_in_or_loaded_user(task):
    with pytest.raises(InvalidUserError) as refused:
        start_session(user=AnonymousUser(), context=task)

    assert str(refused.value).startswith("user must be a saved User, not <django.contrib.auth.models.AnonymousUser")
    assert "Pass the logged-in request.user (a view behind login_required) or a user loaded from" in str(refused.value)


def test_an_unsaved_context_is_told_to_be_saved_first(user):
    with pytest.raises(InvalidContextError) as refused:
        start_session(user=user, context=Task(title="not saved"))

    assert "context must be a saved model instance" in str(refused.value)
    assert "saved first (.save() or objects.create()) or loaded from the database" in str(refused.value)


def test_a_context_outside_the_setting_names_the_models_to_pass_or_the_setting_to_change(settings, user, ticket):
    settings.WORKLOG_CONTEXT_MODELS = ["testapp.Task"]

    with pytest.raises(InvalidContextError) as refused:
        start_session(user, ticket)

    assert str(refused.value) == (
        "testapp.Ticket is not in WORKLOG_CONTEXT_MODELS; pass an instance of one of testapp.Task, "
        "or add 'testapp.Ticket' to WORKLOG_CONTEXT_MODELS."
    )
    assert isinstance(ticket, Ticket)


def test_a_stop_without_a_running_session_says_to_start_one_or_pass_a_key(user):
    with pytest.raises(NoActiveSession) as refused:  # the roadmap's name
        stop_session(user)

    assert str(refused.value) == (
        "ada has no running work session: start one with start_session(user, context) first; "
        "to make a retried stop return the session it stopped, pass idempotency_key= to stop_session()."
    )
    assert refused.value.user == user
