"""The tenancy convention: org keys, OrgOwned rows, natural keys unique per organization, the W020 check
and the assign_org command."""

from __future__ import annotations

import uuid
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import override_settings

from django_basemodels import ANY_ORG, InvalidOrgError, org_key, resolve_org, unique_per_org
from django_basemodels.checks import check_natural_keys
from django_basemodels.management.commands.assign_org import org_keyed_models
from django_basemodels.tenancy import ORG_KEY_MAX_LENGTH, per_database_natural_keys
from tests.testapp.models import Branch, Code, Country, Event, Invoice, Shift, Tag


@pytest.fixture
def orgs(db) -> tuple[Group, Group]:
    return Group.objects.create(name="Pharmacy A"), Group.objects.create(name="Pharmacy B")


def test_org_key_of_nothing_a_string_and_a_saved_instance(orgs):
    pharmacy, _ = orgs
    assert org_key(None) == ""
    assert org_key("tenant-7") == "tenant-7"
    assert org_key(pharmacy) == f"auth.group:{pharmacy.pk}"
    assert org_key(org_key(pharmacy)) == org_key(pharmacy)


@pytest.mark.django_db
def test_org_key_of_a_uuid_keyed_instance_is_canonical():
    event = Event.objects.create()
    assert org_key(event) == f"testapp.event:{event.pk.hex}"


@pytest.mark.parametrize(
    ("org", "message"),
    [
        ("", "empty string"),
        (Group(name="unsaved"), "not saved yet"),
        (42, "not int"),
        ("x" * (ORG_KEY_MAX_LENGTH + 1), "longer than 255"),
    ],
)
def test_org_key_refuses_what_names_no_organization(org, message):
    with pytest.raises(InvalidOrgError, match=message):
        org_key(org)
    assert issubclass(InvalidOrgError, ValueError)


def test_resolve_org_gives_back_the_instance_or_the_key(orgs):
    pharmacy, _ = orgs
    assert resolve_org("") is None
    assert resolve_org(org_key(pharmacy)) == pharmacy
    assert resolve_org("tenant-7") == "tenant-7"
    assert resolve_org("no.such:1") == "no.such:1"
    assert resolve_org("notalabel:1") == "notalabel:1"
    assert resolve_org("auth.group:999999") == "auth.group:999999"


def test_an_org_owned_row_takes_its_org_in_the_constructor_and_filters_by_it(orgs):
    pharmacy_a, pharmacy_b = orgs
    a = Branch.objects.create(org=pharmacy_a, code="PHARM")
    b = Branch.objects.create(org=pharmacy_b, code="PHARM")
    plain = Branch.objects.create(code="PHARM")
    assert (a.org, b.org, plain.org) == (pharmacy_a, pharmacy_b, None)
    assert list(Branch.objects.for_org(pharmacy_a)) == [a]
    assert list(Branch.objects.for_org(org_key(pharmacy_b))) == [b]
    assert list(Branch.objects.for_org(None)) == [plain]
    assert Branch.objects.for_org(ANY_ORG).count() == 3
    plain.org = pharmacy_b
    assert plain.org_key == org_key(pharmacy_b)
    assert repr(ANY_ORG) == "ANY_ORG"


@pytest.mark.parametrize("org", ["org-a", None])
def test_the_database_refuses_a_natural_key_twice_in_one_organization(db, org):
    Branch.objects.create(org=org, code="PHARM")
    with pytest.raises(IntegrityError), transaction.atomic():
        Branch.objects.bulk_create([Branch(org=org, code="PHARM")])
    assert Branch.objects.count() == 1


def test_unique_per_org_needs_the_fields_of_the_key():
    with pytest.raises(ValueError, match="needs the fields"):
        unique_per_org(name="nothing")
    assert unique_per_org("code", name="x").fields == ("org_key", "code")


def test_per_database_natural_keys():
    assert per_database_natural_keys(Branch) == []
    assert per_database_natural_keys(Country) == []  # declared global
    assert per_database_natural_keys(Code) == [("value",)]
    assert per_database_natural_keys(Invoice) == [("number",)]
    assert per_database_natural_keys(Tag) == []  # no unique text key
    assert ("code",) in per_database_natural_keys(Shift)


def _flagged(**settings) -> set[str]:
    settings.setdefault("BASEMODELS_UNIQUE_PER_DATABASE", [])
    with override_settings(**settings):
        return {f"{message.obj._meta.label}" for message in check_natural_keys() if message.id.endswith("W020")}


@override_settings(BASEMODELS_UNIQUE_PER_DATABASE=[])
def test_the_check_flags_every_natural_key_unique_per_database():
    messages = check_natural_keys()
    assert {message.id for message in messages} == {"django_basemodels.W020"}
    assert _flagged() == {"testapp.Code", "testapp.Invoice", "testapp.Shift"}
    assert "(value) is unique per database" in next(str(m.msg) for m in messages if m.obj is Code)


def test_the_check_leaves_alone_what_the_setting_declares_global():
    assert _flagged(BASEMODELS_UNIQUE_PER_DATABASE=["testapp"]) == set()
    assert _flagged(BASEMODELS_UNIQUE_PER_DATABASE=["testapp.Code", "testapp.invoice.number"]) == {"testapp.Shift"}
    assert _flagged(BASEMODELS_UNIQUE_PER_DATABASE=["testapp.Shift.code"]) >= {"testapp.Shift"}  # worker still


@pytest.mark.parametrize("value", ["testapp", [1], None])
def test_the_check_refuses_a_setting_that_is_not_a_list_of_strings(value):
    with override_settings(BASEMODELS_UNIQUE_PER_DATABASE=value):
        messages = check_natural_keys()
    assert [message.id for message in messages] == ["django_basemodels.E020"]


@override_settings(BASEMODELS_UNIQUE_PER_DATABASE=[])
def test_the_check_runs_with_manage_py_check():
    out = StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "django_basemodels.W020" in out.getvalue()


def test_the_models_with_an_org_key():
    assert org_keyed_models() == [Branch]
    assert org_keyed_models(["testapp.code"]) == []


def test_assign_org_moves_the_rows_of_no_organization(orgs):
    pharmacy, other = orgs
    plain = Branch.objects.create(code="PHARM")
    kept = Branch.objects.create(org=other, code="PHARM")
    out = StringIO()
    call_command("assign_org", org_key(pharmacy), "--dry-run", stdout=out)
    assert "testapp.Branch: 1 row(s) to move" in out.getvalue()
    assert Branch.objects.get(pk=plain.pk).org_key == ""
    call_command("assign_org", org_key(pharmacy), "--model", "testapp.Branch", stdout=StringIO())
    assert Branch.objects.get(pk=plain.pk).org == pharmacy
    assert Branch.objects.get(pk=kept.pk).org == other


def test_assign_org_changes_nothing_when_the_organization_holds_the_same_key(orgs):
    pharmacy, _ = orgs
    Branch.objects.create(code="PHARM")
    Branch.objects.create(code="OTHER")
    Branch.objects.create(org=pharmacy, code="PHARM")
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("assign_org", org_key(pharmacy), stdout=StringIO())
    assert Branch.objects.for_org(None).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"), [([""], "empty string"), (["org-a", "--model", "testapp.Code"], "no installed model")]
)
def test_assign_org_refuses_a_bad_key_or_model(args, message):
    with pytest.raises(CommandError, match=message.capitalize() if message[0] == "n" else message):
        call_command("assign_org", *args, stdout=StringIO())


def test_uuid_keys_of_orgs_are_spelled_one_way(db):
    key = uuid.uuid4()
    assert org_key(Event.objects.create(id=key)) == f"testapp.event:{key.hex}"
