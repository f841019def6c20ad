import pytest
from django.contrib.auth.models import AnonymousUser

from django_worklog.services import get_active_session, start_session, stop_session

pytestmark = pytest.mark.django_db


def test_active_session_is_the_running_one(clock, user, task, other_task):
    start_session(user=user, context=task)
    clock.advance(minutes=1)
    running = start_session(user=user, context=other_task)

    assert get_active_session(user) == running


def test_active_session_is_none_without_sessions(user):
    assert get_active_session(user) is None


def test_active_session_is_none_after_stop(clock, user, task):
    start_session(user=user, context=task)
    stop_session(user)

    assert get_active_session(user) is None


def test_active_session_is_none_for_an_anonymous_user():
    assert get_active_session(AnonymousUser()) is None


def test_active_session_ignores_other_users(clock, user, other_user, task):
    start_session(user=other_user, context=task)

    assert get_active_session(user) is None


def test_active_session_takes_one_query(clock, user, task, django_assert_num_queries):
    start_session(user=user, context=task)

    with django_assert_num_queries(1):
        get_active_session(user)
