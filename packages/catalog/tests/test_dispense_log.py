"""DispenseLog: the append-only clinical record of dispensing, with backdating and one record per work item."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from django_basemodels.guarantees import AppendOnly, guarantees_of
from django_basemodels.testing import assert_write_paths_refused
from django_catalog.exceptions import (
    AlreadyDispensedError,
    DispenseLogImmutableError,
    InvalidEffectiveAtError,
    InvalidQuantityError,
    InvalidUserError,
    NotDispensableError,
)
from django_catalog.models import CatalogItem, DispenseLog
from django_catalog.services import (
    add_item,
    cancel_work_item,
    commit_basket,
    get_or_create_draft_basket,
    record_dispense,
)
from django_decisioning.testing import assert_backdate_coherent, assert_idempotent, assert_snapshot_independent

pytestmark = pytest.mark.django_db

REFUSED = "django_catalog_dispenselog is append-only: dispense records are never updated or deleted"


@pytest.fixture
def work_item(basket, user, amoxicillin):
    add_item(basket=basket, catalog_item=amoxicillin, by=user, quantity=2)
    [work_item] = commit_basket(basket, user)
    return work_item


@pytest.fixture
def dispense_log(work_item, other_user):
    return record_dispense(work_item=work_item, by=other_user, notes="with food")


def test_dispensing_records_item_quantity_and_who(dispense_log, work_item, amoxicillin, other_user):
    stored = DispenseLog.objects.get()
    assert (stored.work_item, stored.catalog_item, stored.dispensed_by) == (work_item, amoxicillin, other_user)
    assert (stored.quantity, stored.display_name_snapshot, stored.stock_sku_snapshot) == (
        2,
        "Amoxicillin 500mg",
        "AMX-500",
    )
    assert stored.notes == "with food"
    assert str(stored) == "2 x Amoxicillin 500mg"


def test_dispensing_leaves_the_work_item_status_alone(dispense_log, work_item):
    work_item.refresh_from_db()
    assert work_item.status == work_item.Status.PENDING


def test_a_dispense_not_backdated_is_effective_when_recorded(dispense_log):
    assert dispense_log.effective_at == dispense_log.recorded_at


def test_a_backdated_dispense_is_coherent_in_time(work_item, user):
    yesterday = timezone.now() - dt.timedelta(days=1)

    log = record_dispense(work_item=work_item, by=user, effective_at=yesterday)

    assert log.effective_at == yesterday
    assert_backdate_coherent(log)


def test_a_dispense_in_the_future_is_refused(work_item, user):
    with pytest.raises(InvalidEffectiveAtError):
        record_dispense(work_item=work_item, by=user, effective_at=timezone.now() + dt.timedelta(hours=1))


def test_a_naive_effective_at_is_refused(work_item, user):
    with pytest.raises(InvalidEffectiveAtError):
        record_dispense(work_item=work_item, by=user, effective_at=dt.datetime(2024, 1, 1))


def test_the_database_refuses_a_dispense_effective_after_it_was_recorded(work_item, user, amoxicillin):
    log = DispenseLog(
        work_item=work_item, catalog_item=amoxicillin, display_name_snapshot="x", quantity=1, dispensed_by=user
    )
    log.effective_at = timezone.now() + dt.timedelta(days=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        log.save()


def test_a_partial_quantity_can_be_dispensed(work_item, user):
    assert record_dispense(work_item=work_item, by=user, quantity=1).quantity == 1


def test_the_quantity_must_be_positive(work_item, user):
    with pytest.raises(InvalidQuantityError):
        record_dispense(work_item=work_item, by=user, quantity=0)


def test_dispensing_needs_a_saved_user(work_item, django_user_model):
    with pytest.raises(InvalidUserError):
        record_dispense(work_item=work_item, by=django_user_model(username="ghost"))


def test_a_retried_dispense_records_one_fact(work_item, other_user):
    assert_idempotent(
        lambda: record_dispense(work_item=work_item, by=other_user, notes="n"), count=DispenseLog.objects.count
    )


def test_a_different_second_dispense_of_a_work_item_is_refused(dispense_log, work_item, user):
    with pytest.raises(AlreadyDispensedError) as refused:
        record_dispense(work_item=work_item, by=user, quantity=1)

    assert refused.value.existing == dispense_log
    assert DispenseLog.objects.count() == 1


def test_the_database_refuses_a_second_record_for_a_work_item(dispense_log, work_item, user, amoxicillin):
    # On SQLite the guard against REPLACE refuses it first, with its own message.
    refusal = "never replaced" if connection.vendor == "sqlite" else "work_item_id"
    with pytest.raises(IntegrityError, match=refusal), transaction.atomic():
        DispenseLog.objects.create(
            work_item=work_item, catalog_item=amoxicillin, display_name_snapshot="x", quantity=1, dispensed_by=user
        )


def test_a_service_cannot_be_dispensed(basket, user, blood_test):
    add_item(basket=basket, catalog_item=blood_test, by=user)
    [work_item] = commit_basket(basket, user)

    with pytest.raises(NotDispensableError):
        record_dispense(work_item=work_item, by=user)


def test_a_cancelled_work_item_cannot_be_dispensed(work_item, user):
    cancel_work_item(work_item, by=user)

    with pytest.raises(NotDispensableError):
        record_dispense(work_item=work_item, by=user)
    assert not DispenseLog.objects.exists()


def test_the_record_keeps_its_snapshot_when_the_catalog_changes(dispense_log, amoxicillin):
    assert_snapshot_independent(
        dispense_log,
        mutate=lambda: CatalogItem.objects.filter(pk=amoxicillin.pk).update(display_name="Amoxil", stock_sku="NEW"),
        read=lambda log: (log.display_name_snapshot, log.stock_sku_snapshot),
    )


def test_saving_an_existing_record_is_refused(dispense_log):
    dispense_log.quantity = 9

    with pytest.raises(DispenseLogImmutableError):
        dispense_log.save()


def test_deleting_a_record_is_refused(dispense_log):
    with pytest.raises(DispenseLogImmutableError):
        dispense_log.delete()


def test_queryset_update_and_delete_are_refused(dispense_log):
    with pytest.raises(DispenseLogImmutableError):
        DispenseLog.objects.all().update(quantity=9)
    with pytest.raises(DispenseLogImmutableError):
        DispenseLog.objects.all().delete()


def test_dispense_records_declare_that_they_are_append_only():
    assert [(type(guarantee), guarantee.name) for guarantee in guarantees_of(DispenseLog)] == [
        (AppendOnly, "append_only")
    ]
    assert guarantees_of(DispenseLog)[0].message == REFUSED


def test_every_raw_sql_write_path_of_a_record_is_refused_by_the_database(dispense_log):
    refused = assert_write_paths_refused(dispense_log, changes={"quantity": 9}, match=REFUSED)

    expected = {
        "sqlite": {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE", "INSERT OR REPLACE", "REPLACE"},
        "postgresql": {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE"},
        "mysql": {"UPDATE", "DELETE", "INSERT ... ON DUPLICATE KEY UPDATE", "REPLACE"},
    }[connection.vendor]
    assert {write.path for write in refused} == expected
    assert all(isinstance(write.error, IntegrityError) for write in refused)
    assert DispenseLog.objects.get().quantity == 2


def test_a_raw_sql_update_that_changes_nothing_is_refused_too(dispense_log):
    # The primary key set to itself: no column changes, and still no UPDATE goes through.
    assert_write_paths_refused(dispense_log, delete=False, match=REFUSED)


def test_rewriting_who_what_and_when_of_a_record_is_refused(dispense_log, user):
    assert_write_paths_refused(
        dispense_log,
        changes={"dispensed_by_id": user.pk, "notes": "", "effective_at": dispense_log.recorded_at},
        delete=False,
        match=REFUSED,
    )


def test_new_records_are_still_appended(dispense_log, encounter, user, amoxicillin):
    basket = get_or_create_draft_basket(encounter, user)
    add_item(basket=basket, catalog_item=amoxicillin, by=user)
    [second] = commit_basket(basket, user)

    record_dispense(work_item=second, by=user)

    assert DispenseLog.objects.count() == 2


def test_dispense_queries_by_encounter_user_and_time(dispense_log, encounter, other_user, user):
    assert list(DispenseLog.objects.for_encounter(encounter)) == [dispense_log]
    assert list(DispenseLog.objects.dispensed_by(other_user)) == [dispense_log]
    assert not DispenseLog.objects.dispensed_by(user).exists()
    assert not DispenseLog.objects.as_of(dispense_log.effective_at - dt.timedelta(seconds=1)).exists()
