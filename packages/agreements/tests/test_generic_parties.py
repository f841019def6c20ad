"""Parties by generic key, for a UUID-pk customer and an integer-pk organisation, on both databases."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef

from django_agreements.models import Agreement
from django_agreements.services import create_agreement
from tests.conftest import TERMS
from tests.testapp.models import Customer, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(customer, organization, owner):
    """Two agreements: customer (A) with organisation (B), and organisation (A) with a second customer (B)."""
    Customer.objects.create(name="decoy")
    Organization.objects.create(name="decoy")
    other = Customer.objects.create(name="Bea")

    def sign(party_a, party_b, scope_type):
        return create_agreement(party_a=party_a, party_b=party_b, scope_type=scope_type, terms=TERMS, agreed_by=owner)

    return {
        "customer": customer,
        "organization": organization,
        "other": other,
        "first": sign(customer, organization, "service_plan"),
        "second": sign(organization, other, "reseller"),
    }


@pytest.mark.parametrize(
    "kind, model, scope", [("customer", Customer, "service_plan"), ("organization", Organization, "reseller")]
)
def test_reverse_filter_through_the_generic_relation_finds_party_a(signed, kind, model, scope):
    assert list(model.objects.filter(agreements_as_a__scope_type=scope)) == [signed[kind]]


@pytest.mark.parametrize("kind, as_a, as_b", [("customer", 1, 0), ("organization", 1, 1), ("other", 0, 1)])
def test_related_managers_of_a_party_list_its_agreements_on_each_side(signed, kind, as_a, as_b):
    party = signed[kind]
    assert (party.agreements_as_a.count(), party.agreements_as_b.count()) == (as_a, as_b)


@pytest.mark.parametrize("kind", ["customer", "organization"])
def test_generic_foreign_key_access_returns_the_party(signed, kind):
    for agreement in Agreement.objects.for_party(signed[kind]):
        fresh = Agreement.objects.get(pk=agreement.pk)
        assert signed[kind] in (fresh.party_a, fresh.party_b)


def test_prefetch_of_the_parties_attaches_each_party(signed, django_assert_num_queries):
    agreements = list(Agreement.objects.order_by("recorded_at").prefetch_related("party_a", "party_b"))
    with django_assert_num_queries(0):
        pairs = [(agreement.party_a, agreement.party_b) for agreement in agreements]
    assert pairs == [(signed["customer"], signed["organization"]), (signed["organization"], signed["other"])]


@pytest.mark.parametrize("kind, model", [("customer", Customer), ("organization", Organization)])
def test_prefetch_of_the_generic_relation_attaches_the_right_agreements(signed, kind, model, django_assert_num_queries):
    fetched = list(model.objects.prefetch_related("agreements_as_a"))
    with django_assert_num_queries(0):
        counts = {party.pk: len(party.agreements_as_a.all()) for party in fetched}
    assert counts[signed[kind].pk] == 1
    assert sum(counts.values()) == 1


@pytest.mark.parametrize("kind, model", [("customer", Customer), ("organization", Organization)])
def test_parties_with_an_agreement_as_b_are_found_with_exists(signed, kind, model):
    as_b = Agreement.objects.filter(party_b_type=ContentType.objects.get_for_model(model), party_b_id=OuterRef("pk"))
    expected = {"customer": [signed["other"]], "organization": [signed["organization"]]}[kind]
    assert list(model.objects.filter(Exists(as_b))) == expected
