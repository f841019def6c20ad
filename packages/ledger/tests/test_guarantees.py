"""The database itself refuses what the ORM guards refuse: raw SQL against the guarantees declared in
the models' ``Meta.guarantees`` (installed by migration 0002).

Each test runs on SQLite, PostgreSQL and MariaDB/MySQL. ``test_without_the_guarantees_...`` shows the refusals
come from the guarantees: with migration 0002 unapplied, the same raw SQL goes through.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from django_basemodels.guarantees import guarantee_problems, guarantee_statuses, guarantees_of
from django_basemodels.testing import (
    assert_migration_replaces_former_triggers,
    assert_write_paths_refused,
    trigger_names,
)
from django_ledger import EntrySpec
from django_ledger.guarantees import signed_units
from django_ledger.models import Account, ClosingBalance, Entry, Transaction
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


def insert_draft_of_0001(description):
    """A draft written with the columns migration 0001 creates: the model's later columns are not there yet."""
    draft = Transaction(description=description)
    run_sql(
        "INSERT INTO django_ledger_transaction (id, description, metadata, created_at, reason) "
        "VALUES (%s, %s, %s, %s, '')",
        [db_id(draft.pk), description, "{}", db_time(timezone.now())],
    )
    return draft


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


@pytest.fixture
def unbalanced_draft(cash, sales):
    draft = Transaction.objects.create(description="Unbalanced", effective_at=timezone.now())
    insert_entry(draft, cash, "100", "debit")
    insert_entry(draft, sales, "99", "credit")
    return draft


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


def test_a_raw_insert_in_the_account_currency_spelled_in_another_case_is_refused(draft, cash):
    """``usd`` is not ``USD`` on any database: the currency columns compare byte by byte on MariaDB/MySQL too."""
    refused_by_database(insert_entry, draft, cash, "1", "debit", currency="usd")
    assert not Entry.objects.exists()


def test_a_raw_insert_of_a_side_spelled_in_another_case_is_refused(draft, cash):
    """The CHECK on the side compares byte by byte on every database: ``DEBIT`` is not a side."""
    refused_by_database(insert_entry, draft, cash, "1", "DEBIT")
    assert not Entry.objects.exists()


def test_a_raw_change_of_an_account_type_to_another_case_is_refused(cash):
    refused_by_database(run_sql, "UPDATE django_ledger_account SET account_type = 'ASSET'")
    assert Account.objects.get(pk=cash.pk).account_type == "asset"


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


def test_the_orm_raises_typed_errors_before_the_database_would(sale, cash, sales):
    """The typed refusals of the Python layer come first; the guarantees are the backstop."""
    from django_ledger import ImmutableEntryError, ImmutableTransactionError, UnbalancedTransactionError

    with pytest.raises(ImmutableEntryError):
        Entry.objects.filter(transaction=sale).update(amount=Decimal("1"))
    with pytest.raises(ImmutableTransactionError):
        Entry.objects.create(transaction=sale, account=cash, amount=Decimal("1"), entry_type="debit")
    with pytest.raises(UnbalancedTransactionError):
        post_transaction(entries=[EntrySpec.debit(cash, 2), EntrySpec.credit(sales, 1)], description="x")


# -- Every raw write path, per guarded model and state ------------------------------------------


def test_every_raw_write_path_of_a_posted_transaction_is_refused(sale):
    refused = assert_write_paths_refused(
        sale, changes={"description": "edited"}, match="the transaction is posted|inserted as a draft"
    )
    assert all(isinstance(write.error, IntegrityError) for write in refused)
    assert Transaction.objects.get(pk=sale.pk).description == "Cash sale"


def test_every_raw_write_path_that_unposts_a_posted_transaction_is_refused(sale):
    assert_write_paths_refused(sale, changes={"posted_at": None}, match="the transaction is posted")


def test_every_raw_write_path_that_posts_an_unbalanced_draft_is_refused(unbalanced_draft):
    assert_write_paths_refused(
        unbalanced_draft,
        changes={"posted_at": timezone.now()},
        delete=False,  # a draft may be deleted
        match="does not balance|inserted as a draft",
    )
    assert Transaction.objects.get(pk=unbalanced_draft.pk).posted_at is None


def test_every_raw_write_path_of_an_entry_of_a_posted_transaction_is_refused(sale):
    entry = sale.entries.first()
    assert_write_paths_refused(
        entry,
        changes={"amount": Decimal("1")},
        match="belongs to (a )?posted transaction|is posted: no entry can be added",
    )


def test_every_raw_write_path_that_restamps_a_posted_entry_is_refused(sale):
    entry = sale.entries.first()
    assert_write_paths_refused(
        entry,
        changes={"recorded_at": timezone.now()},
        match="belongs to (a )?posted transaction|is posted: no entry can be added",
    )


def test_every_raw_write_path_that_puts_a_draft_entry_in_another_currency_is_refused(draft, cash):
    entry = Entry.objects.create(transaction=draft, account=cash, amount=Decimal("1"), entry_type="debit")
    assert_write_paths_refused(entry, changes={"currency": "EUR"}, delete=False, match="currency of an entry")


def test_every_raw_write_path_that_moves_a_draft_entry_into_a_posted_transaction_is_refused(draft, sale, cash):
    entry = Entry.objects.create(transaction=draft, account=cash, amount=Decimal("1"), entry_type="debit")
    assert_write_paths_refused(
        entry,
        changes={"transaction_id": sale.pk},
        delete=False,
        match="is posted: no entry can be added",
    )


def test_every_raw_write_path_that_changes_an_account_currency_is_refused(cash):
    assert_write_paths_refused(
        cash, changes={"currency": "EUR"}, delete=False, match="the currency of an account is fixed"
    )


def test_every_raw_write_path_that_changes_the_type_of_an_account_with_entries_is_refused(sale, cash):
    assert_write_paths_refused(
        cash, changes={"account_type": "expense"}, delete=False, match="has entries: its type is fixed"
    )


# -- The posting's stamping ------------------------------------------------------------------------

STAMPING_TRIGGER = "django_ledger_transaction_posting_stamps_entries_update"


def stamp(units: str | None = None) -> str:
    """The raw UPDATE of a posting's stamping: the transaction's times, and ``units`` as posted_units (by
    default the entry's own, as the posting writes them)."""
    return (
        "UPDATE django_ledger_entry SET recorded_at = (SELECT posted_at FROM django_ledger_transaction t "
        "WHERE t.id = transaction_id), effective_at = (SELECT effective_at FROM django_ledger_transaction t "
        f"WHERE t.id = transaction_id), posted_units = {units or signed_units(connection.vendor)}"
    )


def test_a_raw_stamping_of_an_entry_of_a_draft_is_refused(draft, cash):
    insert_entry(draft, cash, "1", "debit")
    caught = refused_by_database(run_sql, "UPDATE django_ledger_entry SET recorded_at = %s", [db_time(timezone.now())])
    assert "recorded when its transaction is posted" in str(caught)


@pytest.fixture
def posted_unstamped(cash, sales):
    """A posted transaction whose entries are not stamped: the posting's stamping trigger dropped meanwhile,
    in a savepoint the test rolls back (raising ``_Undo``)."""
    if connection.vendor == "mysql":
        pytest.skip("drops a trigger inside the test's transaction: MariaDB/MySQL commits DDL at once")
    draft = Transaction.objects.create(description="Draft", effective_at=timezone.now())
    insert_entry(draft, cash, "100", "debit")
    insert_entry(draft, sales, "100", "credit")
    with pytest.raises(_Undo), transaction.atomic():
        on_table = " ON django_ledger_transaction" if connection.vendor == "postgresql" else ""
        run_sql(f"DROP TRIGGER {STAMPING_TRIGGER}{on_table}")
        post_raw(draft)
        assert not Entry.objects.filter(recorded_at__isnull=False).exists()
        yield draft
        raise _Undo
    assert guarantee_problems() == []


@pytest.mark.parametrize("other_change", ["amount = 1", "source_id = 'x'", "currency = 'EUR'"])
def test_a_raw_update_like_a_stamping_that_changes_another_column_is_refused(posted_unstamped, other_change):
    caught = refused_by_database(run_sql, f"{stamp()}, {other_change}")
    assert re.search("belongs to (a )?posted transaction", str(caught))


def test_a_raw_stamping_that_differs_from_the_transaction_times_is_refused(posted_unstamped):
    posted = Transaction.objects.get(pk=posted_unstamped.pk)
    later = db_time(posted.posted_at + timedelta(seconds=1))
    for assignments, params in (
        ("recorded_at = %s, effective_at = %s", [later, db_time(posted.effective_at)]),
        ("recorded_at = %s, effective_at = %s", [db_time(posted.posted_at), later]),
    ):
        caught = refused_by_database(run_sql, f"UPDATE django_ledger_entry SET {assignments}", params)
        assert re.search("belongs to (a )?posted transaction", str(caught))
    assert not Entry.objects.filter(recorded_at__isnull=False).exists()


@pytest.mark.parametrize("units", ["zero", "one", "the other sign", "unsigned"])
def test_a_raw_stamping_with_other_posted_units_is_refused(posted_unstamped, units):
    sql = {"zero": "0", "one": "1", "the other sign": f"-{signed_units(connection.vendor)}"}
    sql["unsigned"] = "amount * 10000"
    caught = refused_by_database(run_sql, stamp(sql[units]))
    assert re.search("belongs to (a )?posted transaction", str(caught))
    assert set(Entry.objects.values_list("recorded_at", "posted_units")) == {(None, 0)}


def test_the_raw_stamping_with_the_transaction_times_goes_through(posted_unstamped):
    assert run_sql(stamp()) == 2
    posted = Transaction.objects.get(pk=posted_unstamped.pk)
    assert set(Entry.objects.values_list("recorded_at", "effective_at")) == {(posted.posted_at, posted.effective_at)}
    assert sorted(Entry.objects.values_list("entry_type", "posted_units")) == [
        ("credit", -1_000_000),
        ("debit", 1_000_000),
    ]


def test_posting_writes_each_entry_s_signed_ten_thousandths(cash, sales):
    draft = Transaction.objects.create(description="Raw", effective_at=timezone.now())
    insert_entry(draft, cash, "12.3456", "debit")
    insert_entry(draft, sales, "12.3456", "credit")
    assert set(Entry.objects.values_list("posted_units", flat=True)) == {0}
    post_raw(draft)
    assert sorted(Entry.objects.values_list("entry_type", "posted_units")) == [("credit", -123_456), ("debit", 123_456)]
    sale = post_transaction(
        entries=[EntrySpec.debit(cash, Decimal("0.1")), EntrySpec.credit(sales, Decimal("0.1"))], description="ORM"
    )
    assert sorted(sale.entries.values_list("entry_type", "posted_units")) == [("credit", -1000), ("debit", 1000)]
    assert {entry.posted_units for entry in sale.entries.all()} == {1000, -1000}


def test_an_entry_of_a_draft_has_no_posted_units(draft, cash):
    caught = refused_by_database(
        run_sql,
        f"INSERT INTO django_ledger_entry ({ENTRY_COLUMNS}, posted_units) "
        "VALUES (%s, %s, %s, 'debit', 1, %s, NULL, NULL, NULL, NULL, '', 10000)",
        [db_id(uuid.uuid4()), db_id(draft.pk), db_id(cash.pk), cash.currency],
    )
    assert "recorded when its transaction is posted" in str(caught)
    insert_entry(draft, cash, "1", "debit")
    caught = refused_by_database(run_sql, "UPDATE django_ledger_entry SET posted_units = 10000")
    assert "recorded when its transaction is posted" in str(caught)
    assert set(Entry.objects.values_list("posted_units", flat=True)) == {0}


# -- What stays allowed ---------------------------------------------------------------------------


def test_a_draft_and_its_entries_are_edited_and_deleted_in_raw_sql(draft, cash):
    insert_entry(draft, cash, "1", "debit")
    assert run_sql("UPDATE django_ledger_transaction SET description = 'renamed'") == 1
    assert run_sql("UPDATE django_ledger_entry SET entry_type = 'credit'") == 1
    assert run_sql("DELETE FROM django_ledger_entry") == 1
    assert run_sql("DELETE FROM django_ledger_transaction") == 1


def test_an_account_name_and_parent_change_in_raw_sql(sale, cash, receivables):
    run_sql(
        "UPDATE django_ledger_account SET name = 'Till', parent_id = %s WHERE id = %s",
        [db_id(receivables.pk), db_id(cash.pk)],
    )
    cash.refresh_from_db()
    assert (cash.name, cash.parent_id) == ("Till", receivables.pk)


def test_posting_through_the_orm_stamps_the_entries_past_their_guards(cash, sales):
    draft = Transaction.objects.create(description="Draft")
    Entry.objects.create(transaction=draft, account=cash, amount=Decimal("7"), entry_type="debit")
    Entry.objects.create(transaction=draft, account=sales, amount=Decimal("7"), entry_type="credit")
    draft.posted_at = timezone.now()
    draft.save()
    draft.refresh_from_db()
    assert set(Entry.objects.values_list("recorded_at", "effective_at")) == {(draft.posted_at, draft.effective_at)}


# -- Replaying a posted transaction as a draft ------------------------------------------------------


REWRITES = {
    # How each vendor writes a row again by key: the replacing insert, and the insert that updates on conflict.
    "sqlite": {"replace": "INSERT OR REPLACE INTO {table} ({columns}) VALUES ({marks})", "upsert": None},
    "postgresql": {"replace": None, "upsert": None},
    "mysql": {
        "replace": "REPLACE INTO {table} ({columns}) VALUES ({marks})",
        "upsert": "INSERT INTO {table} ({columns}) VALUES ({marks}) ON DUPLICATE KEY UPDATE {assignments}",
    },
}
ON_CONFLICT = "INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT (id) DO UPDATE SET {assignments}"


def _write_again(table: str, columns: str, marks: str, params: list, upsert: list[str], how: str) -> None:
    """Write a row again by key. ``how="replace"``: ``INSERT OR REPLACE`` on SQLite (which deletes the
    stored row without firing its delete triggers), ``REPLACE`` on MariaDB/MySQL; ``how="upsert"``:
    ``INSERT ... ON CONFLICT (id) DO UPDATE`` on SQLite and PostgreSQL, ``INSERT ... ON DUPLICATE KEY
    UPDATE`` on MariaDB/MySQL."""
    statement = REWRITES[connection.vendor][how] or ON_CONFLICT
    if connection.vendor == "mysql":
        assignments = ", ".join(f"{column} = VALUES({column})" for column in upsert)
    else:
        assignments = ", ".join(f"{column} = excluded.{column}" for column in upsert)
    run_sql(statement.format(table=table, columns=columns, marks=marks, assignments=assignments), params)


def write_again_as_draft(txn, how):
    _write_again(
        "django_ledger_transaction",
        "id, description, metadata, effective_at, posted_at, created_at, reverses_id, reason",
        "%s, %s, '{}', %s, NULL, %s, NULL, ''",
        [db_id(txn.pk), txn.description, db_time(txn.effective_at), db_time(txn.created_at)],
        upsert=["posted_at"],
        how=how,
    )


def rewrite_entries(txn, amount, how):
    for entry in list(Entry.objects.filter(transaction_id=txn.pk)):
        _write_again(
            "django_ledger_entry",
            ENTRY_COLUMNS,
            "%s, %s, %s, %s, %s, %s, %s, NULL, NULL, NULL, ''",
            [
                db_id(entry.pk),
                db_id(txn.pk),
                db_id(entry.account_id),
                entry.entry_type,
                Decimal(amount),
                entry.currency,
                db_time(txn.effective_at),
            ],
            upsert=["amount", "recorded_at"],
            how=how,
        )


def replay_with_other_amounts(txn, amount, how="replace"):
    """Write the posted transaction again as a draft, rewrite its entries with ``amount``, post it again."""
    write_again_as_draft(txn, how)
    rewrite_entries(txn, amount, how)
    post_raw(txn)


# SQLite: the REPLACE guard refuses the first insert that meets the posted row's key (whatever the insert
# would do next). PostgreSQL and MariaDB/MySQL: the upsert's UPDATE, as any update of a posted row; on
# MariaDB/MySQL a REPLACE deletes the posted row first, which its delete guarantee refuses.
REPLAY_REFUSED = {
    "sqlite": "never replaced",
    "postgresql": "the transaction is posted",
    "mysql": "the transaction is posted",
}


@pytest.mark.parametrize("how", ["replace", "upsert"])
def test_a_posted_transaction_is_never_replayed_as_a_draft_with_other_amounts(how, sale, cash, sales):
    if how == "replace" and connection.vendor == "postgresql":
        pytest.skip("PostgreSQL has no replacing insert")
    with pytest.raises(IntegrityError, match=REPLAY_REFUSED[connection.vendor]), transaction.atomic():
        replay_with_other_amounts(sale, "1", how)

    stored = Transaction.objects.get(pk=sale.pk)
    assert stored.posted_at == sale.posted_at
    assert set(Entry.objects.values_list("amount", "recorded_at")) == {(Decimal("100"), sale.posted_at)}
    assert get_balance(cash) == Money("100", "USD")
    assert get_balance(sales) == Money("100", "USD")


@pytest.mark.parametrize("how", ["replace", "upsert"])
def test_the_entries_of_a_posted_transaction_are_never_written_again_by_key(how, sale):
    if how == "replace" and connection.vendor == "postgresql":
        pytest.skip("PostgreSQL has no replacing insert")
    refused = r"never replaced|is posted: no entry can be added|belongs to (a )?posted transaction"
    with pytest.raises(IntegrityError, match=refused), transaction.atomic():
        rewrite_entries(sale, "1", how)
    assert set(Entry.objects.values_list("amount", flat=True)) == {Decimal("100")}


class _Undo(Exception):
    """Rolls back the savepoint of a test that removes a guard on purpose."""


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="INSERT OR REPLACE is SQLite's")
def test_on_sqlite_the_replace_guards_are_what_stops_the_replay(sale, cash):
    """Without ``<table>_no_replace`` (as with the former triggers) the replay goes through: REPLACE
    deletes the posted rows without firing a delete trigger, and the rewritten draft balances."""
    with pytest.raises(_Undo), transaction.atomic():
        run_sql("DROP TRIGGER django_ledger_transaction_no_replace")
        run_sql("DROP TRIGGER django_ledger_entry_no_replace")
        replay_with_other_amounts(sale, "1")
        assert get_balance(cash) == Money("1", "USD")
        assert Transaction.objects.get(pk=sale.pk).posted_at != sale.posted_at
        raise _Undo

    assert guarantee_problems() == []
    assert get_balance(cash) == Money("100", "USD")


# -- Declared, installed, migrated --------------------------------------------------------------

LEDGER_TABLES = (
    "django_ledger_transaction",
    "django_ledger_entry",
    "django_ledger_account",
    "django_ledger_closingbalance",
)


def names(model) -> list[str]:
    return [guarantee.name for guarantee in guarantees_of(model)]


def test_each_model_declares_its_guarantees():
    assert names(Transaction) == ["inserted_as_draft", "posted_is_final", "balanced_to_post", "posting_stamps_entries"]
    assert names(Entry) == ["added_to_a_draft", "posted_is_final", "posted_is_undeletable"]
    assert names(Account) == ["currency_is_fixed", "type_fixed_once_used", "closed_through_moves_forward"]
    assert names(ClosingBalance) == ["append_only", "matches_the_entries"]


def test_every_declared_guarantee_is_installed_after_all_migrations(db):
    assert guarantee_problems() == []
    declared = {status.trigger for status in guarantee_statuses() if status.table in LEDGER_TABLES}
    assert trigger_names(*LEDGER_TABLES) == declared  # no other trigger on the ledger's tables
    call_command("check", databases=["default"])  # django_basemodels.E010/E011 would raise


@pytest.mark.django_db(transaction=True)
def test_without_the_guarantees_the_database_accepts_an_unbalanced_raw_posting():
    cash = open_account(code="1000", name="Cash", account_type="asset", currency="USD")
    sales = open_account(code="4000", name="Sales", account_type="revenue", currency="USD")
    call_command("migrate", "django_ledger", "0001", verbosity=0)
    try:
        assert trigger_names(*LEDGER_TABLES) == set()
        draft = insert_draft_of_0001("Unbalanced")
        insert_entry(draft, cash, "100", "debit")
        insert_entry(draft, sales, "1", "credit")
        post_raw(draft)  # nothing refuses it
        # Not even stamped: nothing posts the entries either (get_balance reads closing balances, of 0006).
        assert not Entry.objects.filter(account_id=cash.pk, recorded_at__isnull=False).exists()
        run_sql("DELETE FROM django_ledger_entry")
        run_sql("DELETE FROM django_ledger_transaction")
    finally:
        call_command("migrate", "django_ledger", verbosity=0)
    assert guarantee_problems() == []
    draft = Transaction.objects.create(description="Unbalanced again")
    insert_entry(draft, cash, "100", "debit")
    insert_entry(draft, sales, "1", "credit")
    refused_by_database(post_raw, draft)


@pytest.mark.django_db(transaction=True)
def test_migration_0002_drops_the_triggers_of_the_former_trigger_migration():
    assert_migration_replaces_former_triggers(
        "django_ledger",
        before="0001",
        table="django_ledger_entry",
        # The former names: the PostgreSQL trigger and function, and the SQLite triggers.
        triggers=["django_ledger_entry_guard", "django_ledger_entry_insert", "django_ledger_entry_update"],
        functions=["django_ledger_entry_guard"],
    )
