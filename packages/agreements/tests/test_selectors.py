"""Agreements between two parties, current agreements of a party, and the queryset filters behind them."""

import datetime as dt

import pytest
from django.utils import timezone

from django_agreements import InvalidAgreementError
from django_agreements.models import Agreement, AgreementVersion
from django_agreements.selectors import agreements_between, current_agreements_for
from django_agreements.services import amend_agreement, create_agreement, terminate_agreement
from tests.conftest import TERMS
from tests.testapp.models import Customer, Organization

pytestmark = pytest.mark.django_db


def sign(party_a, party_b, owner, scope_type="service_plan", **changes):
    return create_agreement(
        party_a=party_a, party_b=party_b, scope_type=scope_type, terms=TERMS, agreed_by=owner, **changes
    )


def test_agreements_between_two_parties_are_found_whichever_side_each_is_on(customer, organization, owner):
    first = sign(customer, organization, owner)
    second = sign(organization, customer, owner, scope_type="nda")
    sign(customer, Organization.objects.create(name="Other"), owner)
    assert list(agreements_between(customer, organization)) == [first, second]
    assert list(agreements_between(organization, customer)) == [first, second]


def test_agreements_between_can_be_narrowed_by_scope_and_validity(customer, organization, owner, start):
    plan = sign(customer, organization, owner, effective_at=start)
    nda = sign(customer, organization, owner, scope_type="nda", effective_at=start)
    terminate_agreement(nda, reason="done", by=owner, effective_at=start + dt.timedelta(days=1))
    assert list(agreements_between(customer, organization, scope_type="nda")) == [nda]
    assert list(agreements_between(customer, organization, as_of=timezone.now())) == [plan]
    assert set(agreements_between(customer, organization, as_of=start)) == {plan, nda}


def test_current_agreements_of_a_party_leave_out_ended_and_future_ones(customer, organization, owner, start):
    current = sign(customer, organization, owner, effective_at=start)
    as_b = sign(Customer.objects.create(name="Bea"), customer, owner, effective_at=start)
    ended = sign(customer, organization, owner, effective_at=start)
    terminate_agreement(ended, reason="done", by=owner)
    sign(customer, organization, owner, effective_at=timezone.now() + dt.timedelta(days=1))
    sign(organization, Customer.objects.create(name="Cy"), owner)
    assert set(current_agreements_for(customer)) == {current, as_b}


def test_agreements_are_listed_oldest_start_first(customer, organization, owner, start):
    later = sign(customer, organization, owner, effective_at=start + dt.timedelta(days=2))
    earlier = sign(organization, customer, owner, effective_at=start)
    assert list(agreements_between(customer, organization)) == [earlier, later]
    assert list(current_agreements_for(customer)) == [earlier, later]


def test_current_agreements_can_be_narrowed_by_scope(customer, organization, owner):
    sign(customer, organization, owner)
    nda = sign(customer, organization, owner, scope_type="nda")
    assert list(current_agreements_for(customer, scope_type="nda")) == [nda]


def test_agreements_can_be_found_by_scope_object(customer, organization, owner, plan):
    about_plan = sign(customer, organization, owner, scope_object=plan)
    sign(customer, organization, owner)
    assert list(Agreement.objects.of_scope("service_plan", plan)) == [about_plan]
    assert list(Agreement.objects.of_scope("Service_Plan", plan)) == []


def test_terminated_and_not_terminated_agreements_are_told_apart(customer, organization, owner, start):
    open_one = sign(customer, organization, owner, effective_at=start)
    closed = sign(customer, organization, owner, effective_at=start)
    terminate_agreement(closed, reason="done", by=owner, effective_at=timezone.now() + dt.timedelta(days=1))
    assert set(Agreement.objects.terminated()) == {closed}
    assert set(Agreement.objects.not_terminated()) == {open_one}
    assert closed.termination.kind == "termination" and open_one.termination is None


def test_versions_can_be_filtered_by_kind(agreement, owner):
    amendment = amend_agreement(agreement, new_terms={}, reason="r", by=owner)
    termination = terminate_agreement(agreement, reason="r", by=owner)
    assert list(AgreementVersion.objects.amendments()) == [amendment]
    assert list(AgreementVersion.objects.terminations()) == [termination]


def test_latest_version_is_the_one_recorded_last(agreement, owner):
    amend_agreement(agreement, new_terms={}, reason="r", by=owner, effective_at=agreement.valid_from)
    assert agreement.latest_version.version == 2


@pytest.mark.parametrize("selector", [current_agreements_for, lambda party: agreements_between(party, party)])
def test_an_unsaved_party_is_refused(selector):
    with pytest.raises(InvalidAgreementError, match="must be a saved model instance"):
        selector(Customer(name="unsaved"))


def test_agreements_between_refuses_a_naive_time(customer, organization):
    with pytest.raises(InvalidAgreementError, match="as_of must be a timezone-aware"):
        agreements_between(customer, organization, as_of=dt.datetime(2025, 1, 1))


def test_the_string_form_names_the_scope_and_version(agreement):
    assert str(agreement) == f"service_plan agreement {agreement.pk}"
    assert str(agreement.latest_version) == f"v1 (original) of agreement {agreement.pk}"
