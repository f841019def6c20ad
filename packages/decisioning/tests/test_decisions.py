import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, models, transaction
from django.db.models import ProtectedError

from django_basemodels.fields import canonical_object_id
from django_decisioning import DecisionImmutable, InvalidDecision, UnsupportedValue
from django_decisioning.models import Decision
from django_decisioning.querysets import canonical_key_expression
from django_decisioning.services import record_decision
from django_decisioning.testing import assert_delegation_captured, assert_snapshot_independent
from tests.testapp.models import Account, Party, Ticket

pytestmark = pytest.mark.django_db

YESTERDAY = dt.datetime(2025, 1, 9, tzinfo=dt.timezone.utc)


@pytest.fixture
def clerk(django_user_model):
    return django_user_model.objects.create_user(username="clerk")


@pytest.fixture
def manager(django_user_model):
    return django_user_model.objects.create_user(username="manager")


@pytest.fixture
def store():
    return Party.objects.create(name="Store")


@pytest.fixture
def account():
    return Account.objects.create(name="main")


@pytest.fixture
def ticket():
    return Ticket.objects.create(title="refund")


def test_record_decision_stores_who_decided_what_about_what(clerk, account):
    decision = record_decision(action="approve_refund", by=clerk, target=account, outcome="approved")
    fresh = Decision.objects.get(pk=decision.pk)
    assert (fresh.action, fresh.outcome, fresh.actor, fresh.actor_repr) == (
        "approve_refund",
        "approved",
        clerk,
        "clerk",
    )
    assert fresh.target == account
    assert fresh.on_behalf_of is None
    assert fresh.evidence == {}


def test_decision_about_an_integer_pk_target_points_at_it(clerk, ticket):
    decision = record_decision(action="close", by=clerk, target=ticket, outcome="closed")
    assert Decision.objects.get(pk=decision.pk).target == ticket
    assert decision.target_id == str(ticket.pk)


def test_decision_without_effective_at_is_effective_when_recorded(clerk):
    decision = record_decision(action="a", by=clerk, outcome="o")
    assert decision.effective_at == decision.recorded_at


def test_backdated_decision_keeps_its_effective_time_and_server_record_time(clerk):
    decision = record_decision(action="a", by=clerk, outcome="o", effective_at=YESTERDAY)
    fresh = Decision.objects.get(pk=decision.pk)
    assert fresh.effective_at == YESTERDAY
    assert fresh.recorded_at > YESTERDAY
    assert not Decision.objects.as_of(YESTERDAY - dt.timedelta(seconds=1)).exists()
    assert list(Decision.objects.as_of(YESTERDAY)) == [fresh]


def test_system_decision_has_no_actor():
    decision = record_decision(action="expire_quote", by=None, outcome="expired")
    assert decision.actor is None
    assert decision.actor_repr == ""
    assert str(decision) == "expire_quote -> expired by system"


def test_evidence_is_stored_as_an_exact_json_snapshot(clerk):
    ref = uuid.UUID("12345678-1234-5678-1234-567812345678")
    moment = dt.datetime(2025, 1, 9, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    evidence = {"price": Decimal("19.90"), "ref": ref, "at": moment, "day": dt.date(2025, 1, 9), "lines": (1, "a")}
    decision = record_decision(action="quote", by=clerk, outcome="quoted", evidence=evidence)
    assert Decision.objects.get(pk=decision.pk).evidence == {
        "price": "19.90",
        "ref": "12345678-1234-5678-1234-567812345678",
        "at": "2025-01-09T12:00:00+00:00",
        "day": "2025-01-09",
        "lines": [1, "a"],
    }


def test_evidence_with_a_float_is_refused_and_nothing_is_recorded(clerk):
    with pytest.raises(UnsupportedValue, match=r"evidence\['total'\]\['amount'\] is a float"):
        record_decision(action="a", by=clerk, outcome="o", evidence={"total": {"amount": 19.9}})
    assert not Decision.objects.exists()


def test_evidence_pointing_at_a_model_instance_is_refused(clerk, account):
    with pytest.raises(UnsupportedValue, match="snapshot"):
        record_decision(action="a", by=clerk, outcome="o", evidence={"account": account})


def test_evidence_must_be_a_mapping(clerk):
    with pytest.raises(InvalidDecision, match="mapping"):
        record_decision(action="a", by=clerk, outcome="o", evidence=["not", "a", "mapping"])


def test_direct_create_also_refuses_float_evidence(clerk):
    with pytest.raises(UnsupportedValue):
        Decision.objects.create(action="a", actor=clerk, outcome="o", evidence={"x": 0.1})


@pytest.mark.parametrize(
    "arguments",
    [
        {"action": ""},
        {"action": "   "},
        {"outcome": ""},
        {"action": "x" * 101},
        {"outcome": None},
        {"effective_at": dt.datetime(2025, 1, 1)},
    ],
)
def test_invalid_arguments_are_refused_before_writing(clerk, arguments):
    values = {"action": "a", "by": clerk, "outcome": "o", **arguments}
    with pytest.raises(InvalidDecision):
        record_decision(**values)
    assert not Decision.objects.exists()


def test_by_must_be_a_saved_user(store):
    with pytest.raises(InvalidDecision, match="by must be a saved"):
        record_decision(action="a", by=store, outcome="o")
    with pytest.raises(InvalidDecision, match="by must be a saved"):
        record_decision(action="a", by=get_user_model()(username="ghost"), outcome="o")


def test_the_former_actor_keyword_still_records_with_a_deprecation_warning(clerk):
    with pytest.warns(DeprecationWarning, match="pass by= instead"):
        decision = record_decision(action="a", actor=clerk, outcome="o")
    assert decision.actor == clerk
    with pytest.raises(TypeError, match="both actor= and by="):
        record_decision(action="a", actor=clerk, by=clerk, outcome="o")


def test_target_and_principal_must_be_saved(clerk):
    with pytest.raises(InvalidDecision, match="target"):
        record_decision(action="a", by=clerk, outcome="o", target=Account(name="unsaved"))
    with pytest.raises(InvalidDecision, match="on_behalf_of"):
        record_decision(action="a", by=clerk, outcome="o", on_behalf_of=Party(name="unsaved"))


def test_delegation_to_a_party_is_captured_and_queryable(clerk, store, account):
    decision = record_decision(action="refund", by=clerk, on_behalf_of=store, target=account, outcome="ok")
    assert_delegation_captured(decision, actor=clerk, on_behalf_of=store)


def test_delegation_to_another_user_is_delegated(clerk, manager):
    decision = record_decision(action="approve", by=clerk, on_behalf_of=manager, outcome="ok")
    assert decision.is_delegated
    assert list(Decision.objects.delegated()) == [decision]


def test_acting_on_ones_own_behalf_is_not_delegation(clerk):
    decision = record_decision(action="approve", by=clerk, on_behalf_of=clerk, outcome="ok")
    assert not decision.is_delegated
    assert not Decision.objects.delegated().exists()


def test_decision_without_principal_is_not_delegated(clerk):
    decision = record_decision(action="approve", by=clerk, outcome="ok")
    assert not decision.is_delegated
    assert not Decision.objects.delegated().exists()


def test_system_decision_for_a_principal_is_delegated(store):
    decision = record_decision(action="renew", by=None, on_behalf_of=store, outcome="ok")
    assert decision.is_delegated
    assert list(Decision.objects.delegated()) == [decision]


def test_delegation_torture_test_fails_when_nobody_was_represented(clerk, store):
    decision = record_decision(action="approve", by=clerk, outcome="ok")
    with pytest.raises(AssertionError, match="on_behalf_of"):
        assert_delegation_captured(decision, actor=clerk, on_behalf_of=store)


def test_delegation_torture_test_fails_for_self_representation(clerk):
    decision = record_decision(action="approve", by=clerk, on_behalf_of=clerk, outcome="ok")
    with pytest.raises(AssertionError, match="not marked as delegated"):
        assert_delegation_captured(decision, actor=clerk, on_behalf_of=clerk)


def test_queries_select_by_actor_principal_target_and_action(clerk, manager, store, account, ticket):
    mine = record_decision(action="refund", by=clerk, on_behalf_of=store, target=account, outcome="ok")
    theirs = record_decision(action="close", by=manager, target=ticket, outcome="ok")
    assert list(Decision.objects.by_actor(clerk)) == [mine]
    assert list(Decision.objects.on_behalf_of(store)) == [mine]
    assert list(Decision.objects.for_target(ticket)) == [theirs]
    assert list(Decision.objects.for_target(account)) == [mine]
    assert list(Decision.objects.for_action("close")) == [theirs]
    assert list(Decision.objects.for_action("Close")) == []


def test_reverse_generic_relations_find_decisions_on_uuid_and_integer_targets(clerk, store, account, ticket):
    on_account = record_decision(action="freeze", by=clerk, target=account, on_behalf_of=store, outcome="ok")
    on_ticket = record_decision(action="freeze", by=clerk, target=ticket, outcome="ok")
    assert list(Account.objects.filter(decisions__action="freeze")) == [account]
    assert list(Ticket.objects.filter(decisions__action="freeze")) == [ticket]
    assert list(Party.objects.filter(decisions_for__action="freeze")) == [store]
    assert list(account.decisions.all()) == [on_account]
    assert list(ticket.decisions.all()) == [on_ticket]
    assert [list(a.decisions.all()) for a in Account.objects.prefetch_related("decisions")] == [[on_account]]
    assert [list(t.decisions.all()) for t in Ticket.objects.prefetch_related("decisions")] == [[on_ticket]]
    assert {d.target for d in Decision.objects.prefetch_related("target")} == {account, ticket}


def test_saving_an_existing_decision_is_refused(clerk):
    decision = record_decision(action="a", by=clerk, outcome="approved")
    decision.outcome = "rejected"
    with pytest.raises(DecisionImmutable):
        decision.save()
    assert Decision.objects.get().outcome == "approved"


def test_deleting_a_decision_is_refused(clerk):
    decision = record_decision(action="a", by=clerk, outcome="o")
    with pytest.raises(DecisionImmutable):
        decision.delete()
    assert Decision.objects.exists()


def test_queryset_update_and_delete_are_refused(clerk):
    record_decision(action="a", by=clerk, outcome="o")
    with pytest.raises(DecisionImmutable):
        Decision.objects.update(outcome="x")
    with pytest.raises(DecisionImmutable):
        Decision.objects.all().delete()


def test_raw_sql_update_is_refused_by_the_database(clerk):
    record_decision(action="a", by=clerk, outcome="approved")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE django_decisioning_decision SET outcome = 'rejected'")
    assert Decision.objects.get().outcome == "approved"


def test_raw_sql_delete_is_refused_by_the_database(clerk):
    record_decision(action="a", by=clerk, outcome="o")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_decisioning_decision")
    assert Decision.objects.count() == 1


def test_deleting_a_user_who_decided_is_refused(clerk):
    record_decision(action="a", by=clerk, outcome="o")
    with pytest.raises(ProtectedError):
        clerk.delete()


def test_evidence_snapshot_survives_changes_to_the_live_data(clerk, account):
    decision = record_decision(
        action="quote", by=clerk, target=account, outcome="ok", evidence={"account_name": account.name}
    )
    snapshot = assert_snapshot_independent(
        decision, mutate=lambda: Account.objects.filter(pk=account.pk).update(name="renamed")
    )
    assert snapshot == {"account_name": "main"}


def test_snapshot_torture_test_catches_a_read_of_live_data(clerk, account):
    decision = record_decision(action="quote", by=clerk, target=account, outcome="ok")
    with pytest.raises(AssertionError, match="snapshot changed"):
        assert_snapshot_independent(
            decision,
            mutate=lambda: Account.objects.filter(pk=account.pk).update(name="renamed"),
            read=lambda d: Account.objects.get(pk=d.target_id).name,
        )


def test_canonical_key_expression_matches_the_object_id_form_of_uuid_and_integer_keys(account, ticket):
    accounts = Account.objects.annotate(key=canonical_key_expression("id", Account._meta.pk))
    tickets = Ticket.objects.annotate(key=canonical_key_expression("id", Ticket._meta.pk))
    assert accounts.get().key == canonical_object_id(account.pk)
    assert tickets.get().key == canonical_object_id(ticket.pk)
    assert isinstance(Account._meta.pk, models.UUIDField)


def test_deleting_a_target_with_a_generic_relation_to_its_decisions_is_refused(clerk, ticket):
    record_decision(action="close", by=clerk, target=ticket, outcome="closed")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ticket.delete()
    assert Ticket.objects.filter(pk=ticket.pk).exists()
    assert Decision.objects.for_target(ticket).count() == 1
