"""amend_agreement: a new version with the new terms; earlier versions are preserved untouched."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from django_agreements import AgreementExpiredError, AgreementTerminatedError, InvalidAgreementError
from django_agreements.models import Agreement, AgreementVersion
from django_agreements.selectors import current_terms, terms_as_of
from django_agreements.services import AMEND_ACTION, amend_agreement, create_agreement, terminate_agreement
from django_decisioning.models import Decision
from tests.conftest import TERMS

pytestmark = pytest.mark.django_db

NEW_TERMS = {"monthly_fee": Decimal("109.00"), "features": ["basic", "reports", "api"]}


def amend(agreement, user, **changes):
    return amend_agreement(agreement, **{"new_terms": NEW_TERMS, "reason": "Price increase", "by": user, **changes})


def test_an_amendment_is_a_new_version_numbered_after_the_last(agreement, owner):
    version = amend(agreement, owner)
    assert (version.version, version.kind, version.reason, version.author) == (2, "amendment", "Price increase", owner)
    assert amend(agreement, owner).version == 3


def test_the_original_version_is_preserved(agreement, owner):
    original = AgreementVersion.objects.get(version=1)
    amend(agreement, owner)
    fresh = AgreementVersion.objects.get(version=1)
    assert (fresh.terms, fresh.recorded_at, fresh.effective_at) == (
        original.terms,
        original.recorded_at,
        original.effective_at,
    )
    assert fresh.decoded_terms == TERMS


def test_the_new_terms_are_in_force_from_the_amendment_on(agreement, owner, start):
    version = amend(agreement, owner)
    assert current_terms(agreement) == NEW_TERMS
    assert terms_as_of(agreement, version.effective_at - dt.timedelta(microseconds=1)) == TERMS
    assert terms_as_of(agreement, start) == TERMS


def test_the_amendment_decision_records_actor_target_reason_and_new_terms(agreement, owner):
    version = amend(agreement, owner)
    decision = version.decision
    assert (decision.action, decision.outcome, decision.actor, decision.target) == (
        AMEND_ACTION,
        "amended",
        owner,
        agreement,
    )
    assert decision.evidence["reason"] == "Price increase" and decision.evidence["version"] == 2
    assert decision.evidence["terms"]["monthly_fee"] == {"$decimal": "109.00"}
    assert decision.effective_at == version.effective_at


def test_amendments_carry_the_fixed_end_of_the_agreement(customer, organization, owner, start):
    end = start + dt.timedelta(days=365)
    agreement = create_agreement(
        party_a=customer,
        party_b=organization,
        scope_type="service_plan",
        terms=TERMS,
        agreed_by=owner,
        effective_at=start,
        valid_to=end,
    )
    assert amend(agreement, owner).ends_at == end


def test_an_amendment_may_be_scheduled_for_the_future(agreement, owner):
    later = timezone.now() + dt.timedelta(days=10)
    amend(agreement, owner, effective_at=later)
    assert current_terms(agreement) == TERMS
    assert terms_as_of(agreement, later) == NEW_TERMS


def test_an_amendment_of_an_agreement_not_started_yet_defaults_to_its_start(customer, organization, owner):
    later = timezone.now() + dt.timedelta(days=10)
    agreement = create_agreement(
        party_a=customer, party_b=organization, scope_type="s", terms=TERMS, agreed_by=owner, effective_at=later
    )
    assert amend(agreement, owner).effective_at == later
    assert terms_as_of(agreement, later) == NEW_TERMS


def test_an_amendment_effective_at_the_start_replaces_the_original_terms_from_the_start(agreement, owner, start):
    amend(agreement, owner, effective_at=start)
    assert terms_as_of(agreement, start) == NEW_TERMS


def test_an_amendment_before_the_agreement_took_effect_is_refused(agreement, owner, start):
    with pytest.raises(InvalidAgreementError, match="before agreement"):
        amend(agreement, owner, effective_at=start - dt.timedelta(seconds=1))
    assert AgreementVersion.objects.count() == 1


def test_an_amendment_at_or_after_the_fixed_end_is_refused(customer, organization, owner, start):
    end = start + dt.timedelta(days=10)
    agreement = create_agreement(
        party_a=customer,
        party_b=organization,
        scope_type="s",
        terms=TERMS,
        agreed_by=owner,
        effective_at=start,
        valid_to=end,
    )
    with pytest.raises(AgreementExpiredError) as caught:
        amend(agreement, owner, effective_at=end)
    assert caught.value.ended_at == end
    with pytest.raises(AgreementExpiredError):
        amend(agreement, owner)  # now is after the end
    assert amend(agreement, owner, effective_at=end - dt.timedelta(days=1)).version == 2


def test_a_terminated_agreement_takes_no_amendment(agreement, owner):
    termination = terminate_agreement(agreement, reason="Closed", by=owner)
    with pytest.raises(AgreementTerminatedError) as caught:
        amend(agreement, owner)
    assert caught.value.terminated_at == termination.effective_at
    assert AgreementVersion.objects.count() == 2


def test_an_agreement_with_a_scheduled_termination_takes_no_amendment(agreement, owner):
    terminate_agreement(agreement, reason="Notice given", by=owner, effective_at=timezone.now() + dt.timedelta(days=30))
    with pytest.raises(AgreementTerminatedError):
        amend(agreement, owner)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"reason": ""}, "reason must be a non-empty string"),
        ({"reason": "   "}, "reason must be a non-empty string"),
        ({"reason": None}, "reason must be a non-empty string"),
        ({"by": None}, "by must be a saved"),
        ({"effective_at": dt.datetime(2025, 1, 1)}, "effective_at must be a timezone-aware"),
        ({"new_terms": {"fee": 1.5}}, "pass a Decimal or a string"),
    ],
)
def test_invalid_arguments_are_refused_before_anything_is_written(agreement, owner, changes, message):
    with pytest.raises(InvalidAgreementError, match=message):
        amend(agreement, owner, **changes)
    assert AgreementVersion.objects.count() == 1 and Decision.objects.count() == 1


def test_an_unsaved_agreement_is_refused(owner):
    with pytest.raises(InvalidAgreementError, match="agreement must be a saved Agreement"):
        amend(Agreement(scope_type="x"), owner)


def test_an_agreement_deleted_meanwhile_is_refused(agreement, owner):
    agreement.pk = "00000000-0000-0000-0000-000000000000"
    with pytest.raises(InvalidAgreementError, match="does not exist"):
        amend(agreement, owner)
