"""Every service is idempotent by key, with one scope per service; other arguments under one key conflict."""

import datetime as dt

import pytest
from django.utils import timezone

from django_agreements import AgreementTerminatedError, InvalidAgreementError
from django_agreements.models import Agreement, AgreementVersion
from django_agreements.services import (
    AMEND_SCOPE,
    CREATE_SCOPE,
    TERMINATE_SCOPE,
    amend_agreement,
    create_agreement,
    terminate_agreement,
)
from django_decisioning import IdempotencyConflictError
from django_decisioning.models import Decision, IdempotencyKey
from tests.conftest import TERMS

pytestmark = pytest.mark.django_db


def create(customer, organization, owner, **changes):
    arguments = {
        "party_a": customer,
        "party_b": organization,
        "scope_type": "service_plan",
        "terms": TERMS,
        "agreed_by": owner,
        "idempotency_key": "create-1",
        **changes,
    }
    return create_agreement(**arguments)


def test_repeating_a_create_returns_the_first_agreement_and_writes_nothing(customer, organization, owner):
    first = create(customer, organization, owner)
    again = create(customer, organization, owner)
    assert again == first
    assert (Agreement.objects.count(), AgreementVersion.objects.count(), Decision.objects.count()) == (1, 1, 1)
    assert IdempotencyKey.objects.get().scope == CREATE_SCOPE


def test_a_create_with_other_terms_under_the_same_key_conflicts(customer, organization, owner):
    create(customer, organization, owner)
    with pytest.raises(IdempotencyConflictError):
        create(customer, organization, owner, terms={"monthly_fee": "1"})
    assert Agreement.objects.count() == 1


def test_repeating_an_amendment_returns_the_first_version(agreement, owner):
    first = amend_agreement(agreement, new_terms={"fee": "2"}, reason="r", by=owner, idempotency_key="amend-1")
    again = amend_agreement(agreement, new_terms={"fee": "2"}, reason="r", by=owner, idempotency_key="amend-1")
    assert again == first and again.version == 2
    assert AgreementVersion.objects.count() == 2
    assert IdempotencyKey.objects.get().scope == AMEND_SCOPE


def test_an_amendment_with_another_reason_under_the_same_key_conflicts(agreement, owner):
    amend_agreement(agreement, new_terms={"fee": "2"}, reason="r", by=owner, idempotency_key="amend-1")
    with pytest.raises(IdempotencyConflictError):
        amend_agreement(agreement, new_terms={"fee": "2"}, reason="other", by=owner, idempotency_key="amend-1")


def test_a_repeated_termination_returns_the_first_instead_of_refusing(agreement, owner):
    first = terminate_agreement(agreement, reason="end", by=owner, idempotency_key="end-1")
    again = terminate_agreement(agreement, reason="end", by=owner, idempotency_key="end-1")
    assert again == first
    assert IdempotencyKey.objects.get().scope == TERMINATE_SCOPE
    with pytest.raises(AgreementTerminatedError):
        terminate_agreement(agreement, reason="end", by=owner)


def test_a_repeated_termination_updates_the_instance_passed_in(agreement, owner):
    first = terminate_agreement(agreement, reason="end", by=owner, idempotency_key="end-1")
    stale = Agreement.objects.get(pk=agreement.pk)
    stale.valid_to = None
    terminate_agreement(stale, reason="end", by=owner, idempotency_key="end-1")
    assert stale.valid_to == first.effective_at


def test_the_same_key_in_two_services_does_not_collide(agreement, owner):
    amend_agreement(agreement, new_terms={"fee": "2"}, reason="r", by=owner, idempotency_key="same")
    terminate_agreement(agreement, reason="r", by=owner, idempotency_key="same")
    assert AgreementVersion.objects.count() == 3


def test_an_amendment_refused_under_the_lock_releases_its_key_for_a_corrected_retry(agreement, owner, start):
    with pytest.raises(InvalidAgreementError, match="before agreement"):
        amend_agreement(
            agreement,
            new_terms={"fee": "2"},
            reason="r",
            by=owner,
            effective_at=start - dt.timedelta(1),
            idempotency_key="k",
        )
    version = amend_agreement(
        agreement, new_terms={"fee": "2"}, reason="r", by=owner, effective_at=timezone.now(), idempotency_key="k"
    )
    assert version.version == 2


def test_without_a_key_no_idempotency_record_is_kept(agreement, owner):
    amend_agreement(agreement, new_terms={"fee": "2"}, reason="r", by=owner)
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("key", ["", "k" * 256, 7], ids=["empty", "too-long", "not-a-string"])
def test_a_malformed_key_is_refused_with_the_package_error_before_anything_is_written(
    customer, organization, owner, agreement, key
):
    with pytest.raises(InvalidAgreementError, match="idempotency_key"):
        create(customer, organization, owner, idempotency_key=key)
    with pytest.raises(InvalidAgreementError, match="idempotency_key"):
        amend_agreement(agreement, new_terms=TERMS, reason="r", by=owner, idempotency_key=key)
    with pytest.raises(InvalidAgreementError, match="idempotency_key"):
        terminate_agreement(agreement, reason="r", by=owner, idempotency_key=key)
    assert (AgreementVersion.objects.count(), IdempotencyKey.objects.count()) == (1, 0)
