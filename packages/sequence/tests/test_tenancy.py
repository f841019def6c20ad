"""Many organizations: definitions unique per (org, scope), an org's own definition over the one without an
org, counters and issues that never cross orgs, and the constraint that keeps one definition per org and scope."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import django_basemodels
from django_basemodels import ANY_ORG
from django_basemodels.tenancy import per_database_natural_keys
from django_sequence import (
    InvalidOrgError,
    SequenceNotDefinedError,
    canonical_org_key,
    define_sequence,
    definition_for,
    last_value,
    next_sequence,
    next_value,
)
from django_sequence.models import SequenceCounter, SequenceDefinition, SequenceIssue
from tests.testapp.models import IntOrg

pytestmark = pytest.mark.django_db

JAN = datetime.date(2026, 1, 15)


@pytest.fixture
def org_a():
    return Group.objects.create(name="pharmacy a")


@pytest.fixture
def org_b():
    return Group.objects.create(name="pharmacy b")


@pytest.fixture
def two_definitions(org_a, org_b):
    """ "invoice" without an org, and one of its own for each of the two orgs (each its own look)."""
    define_sequence(scope="invoice", prefix="INV-")
    define_sequence(scope="invoice", org=org_a, prefix="A-", template="{prefix}{year}-{value:03d}")
    define_sequence(scope="invoice", org=org_b, prefix="B", padding=6)


def test_every_model_keys_its_natural_key_by_org():
    for model in (SequenceDefinition, SequenceCounter, SequenceIssue):
        assert per_database_natural_keys(model) == []


def test_two_orgs_with_the_same_scope_have_independent_counters(org_a, org_b):
    assert [next_value("invoice", org=org_a), next_value("invoice", org=org_a)] == [1, 2]
    assert next_value("invoice", org=org_b) == 1
    assert next_value("invoice") == 1


def test_each_org_numbers_with_its_own_definition(two_definitions, org_a, org_b):
    assert next_sequence("invoice", org=org_a, at=JAN) == "A-2026-001"
    assert next_sequence("invoice", org=org_b, at=JAN) == "B000001"
    assert next_sequence("invoice", org=org_a, at=JAN) == "A-2026-002"


def test_an_org_without_a_definition_uses_the_one_without_an_org(two_definitions):
    other = Group.objects.create(name="pharmacy c")
    assert next_sequence("invoice", org=other) == "INV-0001"
    assert next_sequence("invoice", org="org-c") == "INV-0001"


def test_without_org_the_definition_without_an_org_applies(two_definitions):
    assert next_sequence("invoice") == "INV-0001"
    assert next_sequence("invoice", org=None) == "INV-0002"


def test_an_orgs_definition_without_one_for_no_org_leaves_the_others_on_the_defaults(org_a, org_b):
    define_sequence(scope="receipt", org=org_a, prefix="R-")
    assert next_sequence("receipt", org=org_a) == "R-0001"
    assert next_sequence("receipt", org=org_b) == "RECEIPT-0001"
    assert next_sequence("receipt") == "RECEIPT-0001"


def test_the_rule_is_cached_per_org_not_per_scope(two_definitions, org_a, org_b):
    # The first org's rule, once cached, must not answer for the second org or for no org.
    assert next_sequence("invoice", org=org_a, at=JAN) == "A-2026-001"
    assert next_sequence("invoice", org=org_b, at=JAN) == "B000001"
    assert next_sequence("invoice", at=JAN) == "INV-0001"
    assert next_sequence("invoice", org="org-c", at=JAN) == "INV-0001"


def test_a_new_definition_of_an_org_that_used_the_fallback_applies_at_once(org_a):
    define_sequence(scope="invoice", prefix="INV-")
    assert next_sequence("invoice", org=org_a) == "INV-0001"  # the fallback is cached for org_a now
    define_sequence(scope="invoice", org=org_a, prefix="A-")
    assert next_sequence("invoice", org=org_a) == "A-0002"


def test_a_changed_definition_without_an_org_applies_at_once_to_orgs_that_fall_back(org_a):
    define_sequence(scope="invoice", prefix="INV-")
    assert next_sequence("invoice", org=org_a) == "INV-0001"
    define_sequence(scope="invoice", prefix="BILL-")
    assert next_sequence("invoice", org=org_a) == "BILL-0002"


def test_deleting_an_orgs_definition_falls_back_to_the_one_without_an_org(two_definitions, org_a):
    assert next_sequence("invoice", org=org_a, at=JAN) == "A-2026-001"
    SequenceDefinition.objects.for_org(org_a).get().delete()
    # The fallback never restarts: its counter is the org's period "" one, not the yearly one org_a used.
    assert next_sequence("invoice", org=org_a, at=JAN) == "INV-0001"
    assert last_value("invoice", org_a) == 1


def test_define_sequence_replaces_only_the_definition_of_its_org(org_a, org_b):
    without_org = define_sequence(scope="invoice", prefix="INV-")
    first = define_sequence(scope="invoice", org=org_a, prefix="A-")
    second = define_sequence(scope="invoice", org=org_a, prefix="AA-")
    assert second.pk == first.pk
    assert SequenceDefinition.objects.count() == 2
    assert SequenceDefinition.objects.get(pk=without_org.pk).prefix == "INV-"
    assert (second.org_key, second.org) == (canonical_org_key(org_a), org_a)


def test_define_sequence_refuses_a_bad_org_and_writes_nothing():
    with pytest.raises(InvalidOrgError, match="org=None"):
        define_sequence(scope="invoice", org="", prefix="X-")
    assert not SequenceDefinition.objects.exists()


def test_last_value_reads_the_counter_of_the_orgs_own_period(two_definitions, org_a, org_b):
    # org_a's definition restarts yearly ("2026"), org_b's never (""): each org's rule picks its counter.
    next_value("invoice", org=org_a, at=JAN)
    next_value("invoice", org=org_a, at=JAN)
    next_value("invoice", org=org_b, at=JAN)
    assert last_value("invoice", org_a, at=JAN) == 2
    assert last_value("invoice", org_b, at=JAN) == 1
    assert last_value("invoice", at=JAN) is None
    assert sorted(SequenceCounter.objects.values_list("org_key", "period_key")) == sorted(
        [(canonical_org_key(org_a), "2026"), (canonical_org_key(org_b), "")]
    )


def test_a_repeat_with_a_key_is_per_org_and_formatted_by_the_orgs_definition(two_definitions, org_a, org_b):
    first = next_sequence("invoice", org=org_a, at=JAN, idempotency_key="request-1")
    other = next_sequence("invoice", org=org_b, at=JAN, idempotency_key="request-1")
    assert (first, other) == ("A-2026-001", "B000001")
    assert next_sequence("invoice", org=org_a, at=JAN, idempotency_key="request-1") == "A-2026-001"
    assert SequenceIssue.objects.for_org(org_a).get().value == 1
    assert SequenceIssue.objects.for_org(ANY_ORG).count() == 2


def test_require_definition_accepts_the_orgs_own_and_refuses_an_org_without_one(settings, org_a, org_b):
    settings.SEQUENCE_REQUIRE_DEFINITION = True
    define_sequence(scope="invoice", org=org_a, prefix="A-")
    assert next_sequence("invoice", org=org_a) == "A-0001"
    with pytest.raises(SequenceNotDefinedError):
        next_sequence("invoice", org=org_b)
    with pytest.raises(SequenceNotDefinedError):
        next_sequence("invoice")
    assert SequenceCounter.objects.count() == 1


def test_definition_for_returns_the_definition_in_force(two_definitions, org_a, org_b):
    assert definition_for("invoice", org=org_a).prefix == "A-"
    assert definition_for("invoice", org=org_b).prefix == "B"
    assert definition_for("invoice", org="org-c").prefix == "INV-"
    assert definition_for("invoice").org_key == ""
    assert definition_for("order", org=org_a) is None


def test_definition_for_never_returns_another_orgs_definition(org_a, org_b):
    define_sequence(scope="invoice", org=org_a, prefix="A-")
    assert definition_for("invoice", org=org_b) is None
    assert definition_for("invoice") is None


def test_definition_for_refuses_a_bad_org():
    with pytest.raises(InvalidOrgError):
        definition_for("invoice", org=IntOrg(name="unsaved"))


def test_querysets_filter_by_org(two_definitions, org_a, org_b):
    next_value("invoice", org=org_a)
    next_value("invoice", org=org_b)
    next_value("invoice")
    assert SequenceDefinition.objects.for_org(org_a).get().prefix == "A-"
    assert SequenceDefinition.objects.for_org(None).get().prefix == "INV-"
    assert SequenceDefinition.objects.for_scope("invoice").for_org(ANY_ORG).count() == 3
    assert SequenceCounter.objects.for_org(org_b).get().org == org_b
    assert SequenceCounter.objects.for_org(ANY_ORG).count() == 3
    assert SequenceCounter.objects.for_org(None).get().org is None


def test_for_org_refuses_a_bad_org_with_the_packages_error():
    with pytest.raises(InvalidOrgError):
        SequenceCounter.objects.for_org("")


def test_the_packages_org_error_is_the_conventions_too():
    assert issubclass(InvalidOrgError, django_basemodels.InvalidOrgError)
    with pytest.raises(django_basemodels.InvalidOrgError, match="not saved"):
        next_value("invoice", org=Group(name="unsaved"))


@pytest.mark.parametrize("org", [None, "org-a", "testapp.intorg:7"])
def test_the_org_key_is_the_conventions(org):
    assert canonical_org_key(org) == django_basemodels.org_key(org)


def test_the_org_key_of_an_instance_is_the_conventions(org_a):
    assert canonical_org_key(org_a) == django_basemodels.org_key(org_a) == f"auth.group:{org_a.pk}"


def test_a_definition_takes_its_org_in_the_constructor(org_a):
    definition = SequenceDefinition.objects.create(org=org_a, scope="invoice", prefix="A-")
    assert definition.org_key == canonical_org_key(org_a)
    assert str(definition) == f"invoice ({canonical_org_key(org_a)})"


def test_a_cached_number_for_an_org_is_one_statement(two_definitions, org_a):
    with CaptureQueriesContext(connection) as first:
        next_value("invoice", org=org_a)
    with CaptureQueriesContext(connection) as second:
        next_value("invoice", org=org_a)
    # The first call reads the definitions in force (the org's and the one without an org) in one query.
    assert (len(first), len(second)) == (2, 1)


def test_the_constraint_refuses_two_definitions_of_a_scope_for_one_org(org_a, org_b):
    SequenceDefinition.objects.create(org=org_a, scope="invoice", prefix="A-")
    SequenceDefinition.objects.create(org=org_b, scope="invoice", prefix="B-")
    with pytest.raises(IntegrityError), transaction.atomic():
        SequenceDefinition.objects.create(org=org_a, scope="invoice", prefix="AA-")
    assert SequenceDefinition.objects.count() == 2


def test_the_constraint_refuses_two_definitions_of_a_scope_without_an_org():
    SequenceDefinition.objects.create(scope="invoice", prefix="INV-")
    with pytest.raises(IntegrityError), transaction.atomic():
        SequenceDefinition.objects.bulk_create([SequenceDefinition(scope="invoice", prefix="BILL-")])
    assert SequenceDefinition.objects.get().prefix == "INV-"


def test_the_constraint_refuses_a_duplicate_in_one_bulk_create(org_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        SequenceDefinition.objects.bulk_create(
            [SequenceDefinition(org=org_a, scope="invoice"), SequenceDefinition(org=org_a, scope="invoice")]
        )
    assert not SequenceDefinition.objects.exists()


def test_the_scope_of_an_org_compares_byte_by_byte(org_a):
    SequenceDefinition.objects.create(org=org_a, scope="invoice")
    SequenceDefinition.objects.create(org=org_a, scope="Invoice")
    assert SequenceDefinition.objects.for_org(org_a).count() == 2


def test_full_clean_reports_a_second_definition_for_one_org(org_a):
    SequenceDefinition.objects.create(org=org_a, scope="invoice")
    with pytest.raises(ValidationError):
        SequenceDefinition(org=org_a, scope="invoice").full_clean()
    SequenceDefinition(org="org-b", scope="invoice").full_clean()


ADD_FORM = {
    "scope": "invoice",
    "gap_policy": "gapless",
    "prefix": "A-",
    "padding": "4",
    "template": "{prefix}{value:0{padding}d}",
    "period": "auto",
    "start_value": "1",
}


def test_admin_adds_an_orgs_definition_and_refuses_a_second_one(admin_client, org_a):
    url = reverse("admin:django_sequence_sequencedefinition_add")
    key = canonical_org_key(org_a)
    assert admin_client.post(url, {**ADD_FORM, "org_key": key}).status_code == 302
    assert next_sequence("invoice", org=org_a) == "A-0001"
    again = admin_client.post(url, {**ADD_FORM, "org_key": key, "prefix": "AA-"})
    assert again.status_code == 200
    assert "already exists" in again.content.decode()
    assert admin_client.post(url, {**ADD_FORM, "org_key": ""}).status_code == 302
    assert SequenceDefinition.objects.count() == 2


def test_admin_lists_the_org_of_each_definition(admin_client, two_definitions, org_a):
    response = admin_client.get(reverse("admin:django_sequence_sequencedefinition_changelist"))
    assert canonical_org_key(org_a) in response.content.decode()
