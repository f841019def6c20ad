"""Real concurrent connections on PostgreSQL: one effect per idempotency key, one reversal, no late entries."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from django_basemodels.testing import (
    hold_in_transaction,
    join_threads,
    run_concurrently,
    start_concurrently,
    wait_for_lock_waiters,
)
from django_ledger import AlreadyReversed, EntrySpec, ImmutableTransaction, UnbalancedTransaction
from django_ledger.models import Entry, Transaction
from django_ledger.services import open_account, post_transaction, reverse_transaction

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 8


@pytest.fixture
def accounts():
    return (
        open_account(code="1000", name="Cash", account_type="asset", currency="USD"),
        open_account(code="4000", name="Sales", account_type="revenue", currency="USD"),
    )


def test_eight_concurrent_postings_with_one_key_make_one_transaction(accounts):
    cash, sales = accounts
    outcomes = run_concurrently(
        lambda: post_transaction(
            entries=[EntrySpec.debit(cash, Decimal("10")), EntrySpec.credit(sales, Decimal("10"))],
            description="Sale",
            idempotency_key="checkout-42",
        ),
        workers=WORKERS,
    )
    assert Transaction.objects.count() == 1
    assert {outcome.pk for outcome in outcomes} == {Transaction.objects.get().pk}


def test_eight_concurrent_reversals_of_one_transaction_make_one_reversal(accounts):
    cash, sales = accounts
    sale = post_transaction(entries=[EntrySpec.debit(cash, 10), EntrySpec.credit(sales, 10)], description="Sale")
    outcomes = run_concurrently(lambda: reverse_transaction(sale, reason="Returned"), workers=WORKERS)
    assert Transaction.objects.filter(reverses=sale).count() == 1
    assert sum(isinstance(outcome, AlreadyReversed) for outcome in outcomes) == WORKERS - 1


@pytest.fixture
def balanced_draft(accounts):
    cash, sales = accounts
    draft = Transaction.objects.create(description="Draft")
    Entry.objects.create(transaction=draft, account=cash, amount=Decimal("5"), entry_type="debit")
    Entry.objects.create(transaction=draft, account=sales, amount=Decimal("5"), entry_type="credit")
    return draft


def post(draft_pk):
    draft = Transaction.objects.get(pk=draft_pk)
    draft.posted_at = timezone.now()
    draft.save()
    return draft


def late_entry(draft_pk, account):
    return Entry.objects.create(transaction_id=draft_pk, account=account, amount=Decimal("1"), entry_type="debit")


def test_a_posting_waits_for_a_concurrent_late_entry_and_then_refuses_the_imbalance(balanced_draft, accounts):
    cash, _ = accounts
    adding, release, adder = hold_in_transaction(lambda: late_entry(balanced_draft.pk, cash))
    posting, poster = start_concurrently([lambda: post(balanced_draft.pk)])
    waiting = wait_for_lock_waiters(1)
    release.set()
    join_threads([adder, *poster])
    assert waiting >= 1, "the posting did not wait for the transaction adding an entry"
    assert isinstance(adding[0], Entry)
    assert isinstance(posting[0], UnbalancedTransaction)
    assert Transaction.objects.get(pk=balanced_draft.pk).posted_at is None


def test_a_late_entry_waits_for_a_concurrent_posting_and_is_then_refused(balanced_draft, accounts):
    cash, _ = accounts
    posting, release, poster = hold_in_transaction(lambda: post(balanced_draft.pk))
    adding, adder = start_concurrently([lambda: late_entry(balanced_draft.pk, cash)])
    waiting = wait_for_lock_waiters(1)
    release.set()
    join_threads([poster, *adder])
    assert waiting >= 1
    assert isinstance(posting[0], Transaction)
    assert isinstance(adding[0], ImmutableTransaction)
    assert Entry.objects.filter(transaction_id=balanced_draft.pk).count() == 2


def test_a_raw_late_insert_waits_for_a_concurrent_posting_and_is_then_refused_by_the_trigger(balanced_draft, accounts):
    cash, _ = accounts

    def raw_insert():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO django_ledger_entry (id, transaction_id, account_id, entry_type, amount, currency, "
                "source_id) VALUES (%s, %s, %s, 'debit', 1, 'USD', '')",
                [uuid.uuid4(), balanced_draft.pk, cash.pk],
            )

    posting, release, poster = hold_in_transaction(lambda: post(balanced_draft.pk))
    adding, adder = start_concurrently([raw_insert])
    waiting = wait_for_lock_waiters(1)
    release.set()
    join_threads([poster, *adder])
    assert waiting >= 1
    assert isinstance(posting[0], Transaction)
    assert isinstance(adding[0], IntegrityError)
    assert Entry.objects.filter(transaction_id=balanced_draft.pk).count() == 2
