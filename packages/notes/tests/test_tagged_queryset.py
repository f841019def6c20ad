"""``tagged(queryset, *tags)``: filter any model by tag in one query, with no change to the model."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_notes.exceptions import InvalidTagError
from django_notes.models import Tag
from django_notes.selectors import tagged
from django_notes.services import tag_object
from tests.testapp.models import Customer, Invoice, RushInvoice, Ticket, Warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged_rows(customer, invoice, ticket, warehouse) -> dict[str, object]:
    """A customer (UUID pk, no relation on the model), an invoice (UUID), a ticket (integer) and a
    warehouse (text) tagged "urgent", each next to an untagged decoy of its model."""
    Customer.objects.create(name="decoy")
    Invoice.objects.create(number="INV-decoy")
    Ticket.objects.create(title="decoy")
    Warehouse.objects.create(code="decoy")
    for target in (customer, invoice, ticket, warehouse):
        tag_object(target=target, tags=["Urgent"])
    tag_object(target=customer, tags=["vip"])
    return {"customer": customer, "invoice": invoice, "ticket": ticket, "warehouse": warehouse}


MODELS = [("customer", Customer), ("invoice", Invoice), ("ticket", Ticket), ("warehouse", Warehouse)]


@pytest.mark.parametrize("kind, model", MODELS)
def test_tagged_finds_the_tagged_row_only(tagged_rows, kind, model):
    assert list(tagged(model.objects.all(), "urgent")) == [tagged_rows[kind]]


@pytest.mark.parametrize("kind, model", MODELS)
def test_tagged_is_one_query_even_with_a_cold_content_type_cache(tagged_rows, kind, model, django_assert_num_queries):
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    with django_assert_num_queries(1):
        assert len(tagged(model.objects.all(), "urgent")) == 1


def test_tagged_matches_names_by_slug(tagged_rows):
    assert list(tagged(Customer.objects.all(), "URGENT")) == [tagged_rows["customer"]]


def test_tagged_accepts_tag_rows(tagged_rows):
    assert list(tagged(Customer.objects.all(), Tag.objects.get(slug="vip"))) == [tagged_rows["customer"]]


def test_tagged_with_several_tags_finds_rows_with_any_of_them(tagged_rows):
    assert list(tagged(Invoice.objects.all(), "vip", "urgent")) == [tagged_rows["invoice"]]


def test_chained_tagged_calls_require_every_tag(tagged_rows):
    assert list(tagged(tagged(Customer.objects.all(), "urgent"), "vip")) == [tagged_rows["customer"]]
    assert not tagged(tagged(Invoice.objects.all(), "urgent"), "vip").exists()


def test_tagged_keeps_the_querysets_other_filters(tagged_rows):
    assert not tagged(Customer.objects.filter(name="decoy"), "urgent").exists()


def test_tagged_with_an_unknown_tag_finds_nothing(tagged_rows):
    assert not tagged(Customer.objects.all(), "nobody-uses-this").exists()


def test_tagged_without_tags_is_refused():
    with pytest.raises(InvalidTagError, match="at least one tag"):
        tagged(Customer.objects.all())


def test_tagged_does_not_mix_models_with_the_same_key_text(ticket):
    same_key = Warehouse.objects.create(code=str(ticket.pk))
    tag_object(target=same_key, tags=["urgent"])
    assert not tagged(Ticket.objects.all(), "urgent").exists()


def test_tagged_works_on_a_multi_table_child_with_a_uuid_parent_key():
    rush = RushInvoice.objects.create(number="INV-rush")
    RushInvoice.objects.create(number="INV-rush-decoy")
    tag_object(target=rush, tags=["urgent"])
    assert list(tagged(RushInvoice.objects.all(), "urgent")) == [rush]


def test_tagged_agrees_with_the_relation_filter(tagged_rows):
    assert list(tagged(Invoice.objects.all(), "urgent")) == list(Invoice.objects.filter(tags__slug="urgent"))


def executed_sql(queryset) -> str:
    """The SQL the database received, without quotes and parentheses (their use differs between Django versions)."""
    with CaptureQueriesContext(connection) as queries:
        list(queryset)
    [query] = queries.captured_queries
    return query["sql"].replace('"', "").replace("`", "").replace("(", "").replace(")", "")


def test_tagged_compares_a_uuid_key_as_its_canonical_text(tagged_rows):
    if not connection.features.has_native_uuid_field:
        # SQLite (and MariaDB before 10.7) store a UUIDField as 32 hex digits: the column as it is.
        expected = "U0.target_id = testapp_customer.id AND"
    else:
        expected = {
            "postgresql": "U0.target_id = REPLACEtestapp_customer.id::text, '-', ''",
            "mysql": "U0.target_id = REPLACECASTtestapp_customer.id AS char, '-', ''",
        }[connection.vendor]
    assert expected in executed_sql(tagged(Customer.objects.all(), "urgent"))


def test_tagged_compares_an_integer_key_as_its_text(tagged_rows):
    expected = {
        "sqlite": "U0.target_id = CASTtestapp_ticket.id AS text",
        "postgresql": "U0.target_id = testapp_ticket.id::text",
        "mysql": "U0.target_id = CASTtestapp_ticket.id AS char",
    }[connection.vendor]
    assert expected in executed_sql(tagged(Ticket.objects.all(), "urgent"))


@pytest.mark.postgres
@pytest.mark.parametrize("plan", ["hashjoin", "mergejoin", "nestloop"])
def test_tagged_holds_under_every_postgres_join_plan(tagged_rows, plan):
    """PostgreSQL only: its planner settings (enable_hashjoin, ...) choose the join algorithm."""
    with connection.cursor() as cursor:
        for other in {"hashjoin", "mergejoin", "nestloop"} - {plan}:
            cursor.execute(f"SET LOCAL enable_{other} = off")
    for kind, model in MODELS:
        assert list(tagged(model.objects.all(), "urgent")) == [tagged_rows[kind]]
