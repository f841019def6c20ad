"""The framework's torture tests on agreements: Retry, Backdate, Reversal, Delegation and Snapshot."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_agreements import NotAuthorizedError
from django_agreements.models import Agreement, AgreementVersion
from django_agreements.selectors import terms_as_of
from django_agreements.services import amend_agreement, create_agreement, terminate_agreement
from django_decisioning.testing import (
    assert_backdate_coherent,
    assert_delegation_captured,
    assert_idempotent,
    assert_reversal_preserves_original,
    assert_snapshot_independent,
)
from tests.conftest import TERMS
from tests.testapp.models import Customer, Organization, Plan

pytestmark = pytest.mark.django_db

NEW_TERMS = {"monthly_fee": Decimal("109.00")}


# Retry: the same request three times -> exactly one effect, the same result each time.


def test_retry_create_three_times_gives_one_agreement(customer, organization, owner):
    results = assert_idempotent(
        lambda: create_agreement(
            party_a=customer,
            party_b=organization,
            scope_type="service_plan",
            terms=TERMS,
            agreed_by=owner,
            idempotency_key="create-1",
        ),
        count=Agreement.objects.count,
    )
    assert AgreementVersion.objects.filter(agreement=results[0]).count() == 1


def test_retry_amend_three_times_gives_one_version(agreement, owner):
    assert_idempotent(
        lambda: amend_agreement(agreement, new_terms=NEW_TERMS, reason="r", by=owner, idempotency_key="amend-1"),
        count=AgreementVersion.objects.count,
    )


def test_retry_terminate_three_times_gives_one_termination(agreement, owner):
    assert_idempotent(
        lambda: terminate_agreement(agreement, reason="r", by=owner, idempotency_key="end-1"),
        count=AgreementVersion.objects.count,
    )


# Backdate: recorded today, effective yesterday -> coherent in business time and in knowledge.


def test_backdate_an_amendment_effective_yesterday_is_coherent(agreement, owner):
    yesterday = timezone.now() - dt.timedelta(days=1)
    believed_before = timezone.now()
    version = amend_agreement(agreement, new_terms=NEW_TERMS, reason="late paperwork", by=owner, effective_at=yesterday)
    assert_backdate_coherent(version, queryset=AgreementVersion.objects.all())
    assert terms_as_of(agreement, yesterday) == NEW_TERMS
    assert terms_as_of(agreement, yesterday, known_at=believed_before) == TERMS
    assert terms_as_of(agreement, yesterday - dt.timedelta(microseconds=1)) == TERMS


def test_backdate_an_agreement_effective_yesterday_is_coherent(customer, organization, owner):
    yesterday = timezone.now() - dt.timedelta(days=1)
    agreement = create_agreement(
        party_a=customer, party_b=organization, scope_type="s", terms=TERMS, agreed_by=owner, effective_at=yesterday
    )
    assert_backdate_coherent(AgreementVersion.objects.get(agreement=agreement), queryset=AgreementVersion.objects.all())
    assert Agreement.objects.as_of(yesterday).get() == agreement
    assert not Agreement.objects.known_at(yesterday).exists()


def test_backdate_a_termination_effective_yesterday_is_coherent(agreement, owner):
    yesterday = timezone.now() - dt.timedelta(days=1)
    believed_before = timezone.now()
    version = terminate_agreement(agreement, reason="ended yesterday", by=owner, effective_at=yesterday)
    assert_backdate_coherent(version, queryset=AgreementVersion.objects.all())
    assert terms_as_of(agreement, yesterday, known_at=believed_before) == TERMS


# Reversal: amend and terminate need authority, add new facts, and leave earlier versions untouched.


def test_reversal_amend_needs_authority_and_preserves_the_original_version(agreement, owner, stranger):
    original = AgreementVersion.objects.get(version=1)
    amendment = assert_reversal_preserves_original(
        original,
        lambda: amend_agreement(agreement, new_terms=NEW_TERMS, reason="r", by=owner),
        unauthorized=lambda: amend_agreement(agreement, new_terms=NEW_TERMS, reason="r", by=stranger),
        refusal=NotAuthorizedError,
    )
    assert amendment.version == 2


def test_reversal_terminate_needs_authority_and_preserves_every_earlier_version(agreement, owner, stranger):
    amend_agreement(agreement, new_terms=NEW_TERMS, reason="r", by=owner)
    earlier = list(AgreementVersion.objects.order_by("version").values())
    termination = assert_reversal_preserves_original(
        AgreementVersion.objects.get(version=1),
        lambda: terminate_agreement(agreement, reason="r", by=owner),
        unauthorized=lambda: terminate_agreement(agreement, reason="r", by=stranger),
        refusal=NotAuthorizedError,
    )
    assert termination.kind == "termination"
    assert list(AgreementVersion.objects.filter(version__lt=3).order_by("version").values()) == earlier


# Delegation: actor and on_behalf_of captured apart, on the decision and on the version.


def test_delegation_an_amendment_for_an_organization_is_captured(agreement, owner, organization):
    version = amend_agreement(agreement, new_terms=NEW_TERMS, reason="r", by=owner, on_behalf_of=organization)
    assert_delegation_captured(version.decision, actor=owner, on_behalf_of=organization)
    fresh = AgreementVersion.objects.get(pk=version.pk)
    assert (fresh.author, fresh.on_behalf_of, fresh.is_delegated) == (owner, organization, True)
    assert list(AgreementVersion.objects.by_author(owner).on_behalf_of(organization).delegated()) == [fresh]
    assert list(organization.versions_for.all()) == [fresh]


def test_delegation_a_creation_and_a_termination_for_a_principal_are_captured(customer, organization, owner):
    agreement = create_agreement(
        party_a=customer, party_b=organization, scope_type="s", terms=TERMS, agreed_by=owner, on_behalf_of=organization
    )
    termination = terminate_agreement(agreement, reason="r", by=owner, on_behalf_of=organization)
    original = AgreementVersion.objects.get(version=1)
    assert_delegation_captured(original.decision, actor=owner, on_behalf_of=organization)
    assert_delegation_captured(termination.decision, actor=owner, on_behalf_of=organization)


def test_delegation_a_change_for_oneself_is_not_delegated(agreement, owner):
    version = amend_agreement(agreement, new_terms=NEW_TERMS, reason="r", by=owner)
    assert (version.on_behalf_of, version.is_delegated, version.decision.is_delegated) == (None, False, False)
    assert not AgreementVersion.objects.delegated().exists()


# Snapshot: terms at any past time, without reading mutable state.


def test_snapshot_past_terms_do_not_follow_changes_of_the_live_plan_and_parties(customer, organization, owner):
    plan = Plan.objects.create(code="basic", monthly_fee=Decimal("99.00"))
    agreement = create_agreement(
        party_a=customer,
        party_b=organization,
        scope_type="service_plan",
        scope_object=plan,
        terms={"monthly_fee": plan.monthly_fee, "plan": plan.code},
        agreed_by=owner,
    )
    agreed_at = agreement.valid_from

    def mutate():
        Plan.objects.update(monthly_fee=Decimal("149.00"), code="renamed")
        Customer.objects.update(name="Someone else")
        Organization.objects.update(name="Other")

    assert_snapshot_independent(
        AgreementVersion.objects.get(agreement=agreement),
        mutate=mutate,
        read=lambda version: terms_as_of(version.agreement_id, agreed_at),
    )
    assert terms_as_of(agreement, agreed_at) == {"monthly_fee": Decimal("99.00"), "plan": "basic"}


def test_snapshot_terms_as_of_reads_the_versions_table_only(agreement, owner, start):
    amend_agreement(agreement, new_terms=NEW_TERMS, reason="r", by=owner)
    with CaptureQueriesContext(connection) as queries:
        terms = terms_as_of(agreement.pk, start)
    assert terms == TERMS
    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert AgreementVersion._meta.db_table in sql
    assert f'"{Agreement._meta.db_table}"' not in sql


def test_snapshot_past_terms_survive_a_change_of_the_agreement_row(agreement, owner, start):
    Agreement.objects.filter(pk=agreement.pk).update(valid_to=start + dt.timedelta(seconds=1), scope_type="edited")
    assert terms_as_of(agreement, start + dt.timedelta(days=2)) == TERMS
