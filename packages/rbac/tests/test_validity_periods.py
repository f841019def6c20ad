import pytest

from django_rbac import selectors
from django_rbac.models import UserRole
from tests.conftest import fresh


@pytest.mark.django_db
def test_current_selects_open_and_not_yet_ended_assignments(clerk, staff_role, director_role, grant, past, future):
    open_ended = grant(clerk, staff_role, valid_from=past(3))
    ending_later = grant(clerk, director_role, valid_from=past(3), valid_to=future(3))
    assert set(UserRole.objects.current()) == {open_ended, ending_later}


@pytest.mark.django_db
def test_current_leaves_out_ended_and_future_assignments(clerk, staff_role, director_role, grant, past, future):
    grant(clerk, staff_role, valid_from=past(10), valid_to=past(1))
    grant(clerk, director_role, valid_from=future(1))
    assert not UserRole.objects.current().exists()


@pytest.mark.django_db
def test_as_of_answers_for_a_past_moment(clerk, staff_role, grant, past):
    ended = grant(clerk, staff_role, valid_from=past(10), valid_to=past(5))
    assert list(UserRole.objects.as_of(past(7))) == [ended]
    assert not UserRole.objects.as_of(past(5)).exists()


@pytest.mark.django_db
def test_not_ended_includes_future_assignments(clerk, staff_role, director_role, grant, past, future):
    grant(clerk, staff_role, valid_from=past(10), valid_to=past(1))
    upcoming = grant(clerk, director_role, valid_from=future(1))
    assert list(UserRole.objects.not_ended()) == [upcoming]


@pytest.mark.django_db
def test_ended_role_grants_nothing(clerk, staff_role, grant, past):
    grant(clerk, staff_role, valid_from=past(10), valid_to=past(1))
    assert not selectors.has_module_permission(fresh(clerk), "practice", "view")
    assert fresh(clerk).hierarchy_level == 0


@pytest.mark.django_db
def test_future_role_grants_nothing_yet(clerk, staff_role, grant, future):
    grant(clerk, staff_role, valid_from=future(1))
    assert not selectors.has_module_permission(fresh(clerk), "practice", "view")
