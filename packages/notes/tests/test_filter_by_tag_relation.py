"""``tags = TagsRelation()``: the seed's ``Invoice.objects.filter(tags__name=...)`` and the relation's other paths."""

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.db.models import Count, FilteredRelation, Q

from django_notes.models import ObjectTag, Tag
from django_notes.services import tag_object
from tests.testapp.models import Invoice, InvoiceProxy, Project, RushInvoice, Ticket, Warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged_rows(invoice, ticket, warehouse) -> dict[str, object]:
    """An invoice (UUID pk), a ticket (integer pk) and a warehouse (text pk) tagged "urgent", and untagged decoys."""
    Invoice.objects.create(number="INV-decoy")
    Ticket.objects.create(title="decoy")
    Warehouse.objects.create(code="decoy")
    tag_object(target=invoice, tags=["urgent", "review-needed"])
    tag_object(target=ticket, tags=["urgent"])
    tag_object(target=warehouse, tags=["urgent", "later"])
    return {"invoice": invoice, "ticket": ticket, "warehouse": warehouse}


@pytest.mark.parametrize("kind, model", [("invoice", Invoice), ("ticket", Ticket), ("warehouse", Warehouse)])
def test_filter_by_tag_name_finds_the_tagged_row_only(tagged_rows, kind, model):
    assert list(model.objects.filter(tags__name="urgent")) == [tagged_rows[kind]]


def test_filter_by_tag_name_is_one_query(tagged_rows, warm_content_types, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert list(Invoice.objects.filter(tags__name="urgent")) == [tagged_rows["invoice"]]


def test_filter_by_tag_slug_and_by_tag_row(tagged_rows):
    tag = Tag.objects.get(slug="review-needed")
    assert list(Invoice.objects.filter(tags__slug="review-needed")) == [tagged_rows["invoice"]]
    assert list(Invoice.objects.filter(tags=tag)) == [tagged_rows["invoice"]]
    assert list(Invoice.objects.filter(tags__in=[tag])) == [tagged_rows["invoice"]]


def test_filter_by_a_tag_the_object_does_not_carry_finds_nothing(tagged_rows):
    assert not Ticket.objects.filter(tags__name="review-needed").exists()


def test_chained_filters_require_every_tag(tagged_rows):
    both = Warehouse.objects.filter(tags__slug="urgent").filter(tags__slug="later")
    assert list(both) == [tagged_rows["warehouse"]]
    assert not Ticket.objects.filter(tags__slug="urgent").filter(tags__slug="later").exists()


@pytest.mark.parametrize("model, decoy", [(Invoice, {"number": "INV-decoy"}), (Ticket, {"title": "decoy"})])
def test_exclude_by_tag_name_keeps_the_untagged_rows(tagged_rows, model, decoy):
    assert list(model.objects.exclude(tags__name="urgent")) == [model.objects.get(**decoy)]


def test_a_tag_name_in_an_or_condition_uses_an_outer_join(tagged_rows):
    found = Invoice.objects.filter(Q(tags__name="urgent") | Q(number="INV-decoy")).distinct()
    assert sorted(invoice.number for invoice in found) == ["INV-1", "INV-decoy"]


def test_counting_tags_per_row(tagged_rows):
    counts = dict(Invoice.objects.annotate(n=Count("tags")).values_list("number", "n"))
    assert counts == {"INV-1": 2, "INV-decoy": 0}


def test_values_across_the_relation_give_tag_fields(tagged_rows):
    assert sorted(Warehouse.objects.filter(code="north-1").values_list("tags__slug", flat=True)) == ["later", "urgent"]


def test_filtered_relation_condition_applies_to_the_tag(tagged_rows):
    found = Invoice.objects.annotate(review=FilteredRelation("tags", condition=Q(tags__slug="review-needed"))).filter(
        review__isnull=False
    )
    assert list(found) == [tagged_rows["invoice"]]


def test_tags_of_another_model_with_the_same_key_text_do_not_match(ticket):
    same_key = Warehouse.objects.create(code=str(ticket.pk))
    tag_object(target=same_key, tags=["urgent"])
    assert not Ticket.objects.filter(tags__name="urgent").exists()
    assert list(Warehouse.objects.filter(tags__name="urgent")) == [same_key]


def test_a_multi_table_child_with_a_uuid_parent_key_is_filtered_by_its_own_tags():
    rush = RushInvoice.objects.create(number="INV-rush")
    RushInvoice.objects.create(number="INV-rush-decoy")
    tag_object(target=rush, tags=["urgent"])
    assert list(RushInvoice.objects.filter(tags__name="urgent")) == [rush]


def test_a_proxy_shares_the_tags_of_its_concrete_model(tagged_rows):
    proxied = InvoiceProxy.objects.get(pk=tagged_rows["invoice"].pk)
    assert list(InvoiceProxy.objects.filter(tags__name="urgent")) == [proxied]
    tag_object(target=proxied, tags=["from-proxy"])
    assert list(Invoice.objects.filter(tags__slug="from-proxy")) == [tagged_rows["invoice"]]


def test_the_related_manager_lists_the_objects_tags_by_name(tagged_rows):
    assert [tag.slug for tag in tagged_rows["invoice"].tags.all()] == ["review-needed", "urgent"]
    assert [tag.slug for tag in tagged_rows["ticket"].tags.all()] == ["urgent"]


def test_the_related_manager_is_one_query(tagged_rows, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(tagged_rows["warehouse"].tags.all()) == 2


def test_the_related_manager_filters_further(tagged_rows):
    assert tagged_rows["invoice"].tags.filter(slug="urgent").count() == 1


def test_the_related_manager_refuses_writes(invoice):
    with pytest.raises(TypeError, match="tag_object"):
        invoice.tags.create(name="urgent")
    with pytest.raises(TypeError, match="tag_object"):
        invoice.tags.get_or_create(name="urgent")
    assert not Tag.objects.exists()


def test_assigning_the_relation_is_refused(invoice):
    with pytest.raises(AttributeError, match="read-only"):
        invoice.tags = ["urgent"]


def test_the_relation_of_an_unsaved_object_raises():
    from django_notes.exceptions import InvalidTargetError

    with pytest.raises(InvalidTargetError, match="no primary key"):
        list(Ticket(title="unsaved").tags.all())


def test_the_relation_on_the_class_is_its_descriptor():
    from django_notes.fields import TagsDescriptor, TagsRelation

    assert isinstance(Invoice.tags, TagsDescriptor)
    assert isinstance(Invoice._meta.get_field("tags"), TagsRelation)


def test_deleting_the_object_deletes_its_links_but_not_the_tags(tagged_rows):
    tagged_rows["invoice"].delete()
    assert not ObjectTag.objects.filter(target_id=tagged_rows["invoice"].pk).exists()
    assert Tag.objects.filter(slug="review-needed").exists()
    assert ObjectTag.objects.count() == 3


def test_related_query_name_filters_tags_and_links_by_the_object(tagged_rows):
    assert list(Tag.objects.filter(object_tags__ticket__title="broken printer")) == [Tag.objects.get(slug="urgent")]
    assert ObjectTag.objects.filter(ticket__title="broken printer").count() == 1


@pytest.mark.parametrize("model, kwargs", [(Invoice, {}), (Ticket, {"related_query_name": "ticket"})])
def test_the_relation_deconstructs_and_clones_with_its_own_arguments(model, kwargs):
    field = model._meta.get_field("tags")
    assert field.deconstruct() == ("tags", "django_notes.fields.TagsRelation", [], kwargs)
    assert field.clone().remote_field.related_query_name == field.remote_field.related_query_name


def test_the_relation_is_not_part_of_the_models_migration_state():
    from django.db.migrations.state import ModelState

    assert "tags" not in ModelState.from_model(Invoice).fields


def test_a_plain_generic_relation_gives_the_nearest_spelling(ticket):
    project = Project.objects.create(name="apollo")
    Project.objects.create(name="decoy")
    tag_object(target=project, tags=["urgent"])
    assert list(Project.objects.filter(object_tags__tag__name="urgent")) == [project]
    with pytest.raises(FieldError):
        Project.objects.filter(object_tags__name="urgent")


@pytest.mark.postgres
@pytest.mark.parametrize("plan", ["hashjoin", "mergejoin", "nestloop"])
def test_uuid_and_integer_targets_mixed_in_one_table_hold_under_every_postgres_join_plan(tagged_rows, plan):
    """PostgreSQL only: its planner settings (enable_hashjoin, ...) choose the join algorithm.

    The join casts the object id to the key's type (uuid, bigint): rows of other models, whose
    ids do not parse as that type, must be filtered out by content type before any cast.
    """
    with connection.cursor() as cursor:
        for other in {"hashjoin", "mergejoin", "nestloop"} - {plan}:
            cursor.execute(f"SET LOCAL enable_{other} = off")
    assert list(Invoice.objects.filter(tags__name="urgent")) == [tagged_rows["invoice"]]
    assert list(Ticket.objects.filter(tags__name="urgent")) == [tagged_rows["ticket"]]
    assert list(Warehouse.objects.filter(tags__name="urgent")) == [tagged_rows["warehouse"]]
    assert Ticket.objects.filter(Q(tags__name="urgent") | Q(title="decoy")).distinct().count() == 2


@pytest.mark.postgres
def test_the_postgres_join_casts_the_object_id_to_uuid(tagged_rows):
    """PostgreSQL only: Django casts the object id where the two columns' types differ (elsewhere it
    compares them as they are; MariaDB reads the 32 hex digits as its uuid type)."""
    sql = str(Invoice.objects.filter(tags__name="urgent").query).replace('"', "").replace("(", "").replace(")", "")
    assert "testapp_invoice.id = django_notes_objecttag.target_id::uuid AND" in sql
    assert "django_notes_objecttag.target_type_id =" in sql
