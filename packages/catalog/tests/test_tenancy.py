"""Many organizations in one database: two pharmacies hold items of the same name and stock code, each
sees only its own items, baskets, boards and dispense records, and a basket never mixes them."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from django_basemodels import ANY_ORG, InvalidOrgError, org_key
from django_basemodels.checks import check_natural_keys
from django_basemodels.tenancy import per_database_natural_keys
from django_catalog import CatalogError, CrossOrgBasketError
from django_catalog.exceptions import IdempotencyKeyConflictError
from django_catalog.models import Basket, BasketItem, CatalogItem, DispenseLog, WorkItem
from django_catalog.services import (
    add_item,
    commit_basket,
    get_or_create_draft_basket,
    record_dispense,
    remove_item,
)
from django_decisioning.models import Decision
from tests.testapp.models import Encounter

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_a():
    return Group.objects.create(name="Pharmacy A")


@pytest.fixture
def org_b():
    return Group.objects.create(name="Pharmacy B")


def amoxicillin_of(org):
    """The same item (name, stock code, board) in every organization."""
    return CatalogItem.objects.create(
        org=org,
        kind=CatalogItem.Kind.STOCK_ITEM,
        service_category="pharmacy",
        display_name="Amoxicillin 500mg",
        routing="pharmacy",
        price_amount=Decimal("3.5000"),
        price_currency="USD",
        stock_sku="AMX-500",
    )


@pytest.fixture
def item_a(org_a):
    return amoxicillin_of(org_a)


@pytest.fixture
def item_b(org_b):
    return amoxicillin_of(org_b)


@pytest.fixture
def item_none():
    return amoxicillin_of(None)


def draft(user, patient="Ada"):
    return get_or_create_draft_basket(Encounter.objects.create(patient=patient), user)


def ordered(user, item, patient="Ada"):
    """A committed basket of ``item``: its one work item."""
    basket = draft(user, patient)
    add_item(basket=basket, catalog_item=item, by=user)
    [work_item] = commit_basket(basket, user)
    return work_item


def test_two_organizations_hold_items_of_the_same_name_and_stock_code(org_a, org_b, item_a, item_b, item_none):
    assert (item_a.org_key, item_b.org_key, item_none.org_key) == (org_key(org_a), org_key(org_b), "")
    assert (item_a.org, item_b.org, item_none.org) == (org_a, org_b, None)
    assert CatalogItem.objects.filter(stock_sku="AMX-500").count() == 3


def test_an_item_has_no_natural_key_so_one_organization_may_repeat_a_name_and_code(org_a, item_a):
    CatalogItem.objects.bulk_create([CatalogItem(org=org_a, display_name=item_a.display_name, stock_sku="AMX-500")])

    assert CatalogItem.objects.for_org(org_a).filter(stock_sku="AMX-500").count() == 2


def test_each_organization_lists_only_its_items(org_a, org_b, item_a, item_b, item_none):
    assert list(CatalogItem.objects.for_org(org_a)) == [item_a]
    assert list(CatalogItem.objects.active(org=org_b)) == [item_b]
    assert list(CatalogItem.objects.stock_items(org=org_a)) == [item_a]
    assert list(CatalogItem.objects.in_category("pharmacy", org=org_b)) == [item_b]
    assert list(CatalogItem.objects.services(org=org_a)) == []


def test_org_none_lists_the_items_of_no_organization_and_any_org_every_item(item_a, item_b, item_none):
    assert list(CatalogItem.objects.active(org=None)) == [item_none]
    assert (
        set(CatalogItem.objects.active())
        == set(CatalogItem.objects.active(org=ANY_ORG))
        == {
            item_a,
            item_b,
            item_none,
        }
    )


def test_an_organization_named_by_its_key_or_a_string_of_its_own(org_a, item_a):
    own_key = CatalogItem.objects.create(org="org-a", display_name="Blood Test", routing="lab")

    assert list(CatalogItem.objects.stock_items(org=org_key(org_a))) == [item_a]
    assert list(CatalogItem.objects.active(org="org-a")) == [own_key]


@pytest.mark.parametrize("org", ["", Group(name="unsaved"), 42])
def test_something_that_names_no_organization_is_refused(item_a, org):
    with pytest.raises(InvalidOrgError):
        CatalogItem.objects.active(org=org)
    with pytest.raises(InvalidOrgError):
        Basket.objects.drafts(org=org)


def test_a_basket_holds_the_items_of_its_organization(user, item_a, org_a):
    basket = draft(user)
    add_item(basket=basket, catalog_item=item_a, by=user)
    add_item(
        basket=basket, catalog_item=CatalogItem.objects.create(org=org_a, display_name="X-ray", routing="img"), by=user
    )

    assert len(commit_basket(basket, user)) == 2


def test_an_item_of_another_organization_is_refused_and_nothing_is_written(user, item_a, item_b, org_a, org_b):
    basket = draft(user)
    line = add_item(basket=basket, catalog_item=item_a, by=user)

    with pytest.raises(CrossOrgBasketError) as refused:
        add_item(basket=basket, catalog_item=item_b, by=user, idempotency_key="click-b")

    assert isinstance(refused.value, CatalogError)
    assert (refused.value.basket_org_key, refused.value.item_org_key) == (org_key(org_a), org_key(org_b))
    assert list(BasketItem.objects.filter(basket=basket)) == [line]
    # The refused request stored nothing under its key: once the basket is emptied, its retry adds the line.
    remove_item(basket_item=line)
    retried = add_item(basket=basket, catalog_item=item_b, by=user, idempotency_key="click-b")
    assert list(BasketItem.objects.filter(basket=basket)) == [retried]


@pytest.mark.parametrize(("first", "second"), [("item_none", "item_a"), ("item_a", "item_none")])
def test_items_of_no_organization_and_of_an_organization_are_not_mixed_either(request, user, first, second):
    basket = draft(user)
    add_item(basket=basket, catalog_item=request.getfixturevalue(first), by=user)

    with pytest.raises(CrossOrgBasketError):
        add_item(basket=basket, catalog_item=request.getfixturevalue(second), by=user)

    assert basket.items.count() == 1


def test_a_basket_emptied_takes_the_items_of_another_organization(user, item_a, item_b):
    basket = draft(user)
    remove_item(basket_item=add_item(basket=basket, catalog_item=item_a, by=user))

    line = add_item(basket=basket, catalog_item=item_b, by=user)

    assert list(basket.items.all()) == [line]


def test_a_basket_mixed_around_add_item_is_not_committed(user, item_a, item_b):
    basket = draft(user)
    add_item(basket=basket, catalog_item=item_a, by=user)
    BasketItem.objects.create(basket=basket, catalog_item=item_b, added_by=user)

    with pytest.raises(CrossOrgBasketError):
        commit_basket(basket, user)

    assert Basket.objects.get(pk=basket.pk).status == Basket.Status.DRAFT
    assert not WorkItem.objects.exists()
    assert not Decision.objects.exists()
    assert set(BasketItem.objects.values_list("routing_snapshot", flat=True)) == {""}


def test_baskets_are_listed_by_the_organization_of_their_items(user, org_a, org_b, item_a, item_b, item_none):
    of_a = draft(user, "A")
    add_item(basket=of_a, catalog_item=item_a, by=user)
    of_b = ordered(user, item_b, "B").basket
    of_none = draft(user, "N")
    add_item(basket=of_none, catalog_item=item_none, by=user)
    empty = draft(user, "E")

    assert list(Basket.objects.drafts(org=org_a)) == [of_a]
    assert list(Basket.objects.drafts(org=org_b)) == []
    assert list(Basket.objects.committed(org=org_b)) == [of_b]
    assert list(Basket.objects.for_org(org_a)) == [of_a]
    assert list(Basket.objects.drafts(org=None)) == [of_none, empty]
    assert list(Basket.objects.drafts()) == [of_a, of_none, empty]


def test_listing_the_baskets_of_an_organization_is_one_query_without_repeats(user, org_a, item_a):
    basket = draft(user)
    for _ in range(3):
        add_item(basket=basket, catalog_item=item_a, by=user)

    with CaptureQueriesContext(connection) as queries:
        listed = list(Basket.objects.drafts(org=org_a))

    assert (listed, len(queries)) == ([basket], 1)


def test_each_organization_sees_only_its_board(user, other_user, org_a, org_b, item_a, item_b):
    work_a = ordered(user, item_a, "A")
    work_b = ordered(user, item_b, "B")

    with CaptureQueriesContext(connection) as queries:
        board = [
            (w.pk, w.catalog_item.org_key, w.basket.encounter_id)
            for w in WorkItem.objects.for_board("pharmacy", org=org_a)
        ]
    assert (board, len(queries)) == ([(work_a.pk, org_key(org_a), work_a.basket.encounter_id)], 1)
    assert list(WorkItem.objects.open(org=org_b)) == [work_b]
    assert list(WorkItem.objects.pending(org=org_b).unassigned(org=org_b)) == [work_b]
    assert list(WorkItem.objects.for_org(None)) == []
    assert list(WorkItem.objects.for_board("pharmacy")) == [work_a, work_b]


def test_the_status_filters_of_work_items_take_org(user, org_a, org_b, item_a, item_b):
    from django_catalog.services import cancel_work_item, complete_work_item, start_work_item

    done_a = start_work_item(ordered(user, item_a, "A1"), by=user)
    running_b = start_work_item(ordered(user, item_b, "B1"), by=user)
    complete_work_item(done_a, by=user)
    cancelled_b = cancel_work_item(ordered(user, item_b, "B2"), by=user)

    assert list(WorkItem.objects.completed(org=org_a)) == [done_a]
    assert list(WorkItem.objects.completed(org=org_b)) == []
    assert list(WorkItem.objects.in_progress(org=org_b)) == [running_b]
    assert list(WorkItem.objects.in_progress(org=org_a)) == []
    assert list(WorkItem.objects.cancelled(org=org_b)) == [cancelled_b]
    assert list(WorkItem.objects.assigned_to(user, org=org_a)) == [done_a]


def test_board_counts_of_one_organization_in_one_query(user, org_a, org_b, item_a, item_b):
    ordered(user, item_a, "A1")
    ordered(user, item_a, "A2")
    ordered(user, item_b, "B")

    with CaptureQueriesContext(connection) as queries:
        counts = WorkItem.objects.open().board_counts(org=org_a)

    assert (counts, len(queries)) == ({"pharmacy": {"pending": 2}}, 1)
    assert WorkItem.objects.board_counts(org=org_b) == {"pharmacy": {"pending": 1}}
    assert WorkItem.objects.board_counts() == {"pharmacy": {"pending": 3}}


def test_each_organization_sees_only_its_dispense_records(user, other_user, org_a, org_b, item_a, item_b):
    log_a = record_dispense(work_item=ordered(user, item_a, "A"), by=other_user)
    log_b = record_dispense(work_item=ordered(user, item_b, "B"), by=other_user)
    now = timezone.now()

    assert list(DispenseLog.objects.dispensed_by(other_user, org=org_a)) == [log_a]
    assert list(DispenseLog.objects.as_of(now, org=org_b)) == [log_b]
    assert list(DispenseLog.objects.as_of(now, known_at=now, org=org_a)) == [log_a]
    assert list(DispenseLog.objects.known_at(now, org=org_b)) == [log_b]
    assert list(DispenseLog.objects.for_org(None)) == []
    assert list(DispenseLog.objects.as_of(now)) == [log_a, log_b]


def test_a_dispense_key_stays_unique_across_organizations(user, item_a, item_b):
    log_a = record_dispense(work_item=ordered(user, item_a, "A"), by=user, idempotency_key="dispense-1")
    work_b = ordered(user, item_b, "B")

    with pytest.raises(IdempotencyKeyConflictError):
        record_dispense(work_item=work_b, by=user, idempotency_key="dispense-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        DispenseLog.objects.create(
            work_item=work_b,
            catalog_item=item_b,
            display_name_snapshot="Amoxicillin 500mg",
            quantity=1,
            dispensed_by=user,
            idempotency_key=log_a.idempotency_key,
        )

    assert list(DispenseLog.objects.all()) == [log_a]


def test_without_organizations_everything_works_as_before(user, item_none):
    work_item = ordered(user, item_none)
    log = record_dispense(work_item=work_item, by=user)

    assert list(CatalogItem.objects.active(org=None)) == [item_none]
    assert list(Basket.objects.committed(org=None)) == [work_item.basket]
    assert list(WorkItem.objects.for_board("pharmacy", org=None)) == [work_item]
    assert list(DispenseLog.objects.dispensed_by(user, org=None)) == [log]


@pytest.mark.parametrize(
    "model", list(apps.get_app_config("django_catalog").get_models()), ids=lambda model: model.__name__
)
def test_no_model_has_a_natural_key_unique_per_database(model):
    assert per_database_natural_keys(model) == []


def test_the_natural_key_check_passes_and_dispense_keys_say_why_they_are_global():
    assert check_natural_keys([apps.get_app_config("django_catalog")]) == []
    assert DispenseLog.unique_per_database[("idempotency_key",)]


def test_the_admin_filters_by_organization_and_fixes_it_once_an_item_exists(admin_client, user, org_a, item_a):
    ordered(user, item_a)
    for model in ("catalogitem", "workitem", "dispenselog"):
        changelist = reverse(f"admin:django_catalog_{model}_changelist")
        assert admin_client.get(changelist).status_code == 200

    listed = admin_client.get(reverse("admin:django_catalog_catalogitem_changelist"), {"org_key": org_key(org_a)})
    assert list(listed.context["cl"].queryset) == [item_a]
    add_page = admin_client.get(reverse("admin:django_catalog_catalogitem_add"))
    change_page = admin_client.get(reverse("admin:django_catalog_catalogitem_change", args=[item_a.pk]))
    assert b'name="org_key"' in add_page.content
    assert re.search(rb'name="org_key"[^>]*disabled', change_page.content)


def test_the_readme_example_of_many_organizations_runs(encounter, user):
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    section = readme.split("## Many organizations", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]

    exec(compile(example, "README.md", "exec"), {"encounter": encounter, "user": user})

    assert WorkItem.objects.for_org("north").count() == 1
