"""Simultaneous amendments and terminations of one agreement: real threads, each on its own connection
(PostgreSQL, MariaDB/MySQL)."""

import pytest

from django_agreements import AgreementTerminatedError
from django_agreements.models import Agreement, AgreementVersion
from django_agreements.services import amend_agreement, create_agreement, terminate_agreement
from django_basemodels.testing import (
    hold_in_transaction,
    join_threads,
    run_concurrently,
    start_concurrently,
    wait_for_lock_waiters,
)
from tests.conftest import TERMS
from tests.testapp.models import Customer, Organization

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

WORKERS = 8


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


def amend(agreement, index, **changes):
    fresh = Agreement.objects.get(pk=agreement.pk)
    return amend_agreement(
        fresh, new_terms={"fee": str(index)}, reason=f"change {index}", by=fresh.agreed_by, **changes
    )


def test_eight_simultaneous_amendments_get_versions_2_to_9_without_duplicates(agreement):
    outcomes = run_concurrently([lambda index=index: amend(agreement, index) for index in range(WORKERS)])

    assert all(isinstance(outcome, AgreementVersion) for outcome in outcomes), outcomes
    numbers = list(AgreementVersion.objects.filter(agreement=agreement).values_list("version", flat=True))
    assert sorted(numbers) == list(range(1, WORKERS + 2))


def test_amendments_queued_behind_a_held_row_lock_each_get_the_next_number(agreement):
    held, release, holder = hold_in_transaction(lambda: amend(agreement, "held"))
    outcomes, threads = start_concurrently(
        [lambda index=index: amend(agreement, index) for index in range(WORKERS - 1)]
    )
    waiting = wait_for_lock_waiters(WORKERS - 1)
    release.set()
    join_threads([holder, *threads])

    assert waiting >= WORKERS - 1, f"only {waiting} amendments waited on the row lock"
    assert held[0].version == 2
    assert all(isinstance(outcome, AgreementVersion) for outcome in outcomes), outcomes
    assert sorted(outcome.version for outcome in outcomes) == list(range(3, WORKERS + 2))
    numbers = AgreementVersion.objects.filter(agreement=agreement).values_list("version", flat=True)
    assert sorted(numbers) == list(range(1, WORKERS + 2))


def test_the_same_idempotency_key_from_eight_threads_makes_one_version(agreement):
    outcomes = run_concurrently(lambda: amend(agreement, "same", idempotency_key="request-1"), workers=WORKERS)

    assert all(isinstance(outcome, AgreementVersion) for outcome in outcomes), outcomes
    version = AgreementVersion.objects.get(agreement=agreement, version=2)
    assert {outcome.pk for outcome in outcomes} == {version.pk}
    assert AgreementVersion.objects.filter(agreement=agreement).count() == 2


def test_duplicates_of_a_key_held_by_an_open_transaction_wait_and_replay_its_version(agreement):
    held, release, holder = hold_in_transaction(lambda: amend(agreement, "same", idempotency_key="request-1"))
    outcomes, threads = start_concurrently(
        lambda: amend(agreement, "same", idempotency_key="request-1"), workers=WORKERS - 1
    )
    waiting = wait_for_lock_waiters(WORKERS - 1)
    release.set()
    join_threads([holder, *threads])

    assert waiting >= WORKERS - 1, f"only {waiting} duplicates waited for the first call"
    assert {outcome.pk for outcome in [*held, *outcomes]} == {held[0].pk}
    assert AgreementVersion.objects.filter(agreement=agreement).count() == 2


def test_eight_simultaneous_terminations_make_one_and_refuse_the_others(agreement):
    def terminate(index):
        fresh = Agreement.objects.get(pk=agreement.pk)
        return terminate_agreement(fresh, reason=f"end {index}", by=fresh.agreed_by)

    outcomes = run_concurrently([lambda index=index: terminate(index) for index in range(WORKERS)])

    made = [outcome for outcome in outcomes if isinstance(outcome, AgreementVersion)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, AgreementTerminatedError)]
    assert len(made) == 1 and len(refused) == WORKERS - 1, outcomes
    assert AgreementVersion.objects.terminations().get() == made[0]
    assert Agreement.objects.get().valid_to == made[0].effective_at


def test_amendments_racing_a_termination_are_numbered_before_it_or_refused(agreement):
    def act(index):
        fresh = Agreement.objects.get(pk=agreement.pk)
        if index == 0:
            return terminate_agreement(fresh, reason="end", by=fresh.agreed_by)
        return amend_agreement(fresh, new_terms={"fee": str(index)}, reason="r", by=fresh.agreed_by)

    outcomes = run_concurrently([lambda index=index: act(index) for index in range(WORKERS)])

    assert all(isinstance(outcome, (AgreementVersion, AgreementTerminatedError)) for outcome in outcomes), outcomes
    versions = list(AgreementVersion.objects.filter(agreement=agreement).order_by("version"))
    assert [version.version for version in versions] == list(range(1, len(versions) + 1))
    assert versions[-1].kind == "termination"
