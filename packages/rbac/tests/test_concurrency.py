"""Races with real connections (PostgreSQL, MariaDB/MySQL): two managers granting the same role at the same
moment get one assignment and one typed refusal; a revocation locks only the assignments it ends."""

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from django_basemodels.testing import hold_in_transaction
from django_rbac import services
from django_rbac.exceptions import DuplicateAssignmentError
from django_rbac.models import Role, UserRole
from tests.conftest import fresh
from tests.testapp.models import User


@pytest.mark.server
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
            outcomes.append(services.assign_role(by=fresh(assigner), user=fresh(clerk), role=role))
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


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_a_revocation_locks_the_assignment_but_not_its_user_or_role(manager, make_user, make_role, grant, past):
    """Without ``FOR UPDATE OF`` (MariaDB) the assignments are locked alone, not with the user, role and content
    type rows their query joins (update_role and assign_role lock those)."""
    clerk = make_user("clerk")
    role = make_role("staff", 20)
    assignment = grant(clerk, role, valid_from=past(3))
    held = hold_in_transaction(lambda: services.revoke_role(by=fresh(manager), user_role=assignment))
    try:
        assert isinstance(held.outcome[0], list), held.outcome
        with transaction.atomic():
            assert Role.objects.select_for_update(nowait=True).get(pk=role.pk) == role
            assert User.objects.select_for_update(nowait=True).get(pk=clerk.pk) == clerk
        with pytest.raises(DatabaseError), transaction.atomic():
            UserRole.objects.select_for_update(nowait=True).get(pk=assignment.pk)
    finally:
        held.release.set()
        held.thread.join()
