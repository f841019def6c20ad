"""Many organizations in one database: two organizations with the same account codes, each seeing its own ledger.

An organization is a saved ``auth.Group`` here (any model would do) or a caller's string key. Account
codes are unique per organization; the trial balance takes ``org=``; a balance is per account; a
transaction never mixes the accounts of two organizations.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from django_basemodels import ANY_ORG, org_key
from django_basemodels.guarantees import guarantee_problems, guarantee_statuses
from django_basemodels.tenancy import per_database_natural_keys
from django_basemodels.testing import trigger_names
from django_decisioning.models import Decision
from django_ledger import (
    CrossOrgTransactionError,
    EntrySpec,
    InvalidAccountError,
    InvalidTransactionError,
    LedgerError,
    balances,
    get_balance,
    open_account,
    post_entry,
    post_transaction,
    reverse_entry,
    reverse_transaction,
    trial_balance,
)
from django_ledger.models import Account, Entry, Transaction
from django_money import Money
from tests.conftest import ledger_row_counts, run_sql

pytestmark = pytest.mark.django_db


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def chart(org) -> tuple[Account, Account]:
    """Cash "1010" and sales "4000" of ``org``."""
    cash = open_account(code="1010", name="Cash", account_type="asset", currency="USD", org=org)
    sales = open_account(code="4000", name="Sales", account_type="revenue", currency="USD", org=org)
    return cash, sales


@pytest.fixture
def clinic_a(db) -> Group:
    return Group.objects.create(name="Clinic A")


@pytest.fixture
def clinic_b(db) -> Group:
    return Group.objects.create(name="Clinic B")


@pytest.fixture
def ledgers(clinic_a, clinic_b):
    """Both organizations' charts, a sale of 100 in A and one of 7 in B."""
    a_cash, a_sales = chart(clinic_a)
    b_cash, b_sales = chart(clinic_b)
    post_entry(debit=a_cash, credit=a_sales, amount=Decimal("100"), description="Sale A")
    post_entry(debit=b_cash, credit=b_sales, amount=Decimal("7"), description="Sale B")
    return {"a": (a_cash, a_sales), "b": (b_cash, b_sales)}


# -- The same codes in two organizations ---------------------------------------------------------


def test_two_organizations_open_accounts_of_the_same_codes(clinic_a, clinic_b):
    a_cash, a_sales = chart(clinic_a)
    b_cash, b_sales = chart(clinic_b)
    assert Account.objects.count() == 4
    assert (a_cash.org, b_cash.org) == (clinic_a, clinic_b)
    assert a_cash.org_key == f"auth.group:{clinic_a.pk}"
    assert list(Account.objects.for_org(clinic_a)) == [a_cash, a_sales]
    assert list(Account.objects.for_org(clinic_b)) == [b_cash, b_sales]


def test_a_lookup_by_code_in_one_organization_never_returns_the_other_s_account(ledgers, clinic_a, clinic_b):
    (a_cash, _), (b_cash, _) = ledgers["a"], ledgers["b"]
    assert Account.objects.for_org(clinic_a).get(code="1010") == a_cash
    assert Account.objects.for_org(clinic_b).get(code="1010") == b_cash
    assert not Account.objects.for_org(None).filter(code="1010").exists()
    assert Account.objects.for_org(ANY_ORG).filter(code="1010").count() == 2


def test_a_string_key_is_an_organization_too(clinic_a):
    a_cash, _ = chart(clinic_a)
    own_cash, _ = chart("org-a")
    assert own_cash.org == "org-a"
    assert Account.objects.for_org("org-a").get(code="1010") == own_cash
    assert Account.objects.for_org(org_key(clinic_a)).get(code="1010") == a_cash  # the key means the same org


def test_without_organizations_codes_are_unique_as_before(db):
    cash, _ = chart(None)
    assert (cash.org_key, cash.org) == ("", None)
    with pytest.raises(InvalidAccountError, match="exists already"):
        open_account(code="1010", name="Cash again", account_type="asset", currency="USD")
    assert list(Account.objects.for_org(None)) == list(Account.objects.all())


def test_a_code_is_refused_twice_within_one_organization(clinic_a, clinic_b):
    chart(clinic_a)
    with pytest.raises(InvalidAccountError, match="exists already in organization"):
        open_account(code="1010", name="Cash again", account_type="asset", currency="USD", org=clinic_a)
    open_account(code="1010", name="Cash", account_type="asset", currency="USD", org=clinic_b)  # another org
    assert Account.objects.filter(code="1010").count() == 2


@pytest.mark.parametrize("org", ["clinic", None], ids=["one organization", "no organization"])
def test_the_database_refuses_a_duplicate_code_within_one_organization(clinic_a, org):
    org = clinic_a if org == "clinic" else None
    chart(org)
    twin = Account(code="1010", name="Twin", account_type="asset", currency="USD", org=org)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.bulk_create([twin])  # no save(), no check: the constraint refuses it
    assert Account.objects.filter(code="1010").count() == 1


def test_the_database_accepts_the_same_code_in_another_organization(clinic_a, clinic_b):
    chart(clinic_a)
    Account.objects.bulk_create([Account(code="1010", name="Cash", account_type="asset", currency="USD", org=clinic_b)])
    assert Account.objects.filter(code="1010").count() == 2


def test_an_org_that_names_no_organization_is_refused(db):
    with pytest.raises(InvalidAccountError, match="not saved"):
        open_account(code="1010", name="Cash", account_type="asset", currency="USD", org=Group(name="Unsaved"))
    with pytest.raises(InvalidAccountError, match="empty string"):
        open_account(code="1010", name="Cash", account_type="asset", currency="USD", org="")
    assert not Account.objects.exists()


# -- Reports and balances -------------------------------------------------------------------------


def rows(report) -> list[tuple[str, str, Money, Money]]:
    return [(row.account.code, row.account.org_key, row.debits, row.credits) for row in report.rows]


def test_the_trial_balance_of_one_organization_shows_only_its_accounts(
    ledgers, clinic_a, clinic_b, django_assert_num_queries
):
    a, b = org_key(clinic_a), org_key(clinic_b)
    with django_assert_num_queries(1):
        report = trial_balance(org=clinic_a)
    assert rows(report) == [("1010", a, usd("100"), usd("0")), ("4000", a, usd("0"), usd("100"))]
    assert report.totals["USD"].debits == usd("100") and report.is_balanced
    assert rows(trial_balance(org=clinic_b)) == [("1010", b, usd("7"), usd("0")), ("4000", b, usd("0"), usd("7"))]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_the_trial_balance_of_one_organization_reads_only_its_accounts_entries(ledgers, clinic_a):
    """Its accounts first (through the (org_key, code) index), then each one's range of the entries' index:
    never a scan of every organization's entries."""
    with CaptureQueriesContext(connection) as captured:
        trial_balance(org=clinic_a)
    [query] = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
        plan = [detail for *_, detail in cursor.fetchall()]
    entry_reads = [detail for detail in plan if re.search(r"\b(e|django_ledger_entry)\b", detail)]
    assert entry_reads and all(detail.startswith("SEARCH") for detail in entry_reads), plan
    assert any("django_ledger_entry_balance (account_id=?)" in detail for detail in entry_reads), plan


def test_the_trial_balance_covers_every_organization_by_default(ledgers, clinic_a, clinic_b):
    a, b = sorted([org_key(clinic_a), org_key(clinic_b)])
    report = trial_balance()
    assert [(code, key) for code, key, *_ in rows(report)] == [("1010", a), ("1010", b), ("4000", a), ("4000", b)]
    assert report.totals["USD"].debits == usd("107") and report.is_balanced
    assert rows(trial_balance(org=ANY_ORG)) == rows(report)


def test_the_trial_balance_of_no_organization_leaves_the_organizations_out(ledgers):
    assert trial_balance(org=None).rows == []
    cash, sales = chart(None)
    post_entry(debit=cash, credit=sales, amount=Decimal("3"), description="Sale")
    assert rows(trial_balance(org=None)) == [("1010", "", usd("3"), usd("0")), ("4000", "", usd("0"), usd("3"))]


def test_balances_are_per_account_whatever_the_organization(ledgers):
    (a_cash, a_sales), (b_cash, b_sales) = ledgers["a"], ledgers["b"]
    assert (get_balance(a_cash), get_balance(b_cash)) == (usd("100"), usd("7"))
    assert balances([a_cash, b_cash, a_sales, b_sales]) == {
        a_cash: usd("100"),
        b_cash: usd("7"),
        a_sales: usd("100"),
        b_sales: usd("7"),
    }


def test_entries_and_transactions_belong_to_their_accounts_organization(ledgers, clinic_a, clinic_b):
    assert {entry.account.org_key for entry in Entry.objects.for_org(clinic_a)} == {org_key(clinic_a)}
    assert Entry.objects.for_org(clinic_b).count() == 2
    assert not Entry.objects.for_org(None).exists()
    assert Entry.objects.for_org(ANY_ORG).count() == 4
    assert [txn.description for txn in Transaction.objects.for_org(clinic_a)] == ["Sale A"]
    assert [txn.description for txn in Transaction.objects.for_org(org_key(clinic_b))] == ["Sale B"]
    assert not Transaction.objects.for_org(None).exists()
    assert Transaction.objects.for_org(ANY_ORG).count() == 2


# -- One transaction, one organization ------------------------------------------------------------


def test_a_transaction_on_accounts_of_two_organizations_is_refused_before_anything_is_written(ledgers, clerk):
    (a_cash, _), (_, b_sales) = ledgers["a"], ledgers["b"]
    before = ledger_row_counts()
    with pytest.raises(CrossOrgTransactionError) as caught:
        post_transaction(
            entries=[EntrySpec.debit(a_cash, 5), EntrySpec.credit(b_sales, 5)], description="Mixed", by=clerk
        )
    assert caught.value.org_keys == sorted([a_cash.org_key, b_sales.org_key])
    assert isinstance(caught.value, InvalidTransactionError) and isinstance(caught.value, LedgerError)
    assert ledger_row_counts() == before
    assert not Decision.objects.exists()
    assert (get_balance(a_cash), get_balance(b_sales)) == (usd("100"), usd("7"))


def test_post_entry_refuses_two_organizations_too(ledgers):
    (a_cash, _), (_, b_sales) = ledgers["a"], ledgers["b"]
    before = ledger_row_counts()
    with pytest.raises(CrossOrgTransactionError):
        post_entry(debit=a_cash, credit=b_sales, amount=1, description="Mixed", idempotency_key="mixed-1")
    assert ledger_row_counts() == before


def test_an_organization_and_no_organization_do_not_mix_either(ledgers):
    a_cash, _ = ledgers["a"]
    _, sales = chart(None)
    with pytest.raises(CrossOrgTransactionError):
        post_entry(debit=a_cash, credit=sales, amount=1, description="Mixed")
    assert Entry.objects.filter(account=sales).count() == 0


def test_a_reversal_balanced_on_an_account_of_another_organization_is_refused(ledgers, accountant):
    (a_cash, _), (b_cash, _) = ledgers["a"], ledgers["b"]
    entry = Entry.objects.get(account=a_cash)
    before = ledger_row_counts()
    with pytest.raises(CrossOrgTransactionError):
        reverse_entry(entry, reason="Wrong clinic", by=accountant, offset_account=b_cash)
    assert ledger_row_counts() == before
    assert not Decision.objects.exists()


def test_reversals_stay_within_their_organization(ledgers, accountant, clinic_a):
    (a_cash, a_sales), (b_cash, _) = ledgers["a"], ledgers["b"]
    reversal = reverse_transaction(Transaction.objects.get(description="Sale A"), reason="Void", by=accountant)
    assert {entry.account.org_key for entry in reversal.entries.all()} == {org_key(clinic_a)}
    assert (get_balance(a_cash), get_balance(a_sales), get_balance(b_cash)) == (usd("0"), usd("0"), usd("7"))
    assert trial_balance(org=clinic_a).is_balanced


def test_posting_a_draft_with_entries_of_two_organizations_is_refused(ledgers):
    (a_cash, _), (_, b_sales) = ledgers["a"], ledgers["b"]
    draft = Transaction.objects.create(description="Mixed draft")
    Entry.objects.create(transaction=draft, account=a_cash, amount=Decimal("2"), entry_type="debit")
    Entry.objects.create(transaction=draft, account=b_sales, amount=Decimal("2"), entry_type="credit")
    draft.posted_at = timezone.now()
    with pytest.raises(CrossOrgTransactionError, match="2 organizations"):
        draft.save()
    draft.refresh_from_db()
    assert not draft.is_posted
    assert get_balance(a_cash) == usd("100")


# -- The chart of accounts stays within one organization -----------------------------------------


def test_a_parent_of_another_organization_is_refused(clinic_a, clinic_b):
    a_cash, _ = chart(clinic_a)
    with pytest.raises(InvalidAccountError, match="another organization"):
        open_account(code="1011", name="Till", account_type="asset", currency="USD", parent=a_cash, org=clinic_b)
    with pytest.raises(InvalidAccountError, match="another organization"):
        open_account(code="1011", name="Till", account_type="asset", currency="USD", parent=a_cash)
    till = open_account(code="1011", name="Till", account_type="asset", currency="USD", parent=a_cash, org=clinic_a)
    assert till.parent == a_cash
    assert Account.objects.filter(code="1011").count() == 1


def test_an_account_moved_away_from_its_parent_s_organization_is_refused(clinic_a, clinic_b):
    a_cash, _ = chart(clinic_a)
    till = open_account(code="1011", name="Till", account_type="asset", currency="USD", parent=a_cash, org=clinic_a)
    till.org = clinic_b
    with pytest.raises(InvalidAccountError, match="another organization"):
        till.save()
    assert Account.objects.get(pk=till.pk).org == clinic_a


def test_the_organization_of_an_account_is_fixed_once_it_has_entries_or_sub_accounts(ledgers, clinic_a, clinic_b):
    a_cash, _ = ledgers["a"]
    a_cash.org = clinic_b
    with pytest.raises(InvalidAccountError, match="has entries: its organization is fixed"):
        a_cash.save()
    parent = open_account(code="1000", name="Assets", account_type="asset", currency="USD", org=clinic_a)
    open_account(code="1001", name="Petty cash", account_type="asset", currency="USD", parent=parent, org=clinic_a)
    parent.org = clinic_b
    with pytest.raises(InvalidAccountError, match="has sub-accounts: its organization is fixed"):
        parent.save()
    assert Account.objects.for_org(clinic_a).count() == 4


def test_an_unused_account_can_move_to_another_organization(clinic_a, clinic_b):
    spare = open_account(code="9000", name="Spare", account_type="expense", currency="USD", org=clinic_a)
    spare.org = clinic_b
    spare.save()
    assert Account.objects.for_org(clinic_b).get(code="9000") == spare


# -- The admin ----------------------------------------------------------------------------------


def test_the_admin_lists_accounts_by_organization_and_keeps_it_read_only(admin_client, ledgers, clinic_a):
    a_cash, _ = ledgers["a"]
    changelist = reverse("admin:django_ledger_account_changelist")
    page = admin_client.get(changelist, {"org_key": org_key(clinic_a)})
    assert page.status_code == 200
    assert [account.org_key for account in page.context["cl"].result_list] == [org_key(clinic_a)] * 2
    change = admin_client.get(reverse("admin:django_ledger_account_change", args=[a_cash.pk]))
    assert re.search(rb'name="org_key"[^>]*disabled', change.content)
    assert b'name="org_key"' in admin_client.get(reverse("admin:django_ledger_account_add")).content


def test_the_admin_lists_entries_by_their_account_s_organization(admin_client, ledgers, clinic_b):
    page = admin_client.get(reverse("admin:django_ledger_entry_changelist"), {"account__org_key": org_key(clinic_b)})
    assert page.status_code == 200
    assert {entry.account.org_key for entry in page.context["cl"].result_list} == {org_key(clinic_b)}
    assert len(page.context["cl"].result_list) == 2


# -- Keys unique per database on purpose, the migration -----------------------------------------


def test_every_natural_key_of_the_ledger_is_unique_per_organization_or_declared_global():
    for model in apps.get_app_config("django_ledger").get_models():
        assert per_database_natural_keys(model) == [], model
    assert ("idempotency_scope", "idempotency_key") in Transaction.unique_per_database


ACCOUNT_COLUMNS_OF_0004 = "id, created_at, updated_at, code, name, account_type, currency, owner_id"


def insert_account_of_0004(code: str) -> None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    pk = Account._meta.pk.get_db_prep_value(Account(code=code).pk, connection)
    run_sql(
        f"INSERT INTO django_ledger_account ({ACCOUNT_COLUMNS_OF_0004}) VALUES (%s, %s, %s, %s, 'Cash', 'asset', "
        "'USD', '')",
        [pk, now, now, code],
    )


LEDGER_TABLES = (
    "django_ledger_account",
    "django_ledger_entry",
    "django_ledger_transaction",
    "django_ledger_closingbalance",
)


def declared_triggers() -> set[str]:
    return {status.trigger for status in guarantee_statuses() if status.table in LEDGER_TABLES}


@pytest.fixture
def at_migration_0004():
    call_command("migrate", "django_ledger", "0004", verbosity=0)
    yield
    call_command("migrate", "django_ledger", verbosity=0)
    Account.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_migration_0005_gives_existing_accounts_no_organization_both_ways(at_migration_0004):
    insert_account_of_0004("1010")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_account_of_0004("1010")  # 0004: the code is unique

    call_command("migrate", "django_ledger", verbosity=0)  # 0005, then 0006 (which the models need)
    assert guarantee_problems() == []
    assert trigger_names(*LEDGER_TABLES) == declared_triggers()
    assert list(Account.objects.values_list("code", "org_key")) == [("1010", "")]
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.bulk_create([Account(code="1010", name="Twin", account_type="asset", currency="USD")])
    open_account(code="1010", name="Cash", account_type="asset", currency="USD", org="org-a")

    Account.objects.filter(org_key="org-a").delete()
    call_command("migrate", "django_ledger", "0004", verbosity=0)
    # The entry triggers are back too; those of 0006 (closed periods) are gone.
    of_0006 = {trigger for trigger in declared_triggers() if "closingbalance" in trigger or "closed_through" in trigger}
    assert of_0006 and trigger_names(*LEDGER_TABLES) == declared_triggers() - of_0006
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_account_of_0004("1010")  # unique per database again
    insert_account_of_0004("1020")

    call_command("migrate", "django_ledger", verbosity=0)
    assert guarantee_problems() == []
    assert sorted(Account.objects.values_list("code", "org_key")) == [("1010", ""), ("1020", "")]
