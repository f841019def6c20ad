"""void_transaction(idempotency_key=): a retried void returns the first one; other voids are still refused."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils import timezone

from django_budget import AlreadyVoided, IdempotencyKeyReused, InvalidTransaction, VoidNotPermitted, services
from django_budget.models import BudgetTransaction
from django_budget.services import voids
from django_decisioning.models import Decision, IdempotencyKey
from django_decisioning.testing import assert_idempotent

DAY = dt.date(2026, 1, 15)


def permitted_user(django_user_model, username):
    user = django_user_model.objects.create_user(username=username)
    user.user_permissions.add(Permission.objects.get(codename="void_budgettransaction"))
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def manager(django_user_model):
    return permitted_user(django_user_model, "manager")


@pytest.fixture
def expense(budget, groceries):
    return services.post_expense(budget=budget, bucket=groceries, amount=Decimal("120"), date=DAY, description="Market")


def fresh(instance):
    return type(instance)._base_manager.get(pk=instance.pk)


def void(expense, manager, **options):
    options = {"reason": "Charged twice", "idempotency_key": "void-4711", **options}
    return services.void_transaction(transaction=fresh(expense), by=fresh(manager), **options)


@pytest.mark.django_db
def test_a_retried_void_with_its_key_returns_the_first_void(expense, manager):
    first, *_ = assert_idempotent(lambda: void(expense, manager), count=BudgetTransaction.objects.reversals().count)
    assert first.reverses_id == expense.pk
    assert Decision.objects.for_action(services.VOID_ACTION).count() == 1


@pytest.mark.django_db
def test_the_void_keeps_its_fingerprint_and_its_key(expense, manager):
    reversal = fresh(void(expense, manager))
    assert len(reversal.request_fingerprint) == 64
    assert reversal.idempotency_key == "void-4711"
    assert reversal.decision.evidence["idempotency_key"] == "void-4711"


@pytest.mark.django_db
def test_a_void_without_key_stores_neither(expense, manager):
    reversal = fresh(services.void_transaction(transaction=expense, reason="Charged twice", by=manager))
    assert (reversal.request_fingerprint, reversal.idempotency_key) == ("", None)
    assert reversal.decision.evidence["idempotency_key"] is None


@pytest.mark.django_db
def test_without_a_key_a_repeat_is_still_already_voided(expense, manager, row_counts):
    reversal = services.void_transaction(transaction=expense, reason="Charged twice", by=manager)
    before = row_counts()
    with pytest.raises(AlreadyVoided) as refusal:
        services.void_transaction(transaction=expense, reason="Charged twice", by=manager)
    assert refusal.value.reversal == reversal
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("second_key", [None, "another-key"], ids=["no-key", "other-key"])
def test_a_void_with_a_key_does_not_answer_another_request(expense, manager, row_counts, second_key):
    reversal = void(expense, manager)
    before = row_counts()
    with pytest.raises(AlreadyVoided) as refusal:
        void(expense, manager, idempotency_key=second_key)
    assert refusal.value.reversal == reversal
    assert row_counts() == before


@pytest.mark.django_db
def test_a_key_does_not_adopt_a_void_made_without_it(expense, manager):
    services.void_transaction(transaction=expense, reason="Charged twice", by=manager)
    with pytest.raises(AlreadyVoided):
        void(expense, manager)


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["reason", "by", "on_behalf_of"])
def test_the_same_key_for_a_different_request_is_refused(expense, manager, django_user_model, row_counts, change):
    void(expense, manager)
    other = permitted_user(django_user_model, "other-manager")
    options = {
        "reason": {"reason": "Refund"},
        "by": {},
        "on_behalf_of": {"on_behalf_of": expense.budget},
    }[change]
    by = other if change == "by" else manager
    before = row_counts()
    with pytest.raises(IdempotencyKeyReused) as refusal:
        void(expense, by, **options)
    assert (refusal.value.scope, refusal.value.key) == ("django_budget.void_transaction", "void-4711")
    assert row_counts() == before


@pytest.mark.django_db
def test_a_retry_on_behalf_of_the_same_principal_replays(expense, manager):
    first = void(expense, manager, on_behalf_of=expense.budget)
    assert void(expense, manager, on_behalf_of=fresh(expense.budget)) == first


@pytest.mark.django_db
def test_a_key_that_voided_one_transaction_is_refused_for_another(budget, groceries, expense, manager, row_counts):
    other = services.post_expense(budget=budget, bucket=groceries, amount=Decimal("5"), date=DAY)
    void(expense, manager)
    before = row_counts()
    with pytest.raises(IdempotencyKeyReused):
        void(other, manager)
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "k" * 256, 42], ids=["empty", "too-long", "not-a-string"])
def test_a_malformed_key_is_refused_before_anything_is_written(expense, manager, row_counts, key):
    before = row_counts()
    with pytest.raises(InvalidTransaction):
        void(expense, manager, idempotency_key=key)
    assert row_counts() == before


@pytest.mark.django_db
def test_a_retry_still_needs_the_permission(expense, manager, django_user_model):
    void(expense, manager)
    clerk = django_user_model.objects.create_user(username="clerk")
    with pytest.raises(VoidNotPermitted):
        void(expense, clerk)


@pytest.mark.django_db
def test_a_keyed_void_that_lost_the_race_returns_the_winner(expense, manager, monkeypatch, row_counts):
    first = void(expense, manager)
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    call_command("purge_idempotency_keys", verbosity=0)
    # The same request committed between this one's lookup and its insert (its key row gone), simulated
    # by lookups that find nothing: the unique reverses column refuses the insert and the winner is replayed.
    real_replay, real_refusal = voids._stored_void, voids._refuse_voided
    replays = iter([lambda *args: None])
    refusals = iter([lambda original: None])
    monkeypatch.setattr(voids, "_stored_void", lambda *args: next(replays, real_replay)(*args))
    monkeypatch.setattr(voids, "_refuse_voided", lambda original: next(refusals, real_refusal)(original))
    before = row_counts()
    assert void(expense, manager) == first
    assert row_counts() == before


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_eight_threads_retrying_one_keyed_void_all_get_it(budget, groceries):
    import threading

    from django.db import connection

    expense = services.post_expense(budget=budget, bucket=groceries, amount=Decimal("120"), date=DAY)
    workers = 8
    barrier = threading.Barrier(workers)
    outcomes: list = [None] * workers

    def worker(index):
        try:
            barrier.wait()
            outcomes[index] = services.void_transaction(
                transaction=expense, reason="Refund", by=None, idempotency_key="void-1"
            )
        except Exception as exc:  # collected and asserted on below
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reversal = BudgetTransaction.objects.reversals().get()
    assert outcomes == [reversal] * workers
