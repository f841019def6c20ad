"""Free text is capped by CATALOG_MAX_TEXT_LENGTH: a longer text raises TextTooLongError and nothing is written.

The commit's evidence is built by the catalog from bounded columns; decisioning caps it (and a refusal
rolls the whole commit back).
"""

import pytest
from django.test import override_settings

from django_basemodels.limits import DEFAULT_MAX_TEXT_LENGTH
from django_catalog import conf
from django_catalog.checks import check_max_text_length
from django_catalog.exceptions import CatalogError, TextTooLongError
from django_catalog.models import DispenseLog, WorkItem
from django_catalog.services import add_item, cancel_work_item, commit_basket, record_dispense
from django_decisioning.exceptions import InvalidDecisionError
from django_decisioning.models import Decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def work_item(basket, user, amoxicillin):
    add_item(basket=basket, catalog_item=amoxicillin, by=user, quantity=2)
    [work_item] = commit_basket(basket, user)
    return work_item


def test_the_default_limit_is_the_shared_default():
    assert conf.max_text_length() == DEFAULT_MAX_TEXT_LENGTH


def test_dispense_notes_at_the_limit_are_recorded(work_item, user):
    record_dispense(work_item=work_item, by=user, notes="x" * DEFAULT_MAX_TEXT_LENGTH)

    assert len(DispenseLog.objects.get().notes) == DEFAULT_MAX_TEXT_LENGTH


def test_dispense_notes_over_the_limit_are_refused_and_nothing_is_recorded(work_item, user):
    with pytest.raises(TextTooLongError, match="notes has 10,001 characters; at most 10,000") as raised:
        record_dispense(work_item=work_item, by=user, notes="x" * (DEFAULT_MAX_TEXT_LENGTH + 1))

    assert isinstance(raised.value, CatalogError)
    assert isinstance(raised.value, ValueError)
    assert not DispenseLog.objects.exists()


@override_settings(CATALOG_MAX_TEXT_LENGTH=20)
def test_catalog_max_text_length_sets_the_limit_of_dispense_notes(work_item, user):
    with pytest.raises(TextTooLongError, match="at most 20"):
        record_dispense(work_item=work_item, by=user, notes="x" * 21)
    assert not DispenseLog.objects.exists()

    record_dispense(work_item=work_item, by=user, notes="x" * 20)
    assert DispenseLog.objects.get().notes == "x" * 20


def test_a_cancel_reason_at_the_limit_is_stored(work_item, user):
    cancel_work_item(work_item, by=user, reason="x" * DEFAULT_MAX_TEXT_LENGTH)

    assert len(WorkItem.objects.get(pk=work_item.pk).cancel_reason) == DEFAULT_MAX_TEXT_LENGTH


def test_a_cancel_reason_over_the_limit_is_refused_and_the_item_stays_open(work_item, user):
    decisions = Decision.objects.count()
    with pytest.raises(TextTooLongError, match="reason has 10,001 characters"):
        cancel_work_item(work_item, by=user, reason="x" * (DEFAULT_MAX_TEXT_LENGTH + 1))

    stored = WorkItem.objects.get(pk=work_item.pk)
    assert (stored.status, stored.cancelled_at, stored.cancel_reason) == (WorkItem.Status.PENDING, None, "")
    assert Decision.objects.count() == decisions


@override_settings(CATALOG_MAX_TEXT_LENGTH=20)
def test_catalog_max_text_length_sets_the_limit_of_a_cancel_reason(work_item, user):
    with pytest.raises(TextTooLongError, match="at most 20"):
        cancel_work_item(work_item, by=user, reason="x" * 21)

    cancel_work_item(work_item, by=user, reason="x" * 20)
    assert WorkItem.objects.get(pk=work_item.pk).cancel_reason == "x" * 20


def test_the_default_limit_passes_the_check():
    assert check_max_text_length() == []


@pytest.mark.parametrize("value", [0, -5, None, "100", 2.5, True])
def test_a_limit_that_is_not_a_positive_integer_is_an_error(value):
    with override_settings(CATALOG_MAX_TEXT_LENGTH=value):
        assert [message.id for message in check_max_text_length()] == ["django_catalog.E004"]


@override_settings(DECISIONING_MAX_JSON_BYTES=100)
def test_a_commit_whose_evidence_decisioning_refuses_writes_nothing(basket, user, amoxicillin, blood_test):
    add_item(basket=basket, catalog_item=amoxicillin, by=user)
    add_item(basket=basket, catalog_item=blood_test, by=user)

    with pytest.raises(InvalidDecisionError, match="evidence"):
        commit_basket(basket, user)

    basket.refresh_from_db()
    assert basket.status == basket.Status.DRAFT
    assert not WorkItem.objects.exists()
    assert not Decision.objects.filter(action="django_catalog.commit_basket").exists()
    assert set(basket.items.values_list("routing_snapshot", flat=True)) == {""}
