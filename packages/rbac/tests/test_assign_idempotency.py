"""assign_role(idempotency_key=): a retried grant returns the first assignment; without a key a repeat is refused."""

import threading
from contextlib import contextmanager

import pytest
from django.db import connection

from django_decisioning import IdempotencyConflict
from django_decisioning.models import Decision, IdempotencyKey
from django_decisioning.testing import assert_idempotent
from django_rbac import services
from django_rbac.decisions import ASSIGN_ACTION
from django_rbac.exceptions import DuplicateAssignmentError, InvalidAssignmentError, RoleLevelTooHighError
from django_rbac.models import Role, UserRole
from tests.conftest import fresh, row_counts


@contextmanager
def refused(exception):
    before = row_counts()
    with pytest.raises(exception) as caught:
        yield caught
    assert row_counts() == before


def appoint(manager, clerk, role, **options):
    """One request, built from fresh instances as a new HTTP request would be."""
    options.setdefault("idempotency_key", "appoint-clerk")
    return services.assign_role(by=fresh(manager), user=fresh(clerk), role=Role.objects.get(pk=role.pk), **options)


@pytest.mark.django_db
def test_a_retried_grant_with_its_key_returns_the_first_assignment(manager, clerk, staff_role):
    first, _, _ = assert_idempotent(
        lambda: appoint(manager, clerk, staff_role), count=UserRole.objects.filter(user=clerk).count
    )
    assert first.role == staff_role and first.valid_to is None
    assert IdempotencyKey.objects.filter(scope=services.ASSIGN_IDEMPOTENCY_SCOPE, key="appoint-clerk").count() == 1


@pytest.mark.django_db
def test_a_retried_grant_records_one_decision(manager, clerk, staff_role):
    for _ in range(3):
        appoint(manager, clerk, staff_role)
    assert Decision.objects.for_action(ASSIGN_ACTION).count() == 1


@pytest.mark.django_db
def test_a_retry_of_a_scoped_grant_for_a_principal(manager, clerk, staff_role, organization, other_organization):
    first = appoint(manager, clerk, staff_role, scope=organization, on_behalf_of=other_organization)
    assert appoint(manager, clerk, staff_role, scope=organization, on_behalf_of=other_organization) == first


@pytest.mark.django_db
def test_a_retry_after_the_revocation_still_returns_the_first_assignment(manager, clerk, staff_role):
    first = appoint(manager, clerk, staff_role)
    services.revoke_role(by=manager, user_role=first)
    again = appoint(manager, clerk, staff_role)
    assert again == first and again.valid_to is not None
    assert UserRole.objects.filter(user=clerk).count() == 1


@pytest.mark.django_db
def test_without_a_key_a_repeat_is_still_a_duplicate(manager, clerk, staff_role):
    services.assign_role(by=manager, user=clerk, role=staff_role)
    with refused(DuplicateAssignmentError):
        services.assign_role(by=manager, user=clerk, role=staff_role)


@pytest.mark.django_db
def test_a_new_key_does_not_adopt_an_assignment_made_without_it(manager, clerk, staff_role):
    services.assign_role(by=manager, user=clerk, role=staff_role)
    with pytest.raises(DuplicateAssignmentError):
        appoint(manager, clerk, staff_role)
    assert UserRole.objects.filter(user=clerk).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["role", "scope", "valid_to", "on_behalf_of"])
def test_the_same_key_with_other_arguments_is_a_conflict(
    manager, clerk, staff_role, make_role, organization, future, change
):
    appoint(manager, clerk, staff_role)
    options = {
        "role": {},
        "scope": {"scope": organization},
        "valid_to": {"valid_to": future(30)},
        "on_behalf_of": {"on_behalf_of": organization},
    }[change]
    role = make_role("cashier", 10) if change == "role" else staff_role
    with refused(IdempotencyConflict) as caught:
        appoint(manager, clerk, role, **options)
    assert (caught.value.scope, caught.value.key) == ("django_rbac.assign_role", "appoint-clerk")


@pytest.mark.django_db
def test_the_same_key_by_another_assigner_is_a_conflict(manager, make_user, clerk, staff_role, grant):
    appoint(manager, clerk, staff_role)
    second_manager = make_user("second-manager")
    grant(second_manager, UserRole.objects.get(user=manager).role)
    with refused(IdempotencyConflict):
        appoint(second_manager, clerk, staff_role)


@pytest.mark.django_db
def test_a_refused_keyed_grant_leaves_no_key_behind(manager, clerk, supervisor_role):
    with refused(RoleLevelTooHighError):
        appoint(manager, clerk, supervisor_role)


@pytest.mark.django_db
def test_a_retry_is_checked_like_a_first_call(manager, clerk, staff_role):
    appoint(manager, clerk, staff_role)
    UserRole.objects.filter(user=manager).update(valid_to=UserRole.objects.get(user=manager).valid_from)
    with refused(RoleLevelTooHighError):
        appoint(manager, clerk, staff_role)


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "k" * 256, 7], ids=["empty", "too-long", "not-a-string"])
def test_a_malformed_key_is_refused(manager, clerk, staff_role, key):
    with refused(InvalidAssignmentError):
        appoint(manager, clerk, staff_role, idempotency_key=key)


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_of_one_keyed_grant_all_get_it(manager, make_user, make_role):
    clerk = make_user("clerk")
    role = make_role("staff", 20)
    workers = 6
    barrier = threading.Barrier(workers)
    outcomes: list = [None] * workers

    def worker(index):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = appoint(manager, clerk, role, idempotency_key="appoint-clerk")
        except Exception as exc:  # collected and asserted on below
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assignment = UserRole.objects.get(user=clerk, role=role)
    assert outcomes == [assignment] * workers
