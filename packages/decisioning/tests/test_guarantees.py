"""Decisions are append-only in the database itself: every raw write path is refused (``Meta.guarantees``)."""

import pytest
from django.db import IntegrityError, connection, transaction

from django_basemodels.guarantees import AppendOnly, guarantee_problems, guarantees_of
from django_basemodels.testing import assert_write_paths_refused
from django_decisioning.models import Decision, IdempotencyKey
from django_decisioning.services import record_decision

pytestmark = pytest.mark.django_db

APPEND_ONLY = "django_decisioning_decision is append-only"


@pytest.fixture
def decision(django_user_model):
    clerk = django_user_model.objects.create_user(username="clerk")
    return record_decision(action="approve_refund", by=clerk, outcome="approved", evidence={"amount": "5.00"})


def test_decision_declares_that_it_is_append_only():
    assert [(type(g), g.name) for g in guarantees_of(Decision)] == [(AppendOnly, "append_only")]


def test_the_idempotency_key_declares_no_guarantee():
    # Its rows are updated in place and purged: nothing guards them, so an insert that ignores conflicts still works.
    assert guarantees_of(IdempotencyKey) == []


def test_every_declared_guarantee_is_installed_after_migrations():
    assert guarantee_problems() == []


def test_every_raw_write_path_of_a_decision_is_refused(decision):
    refused = assert_write_paths_refused(decision, changes={"outcome": "rejected"}, match=APPEND_ONLY)

    expected = {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE"}
    if connection.vendor == "sqlite":
        expected |= {"INSERT OR REPLACE", "REPLACE"}
    if connection.vendor == "mysql":
        expected = {"UPDATE", "DELETE", "INSERT ... ON DUPLICATE KEY UPDATE", "REPLACE"}
    assert {write.path for write in refused} == expected
    assert all(isinstance(write.error, IntegrityError) for write in refused)


def test_rewriting_the_evidence_in_raw_sql_is_refused(decision):
    assert_write_paths_refused(decision, changes={"evidence": '{"amount": "500.00"}'}, delete=False, match=APPEND_ONLY)
    assert Decision.objects.get().evidence == {"amount": "5.00"}


def test_an_insert_reusing_the_key_of_a_decision_is_refused(decision):
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.bulk_create([Decision(id=decision.id, action="other", outcome="o")])
    assert Decision.objects.get().action == "approve_refund"


def test_recording_new_decisions_still_works(decision, django_user_model):
    manager = django_user_model.objects.create_user(username="manager")
    record_decision(action="approve_refund", by=manager, outcome="rejected")
    Decision.objects.bulk_create([Decision(action="close", outcome="closed")])
    assert sorted(Decision.objects.values_list("outcome", flat=True)) == ["approved", "closed", "rejected"]
