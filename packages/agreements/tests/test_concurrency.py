"""Simultaneous amendments and terminations of one agreement: real threads, each on its own PostgreSQL connection."""

import threading
import time

import pytest
from django.db import connection, transaction

from django_agreements import AgreementTerminated
from django_agreements.models import Agreement, AgreementVersion
from django_agreements.services import amend_agreement, create_agreement, terminate_agreement
from tests.conftest import TERMS
from tests.testapp.models import Customer, Organization

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 8
# Upper bound on waiting for threads to reach a state; never asserted on, only keeps a broken run from hanging.
PATIENCE = 60


@pytest.fixture
def agreement(django_user_model):
    owner = django_user_model.objects.create_user(username="owner")
    return create_agreement(
        party_a=Customer.objects.create(name="Ada"),
        party_b=Organization.objects.create(name="Acme"),
        scope_type="service_plan",
        terms=TERMS,
        agreed_by=owner,
    )


def backends_waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def wait_for_waiters(count: int) -> int:
    deadline = time.monotonic() + PATIENCE
    waiting = backends_waiting_on_a_lock()
    while waiting < count and time.monotonic() < deadline:
        time.sleep(0.005)
        waiting = backends_waiting_on_a_lock()
    return waiting


def run_in_threads(target, count: int) -> tuple[list, list[threading.Thread]]:
    outcomes: list = [None] * count
    barrier = threading.Barrier(count)

    def worker(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = target(index)
        except Exception as exc:  # collected and asserted on by the test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    return outcomes, threads


def join(threads) -> None:
    for thread in threads:
        thread.join()


def hold_the_row_lock(call):
    """Run ``call`` in a transaction kept open until ``release`` is set; ``entered`` once it holds the lock."""
    entered, release = threading.Event(), threading.Event()
    outcome: list = []

    def worker() -> None:
        try:
            with transaction.atomic():
                outcome.append(call())
                entered.set()
                release.wait(PATIENCE)
        except Exception as exc:  # collected and asserted on by the test
            outcome.append(exc)
            entered.set()
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    assert entered.wait(PATIENCE)
    return outcome, release, thread


def amend(agreement, index, **changes):
    fresh = Agreement.objects.get(pk=agreement.pk)
    return amend_agreement(
        fresh, new_terms={"fee": str(index)}, reason=f"change {index}", by=fresh.agreed_by, **changes
    )


def test_eight_simultaneous_amendments_get_versions_2_to_9_without_duplicates(agreement):
    outcomes, threads = run_in_threads(lambda index: amend(agreement, index), WORKERS)
    join(threads)

    assert all(isinstance(outcome, AgreementVersion) for outcome in outcomes), outcomes
    numbers = list(AgreementVersion.objects.filter(agreement=agreement).values_list("version", flat=True))
    assert sorted(numbers) == list(range(1, WORKERS + 2))


def test_amendments_queued_behind_a_held_row_lock_each_get_the_next_number(agreement):
    held, release, holder = hold_the_row_lock(lambda: amend(agreement, "held"))
    outcomes, threads = run_in_threads(lambda index: amend(agreement, index), WORKERS - 1)
    waiting = wait_for_waiters(WORKERS - 1)
    release.set()
    join([holder, *threads])

    assert waiting >= WORKERS - 1, f"only {waiting} amendments waited on the row lock"
    assert held[0].version == 2
    assert all(isinstance(outcome, AgreementVersion) for outcome in outcomes), outcomes
    assert sorted(outcome.version for outcome in outcomes) == list(range(3, WORKERS + 2))
    numbers = AgreementVersion.objects.filter(agreement=agreement).values_list("version", flat=True)
    assert sorted(numbers) == list(range(1, WORKERS + 2))


def test_the_same_idempotency_key_from_eight_threads_makes_one_version(agreement):
    outcomes, threads = run_in_threads(lambda index: amend(agreement, "same", idempotency_key="request-1"), WORKERS)
    join(threads)

    assert all(isinstance(outcome, AgreementVersion) for outcome in outcomes), outcomes
    version = AgreementVersion.objects.get(agreement=agreement, version=2)
    assert {outcome.pk for outcome in outcomes} == {version.pk}
    assert AgreementVersion.objects.filter(agreement=agreement).count() == 2


def test_duplicates_of_a_key_held_by_an_open_transaction_wait_and_replay_its_version(agreement):
    held, release, holder = hold_the_row_lock(lambda: amend(agreement, "same", idempotency_key="request-1"))
    outcomes, threads = run_in_threads(lambda index: amend(agreement, "same", idempotency_key="request-1"), WORKERS - 1)
    waiting = wait_for_waiters(WORKERS - 1)
    release.set()
    join([holder, *threads])

    assert waiting >= WORKERS - 1, f"only {waiting} duplicates waited for the first call"
    assert {outcome.pk for outcome in [*held, *outcomes]} == {held[0].pk}
    assert AgreementVersion.objects.filter(agreement=agreement).count() == 2


def test_eight_simultaneous_terminations_make_one_and_refuse_the_others(agreement):
    def terminate(index):
        fresh = Agreement.objects.get(pk=agreement.pk)
        return terminate_agreement(fresh, reason=f"end {index}", by=fresh.agreed_by)

    outcomes, threads = run_in_threads(terminate, WORKERS)
    join(threads)

    made = [outcome for outcome in outcomes if isinstance(outcome, AgreementVersion)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, AgreementTerminated)]
    assert len(made) == 1 and len(refused) == WORKERS - 1, outcomes
    assert AgreementVersion.objects.terminations().get() == made[0]
    assert Agreement.objects.get().valid_to == made[0].effective_at


def test_amendments_racing_a_termination_are_numbered_before_it_or_refused(agreement):
    def act(index):
        fresh = Agreement.objects.get(pk=agreement.pk)
        if index == 0:
            return terminate_agreement(fresh, reason="end", by=fresh.agreed_by)
        return amend_agreement(fresh, new_terms={"fee": str(index)}, reason="r", by=fresh.agreed_by)

    outcomes, threads = run_in_threads(act, WORKERS)
    join(threads)

    assert all(isinstance(outcome, (AgreementVersion, AgreementTerminated)) for outcome in outcomes), outcomes
    versions = list(AgreementVersion.objects.filter(agreement=agreement).order_by("version"))
    assert [version.version for version in versions] == list(range(1, len(versions) + 1))
    assert versions[-1].kind == "termination"
