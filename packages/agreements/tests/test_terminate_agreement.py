"""terminate_agreement: a termination version ends the agreement; earlier terms stay readable for their time."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from django_agreements import AgreementExpiredError, AgreementTerminatedError, InvalidAgreementError
from django_agreements.models import Agreement, AgreementVersion
from django_agreements.selectors import current_terms, terms_as_of
from django_agreements.services import TERMINATE_ACTION, amend_agreement, create_agreement, terminate_agreement
from django_decisioning.services import record_decision
from tests.conftest import TERMS

pytestmark = pytest.mark.django_db


def test_termination_writes_a_termination_version_and_sets_valid_to(agreement, owner):
    version = terminate_agreement(agreement, reason="Customer left", by=owner)
    assert (version.version, version.kind, version.terms, version.reason) == (2, "termination", {}, "Customer left")
    assert version.ends_at == version.effective_at == agreement.valid_to
    assert Agreement.objects.get(pk=agreement.pk).valid_to == version.effective_at


def test_a_terminated_agreement_is_no_longer_current(agreement, owner):
    terminate_agreement(agreement, reason="Customer left", by=owner)
    assert not Agreement.objects.current().exists()
    assert Agreement.objects.get().is_terminated


def test_after_termination_terms_as_of_raises_agreement_terminated(agreement, owner):
    version = terminate_agreement(agreement, reason="Customer left", by=owner)
    with pytest.raises(AgreementTerminatedError) as caught:
        current_terms(agreement)
    assert caught.value.terminated_at == version.effective_at


def test_the_terms_before_the_termination_are_still_readable(agreement, owner, start):
    version = terminate_agreement(agreement, reason="Customer left", by=owner)
    assert terms_as_of(agreement, start) == TERMS
    assert terms_as_of(agreement, version.effective_at - dt.timedelta(microseconds=1)) == TERMS


def test_the_termination_decision_records_actor_reason_and_time(agreement, owner):
    version = terminate_agreement(agreement, reason="Customer left", by=owner)
    decision = version.decision
    assert (decision.action, decision.outcome, decision.actor) == (TERMINATE_ACTION, "terminated", owner)
    assert decision.evidence["reason"] == "Customer left"
    assert decision.effective_at == version.effective_at


def test_a_backdated_termination_ends_the_terms_from_that_time(agreement, owner, start):
    ended = start + dt.timedelta(days=5)
    terminate_agreement(agreement, reason="Ended last week", by=owner, effective_at=ended)
    assert terms_as_of(agreement, ended - dt.timedelta(seconds=1)) == TERMS
    with pytest.raises(AgreementTerminatedError):
        terms_as_of(agreement, ended)


def test_a_termination_with_notice_keeps_the_terms_in_force_until_it_takes_effect(agreement, owner):
    ends = timezone.now() + dt.timedelta(days=30)
    terminate_agreement(agreement, reason="Notice given", by=owner, effective_at=ends)
    assert current_terms(agreement) == TERMS
    assert Agreement.objects.current().exists()
    with pytest.raises(AgreementTerminatedError):
        terms_as_of(agreement, ends)


def test_a_termination_overrides_an_amendment_scheduled_after_it(agreement, owner):
    later = timezone.now() + dt.timedelta(days=60)
    amend_agreement(agreement, new_terms={"fee": "1"}, reason="later", by=owner, effective_at=later)
    terminate_agreement(agreement, reason="Notice", by=owner, effective_at=later - dt.timedelta(days=1))
    with pytest.raises(AgreementTerminatedError):
        terms_as_of(agreement, later)


def test_a_second_termination_is_refused(agreement, owner):
    terminate_agreement(agreement, reason="Customer left", by=owner)
    with pytest.raises(AgreementTerminatedError):
        terminate_agreement(agreement, reason="Again", by=owner)
    assert AgreementVersion.objects.terminations().count() == 1


def test_the_database_allows_one_termination_per_agreement(agreement, owner):
    first = terminate_agreement(agreement, reason="Customer left", by=owner)
    duplicate = AgreementVersion(
        agreement=agreement, version=3, kind="termination", terms={}, author=owner, decision=first.decision
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_the_database_reads_kinds_byte_by_byte(agreement, owner):
    # A binary collation on MariaDB/MySQL too: "ORIGINAL" is not the original kind, so version 1 refuses it,
    # and "TERMINATION" is not a termination, so the one-termination index leaves it alone.
    first = terminate_agreement(agreement, reason="Customer left", by=owner)
    other = Agreement.objects.create(
        **{field: getattr(agreement, field) for field in ("party_a_type_id", "party_a_id", "party_b_type_id")},
        **{field: getattr(agreement, field) for field in ("party_b_id", "scope_type", "agreed_by_id", "valid_from")},
    )
    decision = record_decision(action="django_agreements.terminate_agreement", by=owner, outcome="terminated")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementVersion.objects.create(agreement=other, version=1, kind="ORIGINAL", author=owner, decision=decision)
    AgreementVersion.objects.bulk_create(
        [AgreementVersion(agreement=agreement, version=3, kind="TERMINATION", author=owner, decision=decision)]
    )
    assert AgreementVersion.objects.terminations().get() == first


@pytest.mark.parametrize("offset", [dt.timedelta(0), -dt.timedelta(seconds=1)])
def test_a_termination_not_after_the_start_is_refused(agreement, owner, start, offset):
    with pytest.raises(InvalidAgreementError, match="must be after agreement"):
        terminate_agreement(agreement, reason="x", by=owner, effective_at=start + offset)
    assert not AgreementVersion.objects.terminations().exists()


def test_a_termination_at_or_after_the_fixed_end_is_refused(customer, organization, owner, start):
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
    with pytest.raises(AgreementExpiredError):
        terminate_agreement(agreement, reason="too late", by=owner)
    assert Agreement.objects.get().valid_to == end


def test_an_early_termination_of_a_fixed_term_moves_valid_to_earlier(customer, organization, owner, start):
    agreement = create_agreement(
        party_a=customer,
        party_b=organization,
        scope_type="s",
        terms=TERMS,
        agreed_by=owner,
        effective_at=start,
        valid_to=start + dt.timedelta(days=365),
    )
    version = terminate_agreement(agreement, reason="early exit", by=owner)
    assert Agreement.objects.get().valid_to == version.effective_at


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"reason": ""}, "reason must be a non-empty string"),
        ({"effective_at": dt.datetime(2025, 1, 1)}, "effective_at must be a timezone-aware"),
    ],
)
def test_invalid_arguments_are_refused_before_anything_is_written(agreement, owner, changes, message):
    with pytest.raises(InvalidAgreementError, match=message):
        terminate_agreement(agreement, **{"reason": "x", "by": owner, **changes})
    assert AgreementVersion.objects.count() == 1
