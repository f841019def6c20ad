"""tag_object(), untag_object() and tags_for(): tags created by slug, idempotent, race-safe."""

import threading

import pytest
from django.db import connection, transaction

from django_basemodels.testing import start_concurrently, wait_for_lock_waiters
from django_notes.exceptions import InvalidTagError, InvalidTargetError
from django_notes.models import ObjectTag, Tag, palette_color
from django_notes.selectors import tags_for
from django_notes.services import tag_object, untag_object
from tests.testapp.models import Customer, Invoice, Ticket

pytestmark = pytest.mark.django_db


def test_tag_object_creates_missing_tags_by_slug(invoice):
    tags = tag_object(target=invoice, tags=["Urgent", "Review needed"])
    assert [(tag.slug, tag.name) for tag in tags] == [("urgent", "Urgent"), ("review-needed", "Review needed")]
    assert Tag.objects.count() == 2


def test_tag_object_returns_the_tags_in_the_order_given_without_duplicates(invoice):
    tags = tag_object(target=invoice, tags=["b", "a", "B", " a "])
    assert [tag.slug for tag in tags] == ["b", "a"]


def test_tag_object_reuses_an_existing_tag_and_keeps_its_name(invoice):
    existing = Tag.objects.create(name="Urgent!")
    [tag] = tag_object(target=invoice, tags=["URGENT"])
    assert tag.pk == existing.pk
    assert Tag.objects.get().name == "Urgent!"


def test_tag_object_is_idempotent(invoice):
    tag_object(target=invoice, tags=["urgent"])
    tag_object(target=invoice, tags=["urgent", "Urgent"])
    assert ObjectTag.objects.count() == 1
    assert [tag.slug for tag in tags_for(invoice)] == ["urgent"]


def test_tag_object_adds_to_the_tags_already_there(invoice):
    tag_object(target=invoice, tags=["urgent"])
    tag_object(target=invoice, tags=["later"])
    assert [tag.slug for tag in tags_for(invoice)] == ["later", "urgent"]


def test_tag_object_accepts_tag_rows(invoice):
    tag = Tag.objects.create(name="VIP", color="#123456")
    assert tag_object(target=invoice, tags=[tag]) == [tag]
    assert list(tags_for(invoice)) == [tag]


def test_slugs_that_differ_only_in_accents_are_two_tags(invoice):
    tags = tag_object(target=invoice, tags=["Café", "cafe", "Straße", "strasse"])
    assert [tag.slug for tag in tags] == ["café", "cafe", "straße", "strasse"]
    assert Tag.objects.count() == 4
    assert list(Tag.objects.filter(slug="cafe").values_list("name", flat=True)) == ["cafe"]


def test_text_keys_that_differ_only_in_case_are_two_targets():
    from tests.testapp.models import Warehouse

    lower, upper = Warehouse.objects.create(code="north-1"), Warehouse.objects.create(code="NORTH-1")
    tag_object(target=lower, tags=["urgent"])
    tag_object(target=upper, tags=["later"])
    assert [tag.slug for tag in tags_for(lower)] == ["urgent"]
    assert [tag.slug for tag in tags_for(upper)] == ["later"]
    assert list(Warehouse.objects.filter(tags__slug="later")) == [upper]


def test_one_tag_is_shared_by_objects_of_different_models(invoice, ticket, customer):
    for target in (invoice, ticket, customer):
        tag_object(target=target, tags=["urgent"])
    assert Tag.objects.count() == 1
    assert ObjectTag.objects.count() == 3


def test_a_new_tag_takes_its_colour_from_the_palette_by_slug(invoice, settings):
    settings.NOTES_TAG_COLORS = ["#AA0000", "#00AA00", "#0000AA"]
    [tag] = tag_object(target=invoice, tags=["urgent"])
    assert tag.color == palette_color("urgent")
    assert tag.color in {"#aa0000", "#00aa00", "#0000aa"}


def test_tag_object_with_no_tags_changes_nothing(invoice):
    assert tag_object(target=invoice, tags=[]) == []
    assert not ObjectTag.objects.exists()


def test_a_single_string_instead_of_a_list_is_refused(invoice):
    with pytest.raises(InvalidTagError, match="list of tags"):
        tag_object(target=invoice, tags="urgent")
    assert not Tag.objects.exists()


@pytest.mark.parametrize("name", ["!!!", "", "   ", "x" * 101])
def test_a_name_without_a_usable_slug_is_refused(invoice, name):
    with pytest.raises(InvalidTagError):
        tag_object(target=invoice, tags=["fine", name])
    assert not Tag.objects.exists()


def test_a_name_that_is_not_a_string_is_refused(invoice):
    with pytest.raises(InvalidTagError, match="string"):
        tag_object(target=invoice, tags=[42])


def test_an_unsaved_tag_row_is_refused(invoice):
    with pytest.raises(InvalidTagError, match="not saved"):
        tag_object(target=invoice, tags=[Tag(name="ghost")])


def test_unicode_names_keep_their_letters(invoice):
    [tag] = tag_object(target=invoice, tags=["Dringend Ärger"])
    assert tag.slug == "dringend-ärger"


@pytest.mark.parametrize("target", [None, "invoice", Invoice])
def test_a_target_that_is_not_a_model_instance_is_refused(target):
    with pytest.raises(InvalidTargetError, match="model instance"):
        tag_object(target=target, tags=["urgent"])


def test_an_unsaved_target_is_refused():
    with pytest.raises(InvalidTargetError, match="target must be a saved model instance"):
        tag_object(target=Ticket(title="unsaved"), tags=["urgent"])
    assert not Tag.objects.exists()


def test_an_unsaved_target_with_a_uuid_already_set_is_refused():
    with pytest.raises(InvalidTargetError, match="target must be a saved model instance"):
        tag_object(target=Customer(name="unsaved"), tags=["urgent"])
    assert not Tag.objects.exists()


def test_untag_object_removes_the_given_tags_only(invoice, ticket):
    tag_object(target=invoice, tags=["urgent", "later"])
    tag_object(target=ticket, tags=["urgent"])
    assert untag_object(target=invoice, tags=["Urgent"]) == 1
    assert [tag.slug for tag in tags_for(invoice)] == ["later"]
    assert [tag.slug for tag in tags_for(ticket)] == ["urgent"]


def test_untag_object_keeps_the_tag_rows(invoice):
    tag_object(target=invoice, tags=["urgent"])
    untag_object(target=invoice, tags=["urgent"])
    assert Tag.objects.filter(slug="urgent").exists()


def test_untag_object_is_idempotent_and_ignores_unknown_tags(invoice):
    tag_object(target=invoice, tags=["urgent"])
    assert untag_object(target=invoice, tags=["urgent", "never-seen"]) == 1
    assert untag_object(target=invoice, tags=["urgent"]) == 0


def test_untag_object_accepts_tag_rows(invoice):
    [tag] = tag_object(target=invoice, tags=["urgent"])
    assert untag_object(target=invoice, tags=[tag]) == 1


def test_tags_for_lists_the_objects_tags_by_name(customer):
    tag_object(target=customer, tags=["zeta", "Alpha"])
    Customer.objects.create(name="other")
    assert [tag.name for tag in tags_for(customer)] == ["Alpha", "zeta"]


def test_tags_for_is_one_query_even_with_a_cold_content_type_cache(customer, django_assert_num_queries):
    from django.contrib.contenttypes.models import ContentType

    tag_object(target=customer, tags=["urgent", "later"])
    ContentType.objects.clear_cache()
    with django_assert_num_queries(1):
        assert len(tags_for(customer)) == 2


def test_tags_for_an_object_without_primary_key_is_refused():
    with pytest.raises(InvalidTargetError):
        tags_for(Ticket(title="unsaved"))


def test_tags_for_does_not_mix_models_with_the_same_key_text(ticket):
    from tests.testapp.models import Warehouse

    tag_object(target=Warehouse.objects.create(code=str(ticket.pk)), tags=["urgent"])
    assert not tags_for(ticket).exists()


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_concurrent_tagging_creates_each_tag_and_link_once():
    invoice = Invoice.objects.create(number="INV-race")
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def tag() -> None:
        try:
            barrier.wait()
            tag_object(target=invoice, tags=["urgent", "review-needed", "Race"])
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tag) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Tag.objects.values_list("slug", flat=True)) == ["race", "review-needed", "urgent"]
    assert ObjectTag.objects.count() == 3


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_concurrent_tagging_of_different_objects_shares_one_new_tag():
    targets = [Customer.objects.create(name=f"c{number}") for number in range(8)]
    barrier = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def tag(target: Customer) -> None:
        try:
            barrier.wait()
            tag_object(target=target, tags=["brand-new"])
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tag, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Tag.objects.count() == 1
    assert ObjectTag.objects.count() == len(targets)


class RolledBack(Exception):
    pass


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_callers_waiting_on_a_new_tag_whose_creator_rolls_back_both_tag_the_object():
    """Two callers wait for a transaction that inserted the tag they want; it rolls back. On MariaDB both
    then hold a shared lock on the key and both insert it: a deadlock, after which the victim runs again."""
    invoice = Invoice.objects.create(number="INV-race")
    inserted, release = threading.Event(), threading.Event()

    def create_then_roll_back() -> None:
        try:
            with transaction.atomic():
                Tag.objects.create(name="fresh")
                inserted.set()
                release.wait(30)
                raise RolledBack
        except RolledBack:
            pass
        finally:
            connection.close()

    creator = threading.Thread(target=create_then_roll_back)
    creator.start()
    assert inserted.wait(30)
    callers = start_concurrently([lambda: tag_object(target=invoice, tags=["fresh"])] * 2)
    try:
        assert wait_for_lock_waiters(2) >= 2
    finally:
        release.set()
        creator.join()
    outcomes = callers.join()
    assert all(isinstance(outcome, list) for outcome in outcomes), outcomes
    assert list(Tag.objects.values_list("slug", flat=True)) == ["fresh"]
    assert [tag.slug for tag in tags_for(invoice)] == ["fresh"]
