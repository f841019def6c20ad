"""The database itself refuses what the ORM guards refuse: raw SQL against the triggers of migration 0002.

Each test runs on SQLite and on PostgreSQL. ``test_without_the_trigger_migration_...`` shows the
refusals come from that migration: with it unapplied, the same raw SQL goes through.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from django_basemodels.testing import trigger_names
from django_ledger import EntrySpec
from django_ledger.models import Entry, Transaction
from django_ledger.selectors import get_balance
from django_ledger.services import open_account, post_transaction
from django_money import Money
from tests.conftest import run_sql

pytestmark = pytest.mark.django_db

ENTRY_COLUMNS = (
    "id, transaction_id, account_id, entry_type, amount, currency, effective_at, recorded_at, reverses_id, "
    "source_type_id, source_id"
)


def db_id(value):
    """A primary key as the database stores it (32 hex digits on SQLite, a uuid on PostgreSQL)."""
    return Entry._meta.pk.get_db_prep_value(value, connection)


def db_time(value):
    return connection.ops.adapt_datetimefield_value(value)


def insert_entry(txn, account, amount, entry_type, *, currency=None, recorded_at=None, reverses=None):
    run_sql(
        f"INSERT INTO django_ledger_entry ({ENTRY_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, NULL, '')",
        [
            db_id(uuid.uuid4()),
            db_id(txn.pk),
            db_id(account.pk),
            entry_type,
            Decimal(amount),
            currency or account.currency,
            db_time(txn.effective_at or timezone.now()),
            db_time(recorded_at) if recorded_at else None,
            db_id(reverses.pk) if reverses else None,
        ],
    )


def post_raw(txn):
    now = timezone.now()
    run_sql(
        "UPDATE django_ledger_transaction SET posted_at = %s, effective_at = %s WHERE id = %s",
        [db_time(now), db_time(now), db_id(txn.pk)],
    )


def refused_by_database(action, *args, **kwargs) -> IntegrityError:
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        action(*args, **kwargs)
    assert "django_ledger" in str(caught.value) or "CHECK" in str(caught.value).upper()
    return caught.value


@pytest.fixture
def draft(db):
    return Transaction.objects.create(description="Draft")


def test_a_raw_update_of_a_posted_entry_is_refused(sale):
    refused_by_database(run_sql, "UPDATE django_ledger_entry SET amount = 1")
    assert set(Entry.objects.values_list("amount", flat=True)) == {Decimal("100")}


def test_a_raw_update_that_changes_nothing_is_refused_too(sale):
    refused_by_database(run_sql, "UPDATE django_ledger_entry SET amount = amount")


def test_a_raw_delete_of_a_posted_entry_is_refused(sale):
    refused_by_database(run_sql, "DELETE FROM django_ledger_entry")
    assert Entry.objects.count() == 2


def test_a_late_raw_insert_into_a_posted_transaction_is_refused(sale, cash, sales):
    refused_by_database(insert_entry, sale, cash, "5", "debit")
    refused_by_database(insert_entry, sale, sales, "5", "credit")
    assert sale.entries.count() == 2


def test_a_raw_update_of_a_posted_transaction_is_refused(sale):
    refused_by_database(run_sql, "UPDATE django_ledger_transaction SET description = 'edited'")


def test_a_raw_unposting_is_refused(sale):
    refused_by_database(run_sql, "UPDATE django_ledger_transaction SET posted_at = NULL")


def test_a_raw_delete_of_a_posted_transaction_is_refused(sale):
    refused_by_database(run_sql, "DELETE FROM django_ledger_transaction")


def test_a_raw_posting_of_an_unbalanced_draft_is_refused(draft, cash, sales):
    insert_entry(draft, cash, "100", "debit")
    insert_entry(draft, sales, "99", "credit")
    refused_by_database(post_raw, draft)
    assert Transaction.objects.get(pk=draft.pk).posted_at is None


def test_a_raw_posting_balanced_across_currencies_but_not_in_each_is_refused(draft, cash, euro_sales):
    insert_entry(draft, cash, "10", "debit")
    insert_entry(draft, euro_sales, "10", "credit")
    refused_by_database(post_raw, draft)


def test_a_raw_posting_with_a_single_entry_is_refused(draft, cash):
    insert_entry(draft, cash, "10", "debit")
    refused_by_database(post_raw, draft)


def test_a_raw_posting_of_a_balanced_draft_stamps_its_entries(draft, cash, sales):
    insert_entry(draft, cash, "0.1", "debit")
    insert_entry(draft, cash, "0.2", "debit")
    insert_entry(draft, sales, "0.3", "credit")
    post_raw(draft)
    draft.refresh_from_db()
    assert set(Entry.objects.values_list("recorded_at", flat=True)) == {draft.posted_at}
    assert get_balance(cash) == Money("0.3", "USD")


def test_a_raw_insert_of_a_transaction_already_posted_is_refused(db):
    now = db_time(timezone.now())
    refused_by_database(
        run_sql,
        "INSERT INTO django_ledger_transaction (id, description, metadata, effective_at, posted_at, created_at, "
        "reverses_id, reason) VALUES (%s, 'shortcut', '{}', %s, %s, %s, NULL, '')",
        [db_id(uuid.uuid4()), now, now, now],
    )


def test_a_raw_insert_of_a_draft_entry_marked_recorded_is_refused(draft, cash):
    refused_by_database(insert_entry, draft, cash, "1", "debit", recorded_at=timezone.now())


def test_a_raw_insert_in_another_currency_than_the_account_is_refused(draft, cash):
    refused_by_database(insert_entry, draft, cash, "1", "debit", currency="EUR")


def test_a_raw_insert_of_a_zero_amount_is_refused(draft, cash):
    refused_by_database(insert_entry, draft, cash, "0", "debit")


def test_a_raw_insert_of_an_unknown_side_is_refused(draft, cash):
    refused_by_database(insert_entry, draft, cash, "1", "both")


def test_a_raw_update_of_a_draft_entry_is_allowed(draft, cash):
    insert_entry(draft, cash, "1", "debit")
    assert run_sql("UPDATE django_ledger_entry SET amount = 2") == 1


def test_a_raw_update_of_a_draft_entry_to_another_currency_is_refused(draft, cash):
    insert_entry(draft, cash, "1", "debit")
    refused_by_database(run_sql, "UPDATE django_ledger_entry SET currency = 'EUR'")


def test_a_raw_move_of_a_draft_entry_into_a_posted_transaction_is_refused(draft, sale, cash):
    insert_entry(draft, cash, "1", "debit")
    refused_by_database(
        run_sql,
        "UPDATE django_ledger_entry SET transaction_id = %s WHERE transaction_id = %s",
        [db_id(sale.pk), db_id(draft.pk)],
    )


def test_a_raw_reversal_that_does_not_mirror_its_original_is_refused(draft, sale, cash):
    original = sale.entries.get(account=cash)
    refused_by_database(insert_entry, draft, cash, "99", "credit", reverses=original)
    refused_by_database(insert_entry, draft, cash, "100", "debit", reverses=original)


def test_a_second_raw_reversal_of_one_entry_is_refused(draft, sale, cash):
    original = sale.entries.get(account=cash)
    insert_entry(draft, cash, "100", "credit", reverses=original)
    other = Transaction.objects.create(description="Second")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_entry(other, cash, "100", "credit", reverses=original)


def test_a_raw_change_of_an_account_currency_is_refused(cash):
    refused_by_database(run_sql, "UPDATE django_ledger_account SET currency = 'EUR'")


def test_a_raw_change_of_the_type_of_an_account_with_entries_is_refused(sale, cash):
    refused_by_database(
        run_sql, "UPDATE django_ledger_account SET account_type = 'expense' WHERE id = %s", [db_id(cash.pk)]
    )


def test_a_raw_change_of_the_type_of_an_account_without_entries_is_allowed(cash):
    assert run_sql("UPDATE django_ledger_account SET account_type = 'expense'") == 1


def test_the_orm_raises_typed_errors_before_the_triggers_would(sale, cash, sales):
    """The typed refusals of the Python layer come first; the triggers are the backstop."""
    from django_ledger import ImmutableEntry, ImmutableTransaction, UnbalancedTransaction

    with pytest.raises(ImmutableEntry):
        Entry.objects.filter(transaction=sale).update(amount=Decimal("1"))
    with pytest.raises(ImmutableTransaction):
        Entry.objects.create(transaction=sale, account=cash, amount=Decimal("1"), entry_type="debit")
    with pytest.raises(UnbalancedTransaction):
        post_transaction(entries=[EntrySpec.debit(cash, 2), EntrySpec.credit(sales, 1)], description="x")


def ledger_triggers() -> set[str]:
    return trigger_names("django_ledger_transaction", "django_ledger_entry", "django_ledger_account")


EXPECTED_TRIGGERS = {
    "postgresql": {
        "django_ledger_transaction_guard",
        "django_ledger_transaction_posted",
        "django_ledger_entry_guard",
        "django_ledger_account_guard",
    },
    "sqlite": {
        "django_ledger_transaction_insert",
        "django_ledger_transaction_update",
        "django_ledger_transaction_delete",
        "django_ledger_transaction_posted",
        "django_ledger_entry_insert",
        "django_ledger_entry_update",
        "django_ledger_entry_delete",
        "django_ledger_account_update",
    },
}


def test_every_trigger_exists_after_all_migrations(db):
    assert ledger_triggers() == EXPECTED_TRIGGERS[connection.vendor]


@pytest.mark.django_db(transaction=True)
def test_without_the_trigger_migration_the_database_accepts_an_unbalanced_raw_posting():
    cash = open_account(code="1000", name="Cash", account_type="asset", currency="USD")
    sales = open_account(code="4000", name="Sales", account_type="revenue", currency="USD")
    call_command("migrate", "django_ledger", "0001", verbosity=0)
    try:
        assert ledger_triggers() == set()
        draft = Transaction.objects.create(description="Unbalanced")
        insert_entry(draft, cash, "100", "debit")
        insert_entry(draft, sales, "1", "credit")
        post_raw(draft)  # nothing refuses it
        assert get_balance(cash) == Money("0", "USD")  # not even stamped: no posting trigger either
        run_sql("DELETE FROM django_ledger_entry")
        run_sql("DELETE FROM django_ledger_transaction")
    finally:
        call_command("migrate", "django_ledger", verbosity=0)
    assert ledger_triggers() == EXPECTED_TRIGGERS[connection.vendor]
    draft = Transaction.objects.create(description="Unbalanced again")
    insert_entry(draft, cash, "100", "debit")
    insert_entry(draft, sales, "1", "credit")
    refused_by_database(post_raw, draft)
