"""The idempotency key is stored on the transaction it wrote: a retry after the key row is purged replays it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_decisioning import IdempotencyConflictError
from django_decisioning.models import Decision, IdempotencyKey
from django_ledger import (
    EntrySpec,
    InvalidTransactionError,
    post_entry,
    post_transaction,
    reverse_entry,
    reverse_transaction,
)
from django_ledger.models import Entry, Transaction
from django_ledger.services import POST_SCOPE, REVERSE_ENTRY_SCOPE, REVERSE_TRANSACTION_SCOPE

pytestmark = pytest.mark.django_db


def expire_and_purge_keys() -> None:
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    call_command("purge_idempotency_keys", verbosity=0)
    assert not IdempotencyKey.objects.exists()


def test_a_posting_retried_after_its_key_expired_returns_the_original(cash, sales, clerk):
    def post():
        return post_transaction(
            entries=[EntrySpec.debit(cash, Decimal("9")), EntrySpec.credit(sales, Decimal("9"))],
            description="Sale",
            by=clerk,
            idempotency_key="sale-1",
        )

    first = post()
    expire_and_purge_keys()
    second = post()
    assert second == first
    assert (Transaction.objects.count(), Entry.objects.count(), Decision.objects.count()) == (1, 2, 1)
    stored = Transaction.objects.get()
    assert (stored.idempotency_scope, stored.idempotency_key) == (POST_SCOPE, "sale-1")


def test_post_entry_retried_after_its_key_expired_returns_the_original(cash, sales):
    def post():
        return post_entry(debit=cash, credit=sales, amount=Decimal("9"), description="Sale", idempotency_key="k")

    first = post()
    expire_and_purge_keys()
    assert post() == first
    assert Transaction.objects.count() == 1


def test_a_reversal_retried_after_its_key_expired_returns_the_original(sale, accountant):
    first = reverse_transaction(sale, reason="Returned", by=accountant, idempotency_key="undo-1")
    expire_and_purge_keys()
    second = reverse_transaction(sale, reason="Returned", by=accountant, idempotency_key="undo-1")
    assert second == first and second.reverses == sale
    assert (Transaction.objects.count(), Decision.objects.count()) == (2, 1)
    assert (first.idempotency_scope, first.idempotency_key) == (REVERSE_TRANSACTION_SCOPE, "undo-1")


def test_an_entry_reversal_retried_after_its_key_expired_returns_the_original(split_sale, cash, receivables):
    original = split_sale.entries.get(account=receivables)
    first = reverse_entry(original, reason="Paid", offset_account=cash, idempotency_key="undo-entry")
    expire_and_purge_keys()
    second = reverse_entry(original, reason="Paid", offset_account=cash, idempotency_key="undo-entry")
    assert second == first and second.reverses == original
    assert Transaction.objects.count() == 2
    assert (first.transaction.idempotency_scope, first.transaction.idempotency_key) == (
        REVERSE_ENTRY_SCOPE,
        "undo-entry",
    )


def test_an_entry_reversal_key_reused_for_another_entry_after_expiry_is_refused(split_sale, cash, receivables, sales):
    reverse_entry(split_sale.entries.get(account=receivables), reason="Paid", offset_account=cash, idempotency_key="k")
    expire_and_purge_keys()
    with pytest.raises(IdempotencyConflictError):
        reverse_entry(split_sale.entries.get(account=sales), reason="Wrong", offset_account=cash, idempotency_key="k")
    assert Transaction.objects.count() == 2


def test_one_key_given_to_two_services_is_two_keys(sale, cash, sales):
    posted = post_entry(debit=cash, credit=sales, amount=1, description="Sale", idempotency_key="same")
    reversal = reverse_transaction(sale, reason="Returned", idempotency_key="same")
    assert posted != reversal
    assert Transaction.objects.filter(idempotency_key="same").count() == 2


def test_the_database_refuses_a_second_transaction_with_the_same_key(cash, sales):
    post_entry(debit=cash, credit=sales, amount=1, description="Sale", idempotency_key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Transaction.objects.create(description="Around the service", idempotency_scope=POST_SCOPE, idempotency_key="k")
    # Another scope, or no key at all, is not a duplicate.
    Transaction.objects.create(description="Draft", idempotency_scope=REVERSE_TRANSACTION_SCOPE, idempotency_key="k")
    Transaction.objects.create(description="Draft without key")
    Transaction.objects.create(description="Another draft without key")


def test_keys_differing_only_in_case_are_two_keys(cash, sales):
    post_entry(debit=cash, credit=sales, amount=1, description="Sale", idempotency_key="k")
    post_entry(debit=cash, credit=sales, amount=1, description="Sale", idempotency_key="K")
    assert Transaction.objects.count() == 2


@pytest.mark.parametrize("fields", [{"idempotency_key": "k"}, {"idempotency_scope": POST_SCOPE}])
def test_a_key_without_its_scope_or_a_scope_without_a_key_is_refused(fields):
    with pytest.raises(InvalidTransactionError, match="set together"):
        Transaction.objects.create(description="Draft", **fields)


def test_the_key_is_written_by_the_insert_of_the_draft_not_by_an_update(cash, sales):
    table = Transaction._meta.db_table
    with CaptureQueriesContext(connection) as captured:
        post_entry(debit=cash, credit=sales, amount=1, description="Sale", idempotency_key="k")
    statements = [part for query in captured.captured_queries for part in query["sql"].split(";\n")]
    writes = [sql for sql in statements if table in sql]
    inserts = [sql for sql in writes if sql.startswith("INSERT")]
    updates = [sql for sql in writes if sql.startswith("UPDATE")]
    assert len(inserts) == 1 and "idempotency_key" in inserts[0]
    assert len(updates) == 1 and "idempotency" not in updates[0]  # the posting: posted_at only
