"""Two managers granting the same role at the same moment: one assignment, one typed refusal."""

import threading

import pytest
from django.db import connection

from django_rbac import services
from django_rbac.exceptions import DuplicateAssignmentError
from django_rbac.models import UserRole
from tests.conftest import fresh


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_grants_of_the_same_role_create_one_assignment(manager, make_user, make_role, grant):
    second_manager = make_user("second-manager")
    grant(second_manager, UserRole.objects.get(user=manager).role)
    clerk = make_user("clerk")
    role = make_role("staff", 20)
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def assign(assigner):
        try:
            barrier.wait(timeout=10)
            outcomes.append(services.assign_role(assigner=fresh(assigner), user=fresh(clerk), role=role))
        except DuplicateAssignmentError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(who,)) for who in (manager, second_manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["DuplicateAssignmentError", "UserRole"]
    assert UserRole.objects.filter(user=clerk, role=role).count() == 1
