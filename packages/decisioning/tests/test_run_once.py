"""run_once, the one idempotency path of every decision surface, and durable replay after the key is purged."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.state import ProjectState
from django.utils import timezone

from django_basemodels.testing import empty_guarded_tables
from django_decisioning import IdempotencyConflict
from django_decisioning.models import Decision, IdempotencyKey
from django_decisioning.operations import RenameDecisionActions
from django_decisioning.services import record_decision, run_once
from tests.testapp.models import Account, Payment, Ticket

SCOPE = "testapp.pay"


def pay(account, amount, key, calls, *, replay=True):
    def write():
        calls.append(key)
        return Payment.objects.create(account=account, amount=Decimal(amount))

    return run_once(
        scope=SCOPE,
        idempotency_key=key,
        func=write,
        payload={"account": account, "amount": amount},
        replay=(lambda: Payment.objects.filter(account=account).first()) if replay else None,
    )


def expire_and_purge_keys():
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    call_command("purge_idempotency_keys", verbosity=0)
    assert not IdempotencyKey.objects.exists()


@pytest.fixture
def account(db):
    return Account.objects.create(name="main")


def test_without_a_key_the_write_simply_runs_each_time(account):
    calls = []
    pay(account, "1.00", None, calls, replay=False)
    pay(account, "1.00", None, calls, replay=False)
    assert Payment.objects.count() == 2 and not IdempotencyKey.objects.exists()


def test_with_a_key_a_repeat_returns_the_first_result(account):
    calls = []
    first = pay(account, "1.00", "k1", calls)
    assert pay(account, "1.00", "k1", calls) == first
    assert calls == ["k1"] and Payment.objects.count() == 1
    assert IdempotencyKey.objects.get(key="k1").scope == SCOPE


def test_another_payload_under_the_same_key_is_refused(account):
    pay(account, "1.00", "k1", [])
    with pytest.raises(IdempotencyConflict):
        pay(account, "2.00", "k1", [])


def test_after_the_key_is_purged_replay_returns_the_stored_fact_instead_of_writing_again(account):
    calls = []
    first = pay(account, "1.00", "k1", calls)
    expire_and_purge_keys()
    again = pay(account, "1.00", "k1", calls)
    assert again == first and calls == ["k1"] and Payment.objects.count() == 1
    # The replayed result is stored under the key again: a third call reads the key row.
    assert IdempotencyKey.objects.get(key="k1").result == first


def test_without_replay_a_purged_key_runs_the_write_again(account):
    """What the durable key prevents: the key row alone lapses with its TTL."""
    calls = []
    pay(account, "1.00", "k1", calls, replay=False)
    expire_and_purge_keys()
    pay(account, "1.00", "k1", calls, replay=False)
    assert Payment.objects.count() == 2


@pytest.fixture
def committed_decisions():
    yield
    empty_guarded_tables(Decision)


@pytest.mark.django_db(transaction=True)
def test_rename_decision_actions_rewrites_append_only_decisions_and_scopes_both_ways(committed_decisions):
    ticket = Ticket.objects.create(title="t")
    account = Account.objects.create(name="a")
    record_decision(action="old.post", by=None, outcome="ok")
    record_decision(action="old.reverse", by=None, outcome="ok", target=ticket)
    record_decision(action="old.reverse", by=None, outcome="ok", target=account)
    record_decision(action="old.reverse", by=None, outcome="ok")
    IdempotencyKey.objects.create(scope="old.post", key="k", state=IdempotencyKey.State.SUCCEEDED)
    operation = RenameDecisionActions(
        actions={
            "old.post": "pkg.post",
            "old.reverse": {"testapp.ticket": "pkg.undo_ticket", "testapp.account": "pkg.undo"},
        },
        scopes={"old.post": "pkg.post"},
    )
    state = ProjectState()

    def actions():
        return sorted(Decision.objects.values_list("action", flat=True))

    with connection.schema_editor() as editor:
        operation.database_forwards("testapp", editor, state, state)
    assert actions() == ["old.reverse", "pkg.post", "pkg.undo", "pkg.undo_ticket"]
    assert IdempotencyKey.objects.get().scope == "pkg.post"
    with connection.schema_editor() as editor:
        operation.database_backwards("testapp", editor, state, state)
    assert actions() == ["old.post", "old.reverse", "old.reverse", "old.reverse"]
    assert IdempotencyKey.objects.get().scope == "old.post"
    # The triggers are back: the decisions are append-only again, raw SQL included.
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Decision._meta.db_table} SET action = 'x'")


def test_rename_decision_actions_deconstructs_for_the_migration_writer():
    operation = RenameDecisionActions(actions={"a.b": "c.d"}, scopes={"a.b": "c.d"})
    path, args, kwargs = operation.deconstruct()
    assert path == "django_decisioning.operations.RenameDecisionActions"
    assert args == [] and kwargs == {"actions": {"a.b": "c.d"}, "scopes": {"a.b": "c.d"}}
    assert RenameDecisionActions(actions={"a.b": "c.d"}).deconstruct()[2] == {"actions": {"a.b": "c.d"}}
    assert "1 decision action(s)" in operation.describe()
    # Outside a transaction of its own: MariaDB refuses trigger DDL inside one.
    assert operation.atomic is False
