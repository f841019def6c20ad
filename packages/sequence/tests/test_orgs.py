"""Per-org counters: model instances (UUID and integer keys) and plain string keys."""

import uuid

import pytest

from django_basemodels import canonical_object_id
from django_sequence import InvalidOrgError, canonical_org_key, define_sequence, last_value, next_sequence, next_value
from django_sequence.models import SequenceCounter
from tests.testapp.models import IntOrg, ProxyIntOrg, UuidOrg

pytestmark = pytest.mark.django_db


def test_two_orgs_have_independent_counters():
    define_sequence(scope="order", prefix="ORD-")
    org_a, org_b = UuidOrg.objects.create(name="a"), UuidOrg.objects.create(name="b")
    assert next_sequence("order", org_a) == "ORD-0001"
    assert next_sequence("order", org_a) == "ORD-0002"
    assert next_sequence("order", org_b) == "ORD-0001"


def test_org_counter_is_separate_from_the_counter_without_org():
    org = IntOrg.objects.create(name="a")
    next_value("order")
    assert next_value("order", org=org) == 1


def test_uuid_pk_org_is_stored_as_content_type_and_32_hex_digits():
    org = UuidOrg.objects.create(id=uuid.UUID("12345678-1234-5678-1234-567812345678"), name="a")
    next_value("order", org)
    assert SequenceCounter.objects.get().org_key == "testapp.uuidorg:12345678123456781234567812345678"


def test_integer_pk_org_is_stored_as_content_type_and_number():
    org = IntOrg.objects.create(name="a")
    next_value("order", org)
    assert SequenceCounter.objects.get().org_key == f"testapp.intorg:{org.pk}"


def test_uuid_and_integer_orgs_count_separately_in_one_scope():
    uuid_org, int_org = UuidOrg.objects.create(name="a"), IntOrg.objects.create(name="b")
    assert [next_value("order", uuid_org), next_value("order", int_org), next_value("order", uuid_org)] == [1, 1, 2]


def test_same_org_reloaded_from_the_database_continues_its_counter():
    org = UuidOrg.objects.create(name="a")
    next_value("order", org)
    assert next_value("order", UuidOrg.objects.get(pk=org.pk)) == 2


def test_proxy_instance_counts_with_its_concrete_model():
    org = IntOrg.objects.create(name="a")
    next_value("order", org)
    assert next_value("order", ProxyIntOrg.objects.get(pk=org.pk)) == 2


def test_plain_string_keys_have_independent_counters():
    assert [next_value("order", "acme"), next_value("order", "acme"), next_value("order", "globex")] == [1, 2, 1]


def test_string_equal_to_an_instance_key_is_the_same_org():
    org = IntOrg.objects.create(name="a")
    next_value("order", org)
    assert next_value("order", canonical_org_key(org)) == 2


def test_string_key_is_stored_exactly_as_given():
    next_value("order", "Acme-EU")
    assert next_value("order", "acme-eu") == 1
    assert SequenceCounter.objects.filter(org_key="Acme-EU").exists()


def test_last_value_is_per_org():
    org_a, org_b = IntOrg.objects.create(name="a"), IntOrg.objects.create(name="b")
    next_value("order", org_a)
    next_value("order", org_a)
    assert (last_value("order", org_a), last_value("order", org_b)) == (2, None)


def test_counter_queryset_filters_by_org_and_scope():
    org = IntOrg.objects.create(name="a")
    next_value("order", org)
    next_value("order")
    next_value("invoice", org)
    assert SequenceCounter.objects.for_scope("order").for_org(org).count() == 1
    assert SequenceCounter.objects.for_org(None).get().scope == "order"


@pytest.mark.parametrize(
    ("pk", "stored"),
    [
        (uuid.UUID(int=1), "00000000000000000000000000000001"),
        ("00000000-0000-0000-0000-000000000001", "00000000000000000000000000000001"),
        ("{00000000-0000-0000-0000-000000000001}", "00000000000000000000000000000001"),
        ("x" * 32, "x" * 32),
        (42, "42"),
        ("acme", "acme"),
    ],
)
def test_primary_keys_have_one_canonical_text_form(pk, stored):
    assert canonical_object_id(pk) == stored
    assert canonical_object_id(stored) == stored


def test_unsaved_org_is_refused():
    with pytest.raises(InvalidOrgError, match="not saved"):
        next_value("order", IntOrg(name="a"))


def test_empty_string_org_is_refused():
    with pytest.raises(InvalidOrgError, match="org=None"):
        next_value("order", "")


@pytest.mark.parametrize("org", [42, uuid.uuid4(), object()])
def test_org_of_another_type_is_refused(org):
    with pytest.raises(InvalidOrgError, match="model instance, a string key or None"):
        next_value("order", org)


def test_org_key_longer_than_255_characters_is_refused():
    with pytest.raises(InvalidOrgError, match="longer than 255"):
        next_value("order", "k" * 256)


def test_refused_org_takes_no_number():
    with pytest.raises(InvalidOrgError):
        next_value("order", "")
    assert next_value("order") == 1
