"""Dispense records are reversed by a new fact, never edited: DispenseReversal, net quantities, the lot dispensed."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.utils import timezone

from django_basemodels.guarantees import AppendOnly, guarantees_of
from django_basemodels.testing import assert_write_paths_refused
from django_catalog import (
    CatalogPermissionDeniedError,
    FactImmutableError,
    IdempotencyKeyConflictError,
    InvalidEffectiveAtError,
    InvalidLotError,
    InvalidUserError,
    NotReversibleError,
    ReasonRequiredError,
    TextTooLongError,
    reverse_dispense,
)
from django_catalog.models import DispenseLog, DispenseReversal
from django_catalog.services import (
    DISPENSE_SCOPE,
    REVERSE_DISPENSE_ACTION,
    add_item,
    commit_basket,
    record_dispense,
)
from django_decisioning.exceptions import InvalidDecisionError
from django_decisioning.models import Decision
from django_decisioning.testing import (
    assert_backdate_coherent,
    assert_delegation_captured,
    assert_idempotent,
    assert_reversal_preserves_original,
)
from tests.expiry import expire_and_purge_idempotency_keys
from tests.testapp.models import Encounter

pytestmark = pytest.mark.django_db

REFUSED = "django_catalog_dispensereversal is append-only: reversals are never updated or deleted"


@pytest.fixture
def work_items(basket, user, amoxicillin, make_catalog_item):
    ibuprofen = make_catalog_item(kind="stock_item", display_name="Ibuprofen", routing="pharmacy")
    add_item(basket=basket, catalog_item=amoxicillin, by=user, quantity=2)
    add_item(basket=basket, catalog_item=ibuprofen, by=user, quantity=5)
    return commit_basket(basket, user)


@pytest.fixture
def dispense(work_items, other_user):
    return record_dispense(work_item=work_items[0], by=other_user, lot="LOT-A1")


@pytest.fixture
def lead(django_user_model):
    """A user allowed to reverse dispense records."""
    lead = django_user_model.objects.create_user(username="lead-pharmacist")
    lead.user_permissions.add(Permission.objects.get(codename="add_dispensereversal"))
    return django_user_model.objects.get(pk=lead.pk)


@pytest.fixture
def clinic():
    return Encounter.objects.create(patient="the clinic itself")  # any saved instance can be a principal


# --- the lot dispensed ---------------------------------------------------------------------------


def test_a_dispense_records_the_lot_number(dispense):
    assert DispenseLog.objects.get().lot_reference == "LOT-A1"


def test_a_dispense_records_a_lot_row_of_any_package_by_its_key(work_items, other_user):
    lot_row = Encounter.objects.create(patient="stands in for a stock lot")

    log = record_dispense(work_item=work_items[0], by=other_user, lot=lot_row)

    assert log.lot_reference == f"testapp.encounter:{lot_row.pk.hex}"
    assert list(DispenseLog.objects.for_lot(lot_row)) == [log]


def test_without_a_lot_nothing_is_recorded(work_items, other_user):
    assert record_dispense(work_item=work_items[0], by=other_user).lot_reference == ""


@pytest.mark.parametrize("lot", ["", "   ", "x" * 256, 42, Encounter(patient="unsaved")])
def test_something_that_names_no_lot_is_refused_before_anything_is_written(work_items, other_user, lot):
    with pytest.raises(InvalidLotError) as refused:
        record_dispense(work_item=work_items[0], by=other_user, lot=lot)

    assert refused.value.value is lot
    assert "lot must be" in str(refused.value)
    assert not DispenseLog.objects.exists()
    assert not Decision.objects.filter(action=DISPENSE_SCOPE).exists()


def test_a_recall_finds_who_received_the_lot(work_items, other_user, encounter):
    record_dispense(work_item=work_items[0], by=other_user, lot="LOT-A1")
    record_dispense(work_item=work_items[1], by=other_user, lot="LOT-B7")

    [received] = DispenseLog.objects.for_lot("LOT-A1")

    assert received.work_item.basket.encounter == encounter
    assert not DispenseLog.objects.for_lot("lot-a1").exists()  # lot numbers compare byte by byte
    assert not DispenseLog.objects.for_lot("LOT-A1", org="north").exists()


def test_a_repeat_with_another_lot_is_another_dispense(dispense, work_items, other_user):
    from django_catalog import AlreadyDispensedError

    with pytest.raises(AlreadyDispensedError, match="reverse_dispense"):
        record_dispense(work_item=work_items[0], by=other_user, lot="LOT-ZZ")
    assert record_dispense(work_item=work_items[0], by=other_user, lot="LOT-A1") == dispense


def test_the_key_of_a_dispense_reused_with_another_lot_is_a_conflict(work_items, other_user):
    record_dispense(work_item=work_items[0], by=other_user, lot="LOT-A1", idempotency_key="d-1")
    expire_and_purge_idempotency_keys()

    with pytest.raises(IdempotencyKeyConflictError):
        record_dispense(work_item=work_items[0], by=other_user, lot="LOT-A2", idempotency_key="d-1")


# --- record_dispense is a decision ------------------------------------------------------------------


def test_a_dispense_is_recorded_as_a_decision_for_a_principal(work_items, other_user, clinic):
    yesterday = timezone.now() - dt.timedelta(days=1)
    log = record_dispense(work_item=work_items[0], by=other_user, on_behalf_of=clinic, effective_at=yesterday)

    decision = Decision.objects.get(action=DISPENSE_SCOPE)
    assert_delegation_captured(decision, actor=other_user, on_behalf_of=clinic)
    assert decision.target == log
    assert decision.effective_at == yesterday
    assert decision.evidence["lot"] == "" and decision.evidence["quantity"] == 2


def test_a_principal_that_is_not_saved_is_refused_before_anything_is_written(work_items, other_user):
    with pytest.raises(InvalidDecisionError):
        record_dispense(work_item=work_items[0], by=other_user, on_behalf_of=Encounter(patient="unsaved"))
    assert not DispenseLog.objects.exists()


# --- reversal -------------------------------------------------------------------------------------


def test_a_reversal_is_a_new_fact_and_the_record_stays_as_it_was(dispense, lead, other_user):
    reversal = assert_reversal_preserves_original(
        dispense,
        lambda: reverse_dispense(dispense, reason="entered on the wrong visit", by=lead),
        unauthorized=lambda: reverse_dispense(dispense, reason="entered on the wrong visit", by=other_user),
        refusal=CatalogPermissionDeniedError,
    )

    assert isinstance(reversal, DispenseReversal)
    assert (reversal.dispense, reversal.reversed_by, reversal.reason) == (dispense, lead, "entered on the wrong visit")
    assert reversal.recorded_at is not None and reversal.effective_at <= reversal.recorded_at
    assert DispenseLog.objects.get(pk=dispense.pk).reversal == reversal
    assert str(reversal) == f"Reversal of dispense {dispense.pk}"


def test_a_user_without_the_permission_is_refused_and_nothing_is_written(dispense, other_user):
    decisions = Decision.objects.count()

    with pytest.raises(CatalogPermissionDeniedError) as refused:
        reverse_dispense(dispense, reason="wrong visit", by=other_user)

    assert refused.value.permission == "django_catalog.add_dispensereversal"
    assert "grant the permission 'django_catalog.add_dispensereversal'" in str(refused.value)
    assert not DispenseReversal.objects.exists()
    assert Decision.objects.count() == decisions


def test_the_permission_is_a_setting_and_none_turns_the_check_off(settings, dispense, other_user, lead):
    settings.CATALOG_REVERSE_DISPENSE_PERMISSION = None
    assert reverse_dispense(dispense, reason="wrong visit", by=other_user).reversed_by == other_user


def test_the_reversal_is_recorded_as_a_decision_with_actor_and_principal(dispense, lead, clinic):
    reverse_dispense(dispense, reason="returned unopened", by=lead, on_behalf_of=clinic)

    decision = Decision.objects.get(action=REVERSE_DISPENSE_ACTION)
    assert_delegation_captured(decision, actor=lead, on_behalf_of=clinic)
    assert decision.target == dispense
    assert decision.outcome == "reversed"
    assert decision.evidence["reason"] == "returned unopened"
    assert decision.evidence["quantity"] == 2 and decision.evidence["lot"] == "LOT-A1"


def test_selectors_show_net_quantities(work_items, other_user, lead):
    first = record_dispense(work_item=work_items[0], by=other_user)
    second = record_dispense(work_item=work_items[1], by=other_user)
    assert DispenseLog.objects.net_quantity() == 7

    reverse_dispense(first, reason="wrong visit", by=lead)

    assert DispenseLog.objects.net_quantity() == 5
    assert list(DispenseLog.objects.not_reversed()) == [second]
    assert list(DispenseLog.objects.reversed()) == [first]
    assert DispenseLog.objects.net_quantity_by_item() == {second.catalog_item_id: 5}
    assert DispenseLog.objects.count() == 2  # the record itself stays
    assert DispenseLog.objects.filter(pk=first.pk).net_quantity() == 0


def test_net_quantities_as_of_a_time_see_a_backdated_reversal_from_its_effective_time(work_items, other_user, lead):
    now = timezone.now()
    dispensed_at, reversed_at = now - dt.timedelta(hours=5), now - dt.timedelta(hours=2)
    log = record_dispense(work_item=work_items[0], by=other_user, effective_at=dispensed_at)
    reversal = reverse_dispense(log, reason="returned", by=lead, effective_at=reversed_at)

    assert_backdate_coherent(reversal)
    assert DispenseLog.objects.net_quantity(as_of=dispensed_at - dt.timedelta(microseconds=1)) == 0
    assert DispenseLog.objects.net_quantity(as_of=dispensed_at) == 2
    assert DispenseLog.objects.net_quantity(as_of=reversed_at - dt.timedelta(microseconds=1)) == 2
    assert DispenseLog.objects.net_quantity(as_of=reversed_at) == 0
    assert list(DispenseLog.objects.reversed(as_of=reversed_at - dt.timedelta(seconds=1))) == []


def test_net_quantity_refuses_a_naive_as_of_and_says_what_to_pass(dispense):
    with pytest.raises(InvalidEffectiveAtError, match=r"as_of must be a timezone-aware datetime.*timezone.now\(\)"):
        DispenseLog.objects.net_quantity(as_of=dt.datetime(2026, 1, 1))


def test_a_record_is_reversed_at_most_once(dispense, lead, other_user):
    first = reverse_dispense(dispense, reason="wrong visit", by=lead)

    assert reverse_dispense(dispense, reason="wrong visit", by=lead) == first  # a retried request
    with pytest.raises(NotReversibleError, match="already reversed") as refused:
        reverse_dispense(dispense, reason="another reason", by=lead)
    assert refused.value.existing == first
    assert DispenseReversal.objects.count() == 1
    assert Decision.objects.filter(action=REVERSE_DISPENSE_ACTION).count() == 1


def test_the_database_refuses_a_second_reversal_of_a_record(dispense, lead):
    reverse_dispense(dispense, reason="wrong visit", by=lead)

    with pytest.raises(IntegrityError), transaction.atomic():
        DispenseReversal.objects.create(dispense=dispense, reversed_by=lead, reason="again")


def test_a_keyed_reversal_retried_is_exactly_one_reversal(dispense, lead):
    reversal, *_ = assert_idempotent(
        lambda: reverse_dispense(dispense, reason="wrong visit", by=lead, idempotency_key="rev-1"),
        count=lambda: DispenseReversal.objects.count(),
    )
    expire_and_purge_idempotency_keys()

    assert reverse_dispense(dispense, reason="wrong visit", by=lead, idempotency_key="rev-1") == reversal
    assert reversal.idempotency_key == "rev-1"
    assert Decision.objects.filter(action=REVERSE_DISPENSE_ACTION).count() == 1


def test_the_key_of_a_reversal_reused_for_another_request_is_a_conflict(work_items, other_user, lead):
    first = record_dispense(work_item=work_items[0], by=other_user)
    second = record_dispense(work_item=work_items[1], by=other_user)
    reverse_dispense(first, reason="wrong visit", by=lead, idempotency_key="rev-1")

    with pytest.raises(IdempotencyKeyConflictError):
        reverse_dispense(second, reason="wrong visit", by=lead, idempotency_key="rev-1")
    expire_and_purge_idempotency_keys()
    with pytest.raises(IdempotencyKeyConflictError):
        reverse_dispense(second, reason="wrong visit", by=lead, idempotency_key="rev-1")
    assert DispenseReversal.objects.count() == 1


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_reversal_needs_a_reason(dispense, lead, reason):
    with pytest.raises(ReasonRequiredError, match="reason='entered on the wrong visit'"):
        reverse_dispense(dispense, reason=reason, by=lead)
    assert not DispenseReversal.objects.exists()


def test_a_reason_longer_than_the_limit_is_refused(settings, dispense, lead):
    settings.CATALOG_MAX_TEXT_LENGTH = 10
    with pytest.raises(TextTooLongError):
        reverse_dispense(dispense, reason="x" * 11, by=lead)


def test_a_reversal_cannot_take_effect_before_its_dispense(work_items, other_user, lead):
    dispensed_at = timezone.now() - dt.timedelta(hours=1)
    log = record_dispense(work_item=work_items[0], by=other_user, effective_at=dispensed_at)

    with pytest.raises(NotReversibleError, match="pass effective_at at or after"):
        reverse_dispense(log, reason="wrong", by=lead, effective_at=dispensed_at - dt.timedelta(seconds=1))
    assert not DispenseReversal.objects.exists()


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"by": None}, InvalidUserError),
        ({"effective_at": dt.datetime(2026, 1, 1)}, InvalidEffectiveAtError),
        ({"effective_at": timezone.now() + dt.timedelta(days=1)}, InvalidEffectiveAtError),
        ({"on_behalf_of": Encounter(patient="unsaved")}, InvalidDecisionError),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_written(dispense, lead, arguments, error):
    with pytest.raises(error):
        reverse_dispense(dispense, **{"reason": "wrong", "by": lead, **arguments})
    assert not DispenseReversal.objects.exists()


def test_only_a_saved_dispense_record_is_reversed(lead):
    with pytest.raises(NotReversibleError, match="dispense must be a saved DispenseLog"):
        reverse_dispense(DispenseLog(), reason="wrong", by=lead)


def test_the_reversal_leaves_the_work_item_alone(dispense, work_items, lead):
    reverse_dispense(dispense, reason="wrong visit", by=lead)

    work_items[0].refresh_from_db()
    assert work_items[0].status == work_items[0].Status.PENDING


# --- append-only ---------------------------------------------------------------------------------


def test_reversals_declare_their_guarantee():
    assert guarantees_of(DispenseReversal) == [AppendOnly(message=REFUSED)]


def test_saving_or_deleting_a_reversal_is_refused(dispense, lead):
    reversal = reverse_dispense(dispense, reason="wrong visit", by=lead)

    reversal.reason = "edited"
    with pytest.raises(FactImmutableError, match="append-only"):
        reversal.save()
    with pytest.raises(FactImmutableError, match="never deleted"):
        reversal.delete()


def test_every_raw_sql_write_path_of_a_reversal_is_refused_by_the_database(dispense, lead):
    reversal = reverse_dispense(dispense, reason="wrong visit", by=lead)

    assert_write_paths_refused(reversal, changes={"reason": "edited"}, match="append-only|is never replaced")


def test_reversals_are_listed_by_organization_and_time(dispense, lead):
    reversal = reverse_dispense(dispense, reason="wrong visit", by=lead)

    assert list(DispenseReversal.objects.for_org(None)) == [reversal]
    assert not DispenseReversal.objects.for_org("north").exists()
    assert list(DispenseReversal.objects.as_of(timezone.now())) == [reversal]
