"""Many organizations: each has its own tags (slug unique per org), found, listed, put on and taken off objects
only through its own org; a Tag of another org is refused before anything is written."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from django_basemodels import ANY_ORG, InvalidOrgError, org_key
from django_basemodels.tenancy import per_database_natural_keys
from django_notes import CrossOrgTagError, InvalidTagError, tag_object, tagged, tags_for, untag_object
from django_notes.models import Note, NoteRevision, ObjectTag, Tag
from tests.testapp.models import Customer, Invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_a():
    return Group.objects.create(name="pharmacy a")


@pytest.fixture
def org_b():
    return Group.objects.create(name="pharmacy b")


@pytest.fixture
def urgent(org_a, org_b):
    """A tag "urgent" in each of the two orgs and one of no org, each its own colour."""
    return {
        "a": Tag.objects.create(org=org_a, name="Urgent", color="#aa0000"),
        "b": Tag.objects.create(org=org_b, name="URGENT", color="#bb0000"),
        None: Tag.objects.create(name="urgent", color="#000000"),
    }


def test_no_model_keeps_a_natural_key_unique_per_database():
    for model in (Tag, ObjectTag, Note, NoteRevision):
        assert per_database_natural_keys(model) == []


def test_two_orgs_each_have_their_own_tag_of_one_slug(urgent, org_a, org_b):
    assert {tag.slug for tag in urgent.values()} == {"urgent"}
    assert (urgent["a"].org, urgent["b"].org, urgent[None].org) == (org_a, org_b, None)
    assert urgent["a"].org_key == f"auth.group:{org_a.pk}"


def test_a_lookup_by_slug_in_one_org_finds_that_orgs_tag(urgent, org_a, org_b):
    assert Tag.objects.for_org(org_a).get(slug="urgent") == urgent["a"]
    assert Tag.objects.for_org(org_b).get(slug="urgent") == urgent["b"]
    assert Tag.objects.for_org(None).get(slug="urgent") == urgent[None]
    assert not Tag.objects.for_org("org-c").filter(slug="urgent").exists()
    assert Tag.objects.for_org(ANY_ORG).filter(slug="urgent").count() == 3


def test_tagging_by_name_finds_the_tag_of_the_given_org(urgent, invoice, org_a, org_b):
    assert tag_object(target=invoice, tags=["URGENT"], org=org_a) == [urgent["a"]]
    assert tag_object(target=invoice, tags=["Urgent"], org=org_b) == [urgent["b"]]
    assert Tag.objects.count() == 3
    assert set(ObjectTag.objects.values_list("tag", flat=True)) == {urgent["a"].pk, urgent["b"].pk}


def test_tagging_by_name_without_org_finds_the_tag_of_no_org(urgent, invoice):
    assert tag_object(target=invoice, tags=["urgent"]) == [urgent[None]]


def test_tagging_by_name_creates_the_missing_tag_in_the_given_org(urgent, invoice, org_a):
    [later] = tag_object(target=invoice, tags=["Later"], org=org_a)
    assert (later.slug, later.org_key) == ("later", org_key(org_a))
    assert not Tag.objects.for_org(None).filter(slug="later").exists()


def test_an_orgs_string_key_and_its_instance_are_one_org(urgent, invoice, org_a):
    assert tag_object(target=invoice, tags=["urgent"], org=f"auth.group:{org_a.pk}") == [urgent["a"]]


def test_two_string_key_orgs_both_get_a_new_tag_of_one_name(invoice):
    [first] = tag_object(target=invoice, tags=["urgent"], org="org-a")
    [second] = tag_object(target=invoice, tags=["urgent"], org="org-b")
    assert first.pk != second.pk
    assert sorted(Tag.objects.values_list("org_key", "slug")) == [("org-a", "urgent"), ("org-b", "urgent")]
    assert ObjectTag.objects.count() == 2


def test_tagging_with_a_tag_of_another_org_is_refused_before_anything_is_written(urgent, invoice, org_a, org_b):
    with pytest.raises(CrossOrgTagError) as excinfo:
        tag_object(target=invoice, tags=["brand-new", urgent["b"]], org=org_a)
    assert (excinfo.value.org_key, excinfo.value.tag_org_key, excinfo.value.slug) == (
        org_key(org_a),
        org_key(org_b),
        "urgent",
    )
    assert isinstance(excinfo.value, InvalidTagError)
    assert not Tag.objects.filter(slug="brand-new").exists()
    assert not ObjectTag.objects.exists()


def test_tagging_with_an_orgs_tag_without_org_is_refused(urgent, invoice):
    with pytest.raises(CrossOrgTagError):
        tag_object(target=invoice, tags=[urgent["a"]])
    assert not ObjectTag.objects.exists()


def test_tagging_with_an_orgs_own_tag_row_is_accepted(urgent, invoice, org_a):
    assert tag_object(target=invoice, tags=[urgent["a"], "urgent"], org=org_a) == [urgent["a"]]
    assert list(ObjectTag.objects.values_list("tag", flat=True)) == [urgent["a"].pk]


@pytest.mark.parametrize("org", ["", 42], ids=["empty string", "not an org"])
def test_an_org_that_names_none_is_refused_before_anything_is_written(invoice, org):
    with pytest.raises(InvalidOrgError):
        tag_object(target=invoice, tags=["urgent"], org=org)
    assert not Tag.objects.exists()


def test_an_unsaved_org_is_refused(invoice):
    with pytest.raises(InvalidOrgError):
        tag_object(target=invoice, tags=["urgent"], org=Group(name="unsaved"))


def test_tags_for_lists_the_tags_of_one_org_or_of_every_org(urgent, invoice, org_a, org_b):
    for org in (org_a, org_b, None):
        tag_object(target=invoice, tags=["urgent"], org=org)
    tag_object(target=invoice, tags=["later"], org=org_a)
    assert {tag.slug for tag in tags_for(invoice, org=org_a)} == {"later", "urgent"}
    assert list(tags_for(invoice, org=org_b)) == [urgent["b"]]
    assert list(tags_for(invoice, org=None)) == [urgent[None]]
    assert tags_for(invoice).count() == tags_for(invoice, org=ANY_ORG).count() == 4


def test_tags_of_one_name_in_several_orgs_are_listed_in_org_order(invoice):
    for org in ("org-b", "org-a", None):
        tag_object(target=invoice, tags=["Urgent"], org=org)
    assert [tag.org_key for tag in tags_for(invoice)] == ["", "org-a", "org-b"]


def test_tags_for_one_org_is_one_query(urgent, customer, org_a, django_assert_num_queries):
    tag_object(target=customer, tags=["urgent", "later"], org=org_a)
    tag_object(target=customer, tags=["urgent"], org="org-b")
    ContentType.objects.clear_cache()
    with django_assert_num_queries(1):
        assert {tag.slug for tag in tags_for(customer, org=org_a)} == {"later", "urgent"}


def test_tagged_finds_the_rows_carrying_the_given_orgs_tag(urgent, org_a, org_b):
    acme, initech, globex = (Customer.objects.create(name=name) for name in ("ACME", "Initech", "Globex"))
    tag_object(target=acme, tags=["urgent"], org=org_a)
    tag_object(target=initech, tags=["urgent"], org=org_b)
    tag_object(target=globex, tags=["urgent"])
    assert list(tagged(Customer.objects.all(), "Urgent", org=org_a)) == [acme]
    assert list(tagged(Customer.objects.all(), "urgent", org=org_b)) == [initech]
    assert list(tagged(Customer.objects.all(), "urgent")) == [globex]
    assert list(tagged(Customer.objects.all(), urgent["b"], org=org_b)) == [initech]
    assert not tagged(Customer.objects.all(), "urgent", org="org-c").exists()


def test_tagged_with_one_org_is_one_query(urgent, customer, org_a, django_assert_num_queries):
    tag_object(target=customer, tags=["urgent"], org=org_a)
    ContentType.objects.clear_cache()
    with django_assert_num_queries(1):
        assert list(tagged(Customer.objects.all(), "urgent", org=org_a)) == [customer]


def test_tagged_with_a_tag_of_another_org_is_refused(urgent, org_a):
    with pytest.raises(CrossOrgTagError):
        tagged(Customer.objects.all(), urgent["b"], org=org_a)
    with pytest.raises(CrossOrgTagError):
        tagged(Customer.objects.all(), urgent["a"])


def test_untagging_by_name_takes_off_only_the_given_orgs_tag(urgent, invoice, org_a, org_b):
    for org in (org_a, org_b, None):
        tag_object(target=invoice, tags=["urgent"], org=org)
    assert untag_object(target=invoice, tags=["urgent"], org=org_a) == 1
    assert set(tags_for(invoice)) == {urgent["b"], urgent[None]}
    assert untag_object(target=invoice, tags=["urgent"], org=org_a) == 0
    assert untag_object(target=invoice, tags=["urgent"]) == 1
    assert list(tags_for(invoice)) == [urgent["b"]]
    assert Tag.objects.count() == 3


def test_untagging_with_a_tag_of_another_org_is_refused_and_removes_nothing(urgent, invoice, org_a, org_b):
    tag_object(target=invoice, tags=["urgent"], org=org_a)
    tag_object(target=invoice, tags=["urgent"], org=org_b)
    with pytest.raises(CrossOrgTagError):
        untag_object(target=invoice, tags=["urgent", urgent["b"]], org=org_a)
    assert ObjectTag.objects.count() == 2


def test_the_relation_reaches_one_orgs_tags_through_org_key(urgent, org_a, org_b):
    mine, theirs = Invoice.objects.create(number="INV-A"), Invoice.objects.create(number="INV-B")
    tag_object(target=mine, tags=["urgent"], org=org_a)
    tag_object(target=theirs, tags=["urgent"], org=org_b)
    assert list(Invoice.objects.filter(tags__slug="urgent", tags__org_key=org_key(org_a))) == [mine]
    assert list(mine.tags.for_org(org_b)) == []
    assert list(theirs.tags.for_org(org_b)) == [urgent["b"]]


def test_without_org_every_tag_has_the_empty_org_key(invoice):
    tag_object(target=invoice, tags=["urgent", "later"])
    assert set(Tag.objects.values_list("org_key", flat=True)) == {""}


def test_the_database_refuses_a_second_tag_of_one_slug_in_one_org(urgent, org_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(org=org_a, name="urgent!")
    assert Tag.objects.for_org(org_a).count() == 1


def test_the_database_refuses_a_second_tag_of_one_slug_without_org(urgent):
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="Urgent?")


def test_the_database_refuses_a_duplicate_slug_in_one_org_from_bulk_create(urgent, org_a):
    Tag.objects.bulk_create([Tag(org="org-c", slug="urgent", name="urgent", color="#000000")])
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.bulk_create([Tag(org=org_a, slug="urgent", name="urgent", color="#000000")])
    assert Tag.objects.count() == 4


def test_the_database_refuses_a_duplicate_slug_in_one_org_from_raw_sql(urgent):
    insert = (
        "INSERT INTO django_notes_tag (org_key, slug, name, color, created_at) "
        "VALUES (%s, %s, %s, %s, CURRENT_TIMESTAMP)"
    )
    with connection.cursor() as cursor:
        cursor.execute(insert, ["org-c", "urgent", "urgent", "#000000"])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert, ["org-c", "urgent", "urgent", "#000000"])
    assert Tag.objects.for_org("org-c").count() == 1


def test_full_clean_reports_a_duplicate_slug_in_one_org_only(urgent, org_a):
    Tag(org="org-c", name="urgent").full_clean()
    with pytest.raises(ValidationError) as excinfo:
        Tag(org=org_a, name="urgent").full_clean()
    assert "already exists" in str(excinfo.value)


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_concurrent_tagging_in_two_orgs_creates_one_tag_per_org():
    invoice = Invoice.objects.create(number="INV-race")
    orgs = ["org-a", "org-b"] * 4
    barrier = threading.Barrier(len(orgs))
    errors: list[BaseException] = []

    def tag(org: str) -> None:
        try:
            barrier.wait()
            tag_object(target=invoice, tags=["urgent", "Race"], org=org)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tag, args=(org,)) for org in orgs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Tag.objects.values_list("org_key", "slug")) == [
        ("org-a", "race"),
        ("org-a", "urgent"),
        ("org-b", "race"),
        ("org-b", "urgent"),
    ]
    assert ObjectTag.objects.count() == 4


def test_the_tag_list_in_the_admin_shows_and_filters_by_org(superuser_client, urgent, org_a):
    url = reverse("admin:django_notes_tag_changelist")
    response = superuser_client.get(url, {"org_key": org_key(org_a)})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [urgent["a"]]
    assert org_key(org_a) in response.text


def test_the_object_tag_list_in_the_admin_filters_by_the_tags_org(superuser_client, urgent, invoice, org_a, org_b):
    tag_object(target=invoice, tags=["urgent"], org=org_a)
    tag_object(target=invoice, tags=["urgent"], org=org_b)
    response = superuser_client.get(
        reverse("admin:django_notes_objecttag_changelist"), {"tag__org_key": org_key(org_b)}
    )
    assert [link.tag for link in response.context["cl"].result_list] == [urgent["b"]]


def test_a_tag_added_in_the_admin_may_reuse_another_orgs_slug_but_not_its_own(superuser_client, urgent):
    url = reverse("admin:django_notes_tag_add")
    response = superuser_client.post(url, {"org_key": "org-c", "name": "Urgent", "slug": "", "color": ""})
    assert response.status_code == 302
    response = superuser_client.post(url, {"org_key": "org-c", "name": "urgent", "slug": "", "color": ""})
    assert response.status_code == 200
    assert "already exists" in response.text
    assert Tag.objects.for_org("org-c").count() == 1


def test_the_admin_keeps_a_tags_org_and_checks_its_slug_within_it(superuser_client, urgent, org_a):
    later = Tag.objects.create(org=org_a, name="later")
    url = reverse("admin:django_notes_tag_change", args=[later.pk])
    response = superuser_client.post(url, {"org_key": "org-c", "name": "urgent", "slug": "urgent", "color": "#123456"})
    assert response.status_code == 200
    assert "already exists" in response.text
    response = superuser_client.post(url, {"org_key": "org-c", "name": "Soon", "slug": "soon", "color": "#123456"})
    assert response.status_code == 302
    later.refresh_from_db()
    assert (later.org_key, later.slug) == (org_key(org_a), "soon")
