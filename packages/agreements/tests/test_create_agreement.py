"""create_agreement: an agreement between two parties with its original terms as version 1, and a decision."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from django_agreements import InvalidAgreementError
from django_agreements.models import Agreement, AgreementVersion
from django_agreements.selectors import terms_as_of
from django_agreements.services import CREATE_ACTION, create_agreement
from django_decisioning.models import Decision, IdempotencyKey
from tests.conftest import TERMS
from tests.testapp.models import Customer, Organization

pytestmark = pytest.mark.django_db


def create(**changes):
    arguments = {"scope_type": "service_plan", "terms": TERMS, **changes}
    return create_agreement(**arguments)


def test_the_agreement_links_both_parties_the_scope_and_who_agreed(customer, organization, plan, owner):
    agreement = create(party_a=customer, party_b=organization, scope_object=plan, agreed_by=owner)
    fresh = Agreement.objects.get(pk=agreement.pk)
    assert (fresh.party_a, fresh.party_b, fresh.scope_object) == (customer, organization, plan)
    assert (fresh.scope_type, fresh.agreed_by) == ("service_plan", owner)


def test_the_original_terms_are_version_1_written_by_the_user_who_agreed(agreement, owner):
    version = AgreementVersion.objects.get()
    assert (version.agreement, version.version, version.kind, version.author) == (agreement, 1, "original", owner)
    assert version.decoded_terms == TERMS


def test_the_scope_object_is_optional(customer, organization, owner):
    agreement = create(party_a=customer, party_b=organization, agreed_by=owner)
    assert Agreement.objects.get(pk=agreement.pk).scope_object is None


def test_the_decision_records_the_actor_target_principal_and_the_terms_snapshot(customer, organization, owner):
    agreement = create(party_a=customer, party_b=organization, agreed_by=owner, on_behalf_of=organization)
    decision = Decision.objects.get()
    assert (decision.action, decision.outcome, decision.actor) == (CREATE_ACTION, "created", owner)
    assert (decision.target, decision.on_behalf_of) == (agreement, organization)
    assert decision.evidence["terms"]["monthly_fee"] == {"$decimal": "99.00"}
    assert AgreementVersion.objects.get().decision == decision


def test_without_effective_at_the_agreement_takes_effect_when_it_is_created(customer, organization, owner):
    before = timezone.now()
    agreement = create(party_a=customer, party_b=organization, agreed_by=owner)
    version = AgreementVersion.objects.get()
    assert before <= agreement.effective_at == agreement.valid_from == version.effective_at <= version.recorded_at
    assert agreement.valid_to is None


def test_a_backdated_agreement_is_effective_in_the_past_and_recorded_now(agreement, start):
    fresh = Agreement.objects.get(pk=agreement.pk)
    assert fresh.effective_at == fresh.valid_from == start
    assert fresh.recorded_at > start
    assert AgreementVersion.objects.get().effective_at == start


def test_an_agreement_may_start_in_the_future(customer, organization, owner):
    later = timezone.now() + dt.timedelta(days=10)
    agreement = create(party_a=customer, party_b=organization, agreed_by=owner, effective_at=later)
    assert not Agreement.objects.current().filter(pk=agreement.pk).exists()
    assert terms_as_of(agreement, later) == TERMS


def test_a_fixed_term_sets_valid_to_and_is_recorded_on_the_version(customer, organization, owner, start):
    end = start + dt.timedelta(days=365)
    agreement = create(party_a=customer, party_b=organization, agreed_by=owner, effective_at=start, valid_to=end)
    assert Agreement.objects.get(pk=agreement.pk).valid_to == end
    assert AgreementVersion.objects.get().ends_at == end


@pytest.mark.parametrize("days", [0, -1])
def test_a_fixed_term_must_end_after_it_starts(customer, organization, owner, start, days):
    with pytest.raises(InvalidAgreementError, match="valid_to"):
        create(
            party_a=customer,
            party_b=organization,
            agreed_by=owner,
            effective_at=start,
            valid_to=start + dt.timedelta(days=days),
        )
    assert not Agreement.objects.exists()


def test_a_fixed_term_without_effective_at_must_end_after_now(customer, organization, owner):
    with pytest.raises(InvalidAgreementError, match="valid_to"):
        create(party_a=customer, party_b=organization, agreed_by=owner, valid_to=timezone.now() - dt.timedelta(1))


def test_the_same_party_on_both_sides_is_refused(customer, owner):
    with pytest.raises(InvalidAgreementError, match="two different parties"):
        create(party_a=customer, party_b=Customer.objects.get(pk=customer.pk), agreed_by=owner)


def test_the_database_refuses_the_same_party_on_both_sides(agreement):
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(
            party_b_type=agreement.party_a_type, party_b_id=agreement.party_a_id
        )


def test_two_parties_of_different_models_with_equal_keys_are_different_parties(owner, django_user_model):
    organization = Organization.objects.create(pk=7, name="Seven")
    user_seven = django_user_model.objects.create_user(username="seven", id=7)
    agreement = create(party_a=organization, party_b=user_seven, agreed_by=owner)
    assert agreement.party_a_id == agreement.party_b_id == "7"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"party_a": Customer(name="unsaved")}, "party_a must be a saved model instance"),
        ({"party_b": "Acme"}, "party_b must be a saved model instance"),
        ({"scope_object": Organization(name="unsaved")}, "scope_object must be a saved model instance"),
        ({"scope_type": ""}, "scope_type"),
        ({"scope_type": "x" * 101}, "scope_type"),
        ({"scope_type": None}, "scope_type"),
        ({"agreed_by": None}, "agreed_by must be a saved"),
        ({"effective_at": dt.datetime(2025, 1, 1)}, "effective_at must be a timezone-aware"),
        ({"valid_to": "2030-01-01"}, "valid_to must be a timezone-aware"),
    ],
)
def test_invalid_arguments_are_refused_before_anything_is_written(customer, organization, owner, changes, message):
    arguments = {"party_a": customer, "party_b": organization, "agreed_by": owner, **changes}
    with pytest.raises(InvalidAgreementError, match=message):
        create(**arguments)
    assert not Agreement.objects.exists() and not Decision.objects.exists()


def test_agreed_by_must_be_a_user_not_any_model(customer, organization):
    with pytest.raises(InvalidAgreementError, match="agreed_by must be a saved"):
        create(party_a=customer, party_b=organization, agreed_by=organization)


def test_acting_on_behalf_of_oneself_is_refused(customer, organization, owner):
    with pytest.raises(InvalidAgreementError, match="on_behalf_of is the acting user"):
        create(party_a=customer, party_b=organization, agreed_by=owner, on_behalf_of=owner)


def test_an_unsaved_principal_is_refused(customer, organization, owner):
    with pytest.raises(InvalidAgreementError, match="on_behalf_of must be a saved model instance"):
        create(party_a=customer, party_b=organization, agreed_by=owner, on_behalf_of=Organization(name="x"))


def test_terms_keep_their_values_when_the_caller_mutates_its_dict_afterwards(customer, organization, owner):
    terms = {"monthly_fee": Decimal("99.00"), "features": ["basic"]}
    agreement = create(party_a=customer, party_b=organization, agreed_by=owner, terms=terms)
    terms["features"].append("premium")
    terms["monthly_fee"] = Decimal("1")
    assert terms_as_of(agreement, agreement.valid_from) == {"monthly_fee": Decimal("99.00"), "features": ["basic"]}


def test_a_fixed_term_ending_before_an_explicit_start_leaves_no_idempotency_record(
    customer, organization, owner, start
):
    with pytest.raises(InvalidAgreementError, match="valid_to"):
        create(
            party_a=customer,
            party_b=organization,
            agreed_by=owner,
            effective_at=start,
            valid_to=start,
            idempotency_key="k",
        )
    assert not IdempotencyKey.objects.exists()


def test_a_replay_after_the_fixed_term_ended_returns_the_stored_agreement(
    customer, organization, owner, settings, monkeypatch
):
    settings.DECISIONING_IDEMPOTENCY_TTL = None
    ends = timezone.now() + dt.timedelta(hours=1)
    first = create(party_a=customer, party_b=organization, agreed_by=owner, valid_to=ends, idempotency_key="k")
    later = ends + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: later)  # the retry arrives after the fixed term ended
    again = create(party_a=customer, party_b=organization, agreed_by=owner, valid_to=ends, idempotency_key="k")
    assert again == first
    assert Agreement.objects.count() == 1
