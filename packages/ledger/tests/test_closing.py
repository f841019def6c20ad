"""Closed periods: ``close_books``, the closing balances balances start from, and what the database refuses.

A balance with closings must equal the sum over the entries (``balances``, which sums entries only, is the
oracle), at every ``as_of``/``known_at``; a posting into a closed period is refused by the services
(``PeriodClosedError``, nothing written) and by the database (raw SQL, stale instances); closing rows are
append-only and must match the entries.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_basemodels.testing import hold_in_transaction, join_threads, start_concurrently, wait_for_lock_waiters
from django_decisioning.models import Decision
from django_ledger import (
    EntrySpec,
    ImmutableFactError,
    InvalidClosingError,
    InvalidTransactionError,
    LedgerError,
    PeriodClosedError,
    close_books,
    open_account,
    post_entry,
    post_transactions,
    reverse_entry,
    reverse_transaction,
)
from django_ledger.models import Account, ClosingBalance, Entry, Transaction
from django_ledger.selectors import balances, get_balance, trial_balance
from django_ledger.services import CLOSE_BOOKS_ACTION
from django_money import Money
from tests.conftest import ISOLATION_LEVELS, at_isolation_level, isolation_level_id, ledger_row_counts, run_sql

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
MICROSECOND = dt.timedelta(microseconds=1)


def db_id(value):
    return Entry._meta.pk.get_db_prep_value(value, connection)


def db_time(value):
    return connection.ops.adapt_datetimefield_value(value)


def sale_at(debit, credit, amount, when, **kwargs):
    return post_entry(
        debit=debit, credit=credit, amount=Decimal(amount), description="sale", effective_at=when, **kwargs
    )


def fresh(account: Account) -> Account:
    return Account.objects.get(pk=account.pk)


def entry_sums(account: Account, through: dt.datetime) -> tuple[Decimal, Decimal]:
    """(debits, credits) of the account's posted entries effective at or before ``through``, in Python."""
    debits = credits = Decimal(0)
    for entry in Entry.objects.filter(account=account).window(as_of=through):
        if entry.entry_type == "debit":
            debits += entry.amount
        else:
            credits += entry.amount
    return debits, credits


def assert_closings_match_the_entries():
    for closing in ClosingBalance.objects.select_related("account"):
        assert (closing.debits, closing.credits) == entry_sums(closing.account, closing.closed_through), closing


@pytest.fixture
def start():
    return timezone.now() - 30 * DAY


@pytest.fixture
def history(cash, sales, rent, start):
    """Sales on days 1, 2 and 5, and a rent payment on day 3 (cash debited, then credited)."""
    sale_at(cash, sales, "100", start + DAY)
    sale_at(cash, sales, "20.5", start + 2 * DAY)
    sale_at(rent, cash, "30", start + 3 * DAY)
    sale_at(cash, sales, "7", start + 5 * DAY)
    return start


# -- The service --------------------------------------------------------------------------------


def test_close_books_stores_each_account_s_debits_and_credits_through_the_instant(history, cash, sales, rent):
    closings = close_books(through=history + 4 * DAY)
    by_code = {closing.account.code: closing for closing in ClosingBalance.objects.select_related("account")}
    assert sorted(closing.pk for closing in closings) == sorted(closing.pk for closing in by_code.values())
    assert (by_code["1000"].debits, by_code["1000"].credits) == (Decimal("120.5"), Decimal("30"))
    assert (by_code["4000"].debits, by_code["4000"].credits) == (Decimal("0"), Decimal("120.5"))
    assert by_code["1000"].balance == Money("90.5", "USD")
    assert by_code["4000"].balance == Money("120.5", "USD")
    assert by_code["1000"].effective_at == by_code["1000"].closed_through == history + 4 * DAY
    assert by_code["1000"].recorded_at <= timezone.now()
    assert {fresh(account).closed_through for account in (cash, sales, rent)} == {history + 4 * DAY}
    assert_closings_match_the_entries()


def test_balances_are_the_same_with_and_without_closings(history, cash, sales, rent):
    before_close = timezone.now()
    instants = [None, *(history + day * DAY for day in range(7)), history + 4 * DAY + MICROSECOND]
    expected = {
        (account.pk, as_of): get_balance(account, as_of) for account in (cash, sales, rent) for as_of in instants
    }
    report = trial_balance(history + 4 * DAY)
    close_books(through=history + 4 * DAY)
    sale_at(cash, sales, "1", history + 6 * DAY)  # after the close, in the open period
    for account in (cash, sales, rent):
        for as_of in instants:
            assert get_balance(account, as_of) == balances([account], as_of)[account], (account, as_of)
            if as_of is not None and as_of < history + 6 * DAY:
                assert get_balance(account, as_of) == expected[(account.pk, as_of)]
        # Known before the close: the closing is not used, the entries known then are.
        assert get_balance(account, known_at=before_close) == expected[(account.pk, None)]
    assert trial_balance(history + 4 * DAY) == report


def test_a_second_close_adds_one_period_to_the_previous_closing(history, cash, sales):
    close_books(through=history + 2 * DAY)
    second = {closing.account.code: closing for closing in close_books(through=history + 6 * DAY)}
    assert (second["1000"].debits, second["1000"].credits) == (Decimal("127.5"), Decimal("30"))
    assert ClosingBalance.objects.filter(account=cash).count() == 2
    assert get_balance(cash) == Money("97.5", "USD")
    assert get_balance(cash, history + 3 * DAY) == Money("90.5", "USD")  # from the first closing
    assert_closings_match_the_entries()


def test_accounts_closed_through_the_instant_or_later_are_skipped(history, cash, sales):
    close_books(through=history + 4 * DAY, accounts=[cash])
    closings = close_books(through=history + 4 * DAY)
    assert {closing.account_id for closing in closings} == set(
        Account.objects.exclude(pk=cash.pk).values_list("pk", flat=True)
    )
    assert close_books(through=history + 4 * DAY) == []
    assert close_books(through=history + 3 * DAY) == []  # never backwards
    assert fresh(cash).closed_through == history + 4 * DAY
    assert close_books(through=history + 4 * DAY, accounts=[]) == []


def test_close_books_closes_the_accounts_of_one_organization(start):
    north = open_account(code="1000", name="Cash", account_type="asset", currency="USD", org="north")
    north_sales = open_account(code="4000", name="Sales", account_type="revenue", currency="USD", org="north")
    south = open_account(code="1000", name="Cash", account_type="asset", currency="USD", org="south")
    sale_at(north, north_sales, "5", start)
    closings = close_books(through=start + DAY, org="north")
    assert {closing.account_id for closing in closings} == {north.pk, north_sales.pk}
    assert fresh(south).closed_through is None
    assert close_books(through=start + DAY) == []  # no account of no organization


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param(lambda now, cash: {"through": now.replace(tzinfo=None)}, id="naive"),
        pytest.param(lambda now, cash: {"through": now + DAY}, id="future"),
        pytest.param(lambda now, cash: {"through": now, "accounts": "1000"}, id="accounts-string"),
        pytest.param(lambda now, cash: {"through": now, "accounts": [Account(code="x")]}, id="unsaved-account"),
        pytest.param(lambda now, cash: {"through": now, "accounts": [cash], "org": "north"}, id="other-organization"),
        pytest.param(lambda now, cash: {"through": now, "org": ""}, id="no-such-organization"),
        pytest.param(lambda now, cash: {"through": now, "by": cash}, id="by-not-a-user"),
    ],
)
def test_close_books_refuses_bad_arguments_before_writing(cash, arguments):
    with pytest.raises(InvalidClosingError) as raised:
        close_books(**arguments(timezone.now(), cash))
    assert isinstance(raised.value, LedgerError)
    assert not ClosingBalance.objects.exists()
    assert fresh(cash).closed_through is None


def test_close_books_records_a_decision_with_by(history, accountant):
    closings = close_books(through=history + 4 * DAY, by=accountant)
    decision = Decision.objects.get(action=CLOSE_BOOKS_ACTION)
    assert decision.actor == accountant
    assert len(decision.evidence["closings"]) == len(closings)


def test_close_books_is_a_constant_number_of_statements(start, django_assert_num_queries):
    accounts = [
        open_account(code=f"{index}", name=f"Account {index}", account_type="asset", currency="USD")
        for index in range(6)
    ]
    for index in range(0, 6, 2):
        sale_at(accounts[index], accounts[index + 1], "3", start)
    # A savepoint, the lock, the update, the sums, the insert, the release: for one account or five.
    with django_assert_num_queries(6):
        close_books(through=start + DAY, accounts=accounts[:1])
    with django_assert_num_queries(6):
        close_books(through=start + DAY)
    with django_assert_num_queries(6):
        close_books(through=start + 2 * DAY)
    assert ClosingBalance.objects.count() == 12
    assert_closings_match_the_entries()


def test_get_balance_and_the_trial_balance_stay_one_query_with_closings(history, cash, django_assert_num_queries):
    close_books(through=history + 2 * DAY)
    close_books(through=history + 4 * DAY)
    with django_assert_num_queries(1):
        get_balance(cash, history + 5 * DAY, known_at=timezone.now())
    with django_assert_num_queries(1):
        trial_balance(history + 5 * DAY, known_at=timezone.now())


def test_the_trial_balance_with_closings_is_the_trial_balance_of_the_entries(history, cash, sales, rent):
    windows = [{}, {"as_of": history + 3 * DAY}, {"as_of": history + 4 * DAY}, {"as_of": history}]
    expected = [trial_balance(**window) for window in windows]
    close_books(through=history + 4 * DAY)
    open_account(code="9000", name="Unused", account_type="asset", currency="USD")
    close_books(through=history + 5 * DAY)  # a closing of no entries: the unused account stays out
    assert [trial_balance(**window) for window in windows] == expected
    assert [row.account.code for row in trial_balance().rows] == ["1000", "4000", "5000"]


# -- Posting into a closed period ---------------------------------------------------------------


def test_posting_into_a_closed_period_raises_before_writing(history, cash, sales):
    close_books(through=history + 4 * DAY)
    cash, sales = fresh(cash), fresh(sales)
    counts = ledger_row_counts()
    with pytest.raises(PeriodClosedError) as raised:
        sale_at(cash, sales, "1", history + 4 * DAY)
    assert raised.value.accounts == ["1000", "4000"]
    assert raised.value.closed_through == history + 4 * DAY
    assert raised.value.effective_at == history + 4 * DAY
    assert isinstance(raised.value, InvalidTransactionError)
    with pytest.raises(PeriodClosedError):
        post_transactions(
            transactions=[
                {"entries": [EntrySpec.debit(cash, 1), EntrySpec.credit(sales, 1)], "description": "late"},
                {
                    "entries": [EntrySpec.debit(cash, 1), EntrySpec.credit(sales, 1)],
                    "description": "backdated",
                    "effective_at": history + DAY,
                },
            ]
        )
    assert ledger_row_counts() == counts
    sale_at(cash, sales, "1", history + 4 * DAY + MICROSECOND)  # after the close
    sale_at(cash, sales, "1", None)  # the posting instant
    assert get_balance(cash) == Money("99.5", "USD")


def test_a_reversal_of_an_entry_of_a_closed_period_is_effective_after_the_close(history, cash, sales):
    sale = Transaction.objects.filter(effective_at=history + DAY).get()
    close_books(through=history + 4 * DAY)
    with pytest.raises(PeriodClosedError):
        reverse_transaction(sale, reason="Returned", effective_at=history + 2 * DAY)
    debit = Entry.objects.get(transaction=sale, entry_type="debit")
    with pytest.raises(PeriodClosedError):
        reverse_entry(debit, reason="Returned", effective_at=history + 4 * DAY)
    reversal = reverse_entry(debit, reason="Returned")  # effective now, after the close
    assert reversal.effective_at > history + 4 * DAY
    assert get_balance(cash) == Money("-2.5", "USD")
    assert get_balance(cash, history + 4 * DAY) == Money("90.5", "USD")  # the closed period is unchanged


def test_the_orm_posting_path_refuses_a_closed_period(history, cash, sales):
    close_books(through=history + 4 * DAY)
    draft = Transaction.objects.create(description="Backdated", effective_at=history + 3 * DAY)
    Entry.objects.create(transaction=draft, account=cash, amount=Decimal("5"), entry_type="debit")
    Entry.objects.create(transaction=draft, account=sales, amount=Decimal("5"), entry_type="credit")
    draft.posted_at = timezone.now()
    with pytest.raises(PeriodClosedError) as raised:
        draft.save()
    assert raised.value.accounts == ["1000", "4000"]
    assert Transaction.objects.get(pk=draft.pk).posted_at is None
    draft.effective_at = history + 5 * DAY
    draft.save()
    assert draft.is_posted


def test_a_stale_account_instance_is_refused_by_the_database_and_reported_as_a_closed_period(history, cash, sales):
    close_books(through=history + 4 * DAY)  # the fixtures' instances still say the books are open
    counts = ledger_row_counts()
    with pytest.raises(PeriodClosedError) as raised:
        sale_at(cash, sales, "1", history + 3 * DAY)
    assert isinstance(raised.value.__cause__, IntegrityError)
    assert (raised.value.accounts, raised.value.closed_through) == (["1000", "4000"], None)
    assert raised.value.effective_at == history + 3 * DAY
    with pytest.raises(PeriodClosedError):
        post_transactions(
            transactions=[
                {
                    "entries": [EntrySpec.debit(cash, 1), EntrySpec.credit(sales, 1)],
                    "description": "backdated",
                    "effective_at": history + DAY,
                }
            ]
        )
    assert ledger_row_counts() == counts
    cash.currency = sales.currency = "EUR"  # stale in another way: the database refuses the currency
    with pytest.raises(IntegrityError, match="currency"), transaction.atomic():
        sale_at(cash, sales, "1", None)  # a refusal of another rule passes through as it is
    assert ledger_row_counts() == counts


def test_saving_a_stale_account_keeps_its_closed_through(history, cash):
    close_books(through=history + 4 * DAY)
    cash.name = "Petty cash"
    cash.save()
    assert fresh(cash).closed_through == history + 4 * DAY
    assert fresh(cash).name == "Petty cash"


# -- What the database refuses ------------------------------------------------------------------


def refused(sql, params):
    with pytest.raises(IntegrityError), transaction.atomic():
        run_sql(sql, params)


def test_the_database_refuses_a_raw_backdated_posting(history, cash, sales):
    close_books(through=history + 4 * DAY)
    draft = Transaction.objects.create(description="Backdated", effective_at=history + 4 * DAY)
    Entry.objects.create(transaction=draft, account=cash, amount=Decimal("5"), entry_type="debit")
    Entry.objects.create(transaction=draft, account=sales, amount=Decimal("5"), entry_type="credit")
    post = "UPDATE django_ledger_transaction SET posted_at = %s WHERE id = %s"
    refused(post, [db_time(timezone.now()), db_id(draft.pk)])
    run_sql(
        "UPDATE django_ledger_transaction SET effective_at = %s WHERE id = %s",
        [db_time(history + 4 * DAY + MICROSECOND), db_id(draft.pk)],
    )
    run_sql(post, [db_time(timezone.now()), db_id(draft.pk)])
    assert get_balance(cash) == Money("102.5", "USD")


def test_the_database_refuses_moving_closed_through_back(history, cash):
    close_books(through=history + 4 * DAY, accounts=[cash])
    update = "UPDATE django_ledger_account SET closed_through = %s WHERE id = %s"
    refused(update, [db_time(history + 3 * DAY), db_id(cash.pk)])
    refused(update, [None, db_id(cash.pk)])
    run_sql(update, [db_time(history + 5 * DAY), db_id(cash.pk)])  # forward is how a close starts
    assert fresh(cash).closed_through == history + 5 * DAY


CLOSING_INSERT = (
    "INSERT INTO django_ledger_closingbalance (id, account_id, closed_through, effective_at, recorded_at, debits, "
    "credits) VALUES (%s, %s, %s, %s, %s, %s, %s)"
)


def closing_row(account, through, debits, credits, recorded_at=None):
    moment = db_time(through)
    return [
        db_id(uuid.uuid4()),
        db_id(account.pk),
        moment,
        moment,
        db_time(recorded_at or timezone.now()),
        Decimal(debits),
        Decimal(credits),
    ]


def test_the_database_refuses_a_closing_row_that_does_not_match_the_entries(history, cash):
    close_books(through=history + 2 * DAY, accounts=[cash])
    run_sql(
        "UPDATE django_ledger_account SET closed_through = %s WHERE id = %s",
        [db_time(history + 4 * DAY), db_id(cash.pk)],
    )
    refused(CLOSING_INSERT, closing_row(cash, history + 4 * DAY, "120.5001", "30"))
    refused(CLOSING_INSERT, closing_row(cash, history + 4 * DAY, "120.5", "0"))
    refused(CLOSING_INSERT, closing_row(cash, history + 5 * DAY, "127.5", "30"))  # beyond closed_through
    refused(CLOSING_INSERT, closing_row(cash, history + 4 * DAY, "120.5", "30", recorded_at=history))  # too early
    run_sql(CLOSING_INSERT, closing_row(cash, history + 4 * DAY, "120.5", "30"))
    assert get_balance(cash, history + 4 * DAY) == Money("90.5", "USD")
    assert_closings_match_the_entries()


def test_the_database_refuses_a_closing_row_of_an_open_account(history, cash):
    refused(CLOSING_INSERT, closing_row(cash, history + 4 * DAY, "120.5", "30"))
    through = history + 4 * DAY
    closing = ClosingBalance(
        account=cash,
        closed_through=through,
        effective_at=through,
        recorded_at=timezone.now(),
        debits=Decimal("120.5"),
        credits=Decimal("30"),
    )
    assert str(closing).endswith(f"through {through:%Y-%m-%d %H:%M}")
    with pytest.raises(IntegrityError), transaction.atomic():
        closing.save()  # the ORM path meets the same guarantee


def test_closing_rows_are_never_updated_or_deleted(history, cash):
    (closing,) = close_books(through=history + 4 * DAY, accounts=[cash])
    refused("UPDATE django_ledger_closingbalance SET debits = debits + 1 WHERE id = %s", [db_id(closing.pk)])
    refused("DELETE FROM django_ledger_closingbalance WHERE id = %s", [db_id(closing.pk)])
    with pytest.raises(ImmutableFactError):
        closing.save()
    with pytest.raises(ImmutableFactError):
        closing.delete()
    assert ClosingBalance.objects.get().debits == Decimal("120.5")


def test_the_admin_shows_closing_balances_read_only(admin_client, history, cash):
    (closing,) = close_books(through=history + 4 * DAY, accounts=[cash])
    page = admin_client.get(reverse("admin:django_ledger_closingbalance_changelist"))
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [closing]
    assert admin_client.get(reverse("admin:django_ledger_closingbalance_add")).status_code == 403
    change = admin_client.post(reverse("admin:django_ledger_closingbalance_change", args=[closing.pk]), {})
    assert change.status_code == 403
    assert admin_client.get(reverse("admin:django_ledger_closingbalance_delete", args=[closing.pk])).status_code == 403


# -- Property: closings never change a balance --------------------------------------------------

operations = st.lists(
    st.one_of(
        st.tuples(st.just("post"), st.integers(0, 3), st.integers(0, 3), st.integers(1, 10**6), st.integers(0, 40)),
        st.tuples(st.just("close"), st.integers(0, 40), st.booleans()),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=operations, cuts=st.lists(st.integers(0, 42), min_size=1, max_size=4), known=st.integers(0, 12))
def test_balances_with_closings_at_random_instants_equal_the_sums_of_the_entries(db, operations, cuts, known):
    start = timezone.now() - 50 * DAY
    with transaction.atomic():
        accounts = [
            open_account(code=f"{index}", name=f"Account {index}", account_type=kind, currency="USD")
            for index, kind in enumerate(("asset", "revenue", "expense", "liability"))
        ]
        recorded = [timezone.now()]
        for operation in operations:
            if operation[0] == "post":
                _, debit, credit, cents, day = operation
                if debit == credit:
                    continue
                when = start + day * DAY
                debit_account, credit_account = fresh(accounts[debit]), fresh(accounts[credit])
                closed = [a.closed_through for a in (debit_account, credit_account) if a.closed_through is not None]
                if closed and when <= max(closed):
                    with pytest.raises(PeriodClosedError):
                        sale_at(debit_account, credit_account, Decimal(cents).scaleb(-2), when)
                else:
                    sale_at(debit_account, credit_account, Decimal(cents).scaleb(-2), when)
            else:
                _, day, some = operation
                close_books(through=start + day * DAY, accounts=accounts[:2] if some else None)
            recorded.append(timezone.now())
        assert_closings_match_the_entries()
        known_at = recorded[min(known, len(recorded) - 1)]
        for as_of in [None, *(start + day * DAY for day in cuts)]:
            for knowing in (None, known_at):
                oracle = balances(accounts, as_of, known_at=knowing)
                for account in accounts:
                    assert get_balance(account, as_of, known_at=knowing) == oracle[account], (account, as_of, knowing)
                report = trial_balance(as_of, known_at=knowing)
                assert {row.account.pk: row.balance for row in report.rows} == {
                    account.pk: oracle[account]
                    for account in accounts
                    if Entry.objects.filter(account=account).window(as_of, knowing).exists()
                }
                assert report.is_balanced
        transaction.set_rollback(True)


# -- Concurrency (real connections) -------------------------------------------------------------


@pytest.fixture(params=ISOLATION_LEVELS, ids=isolation_level_id)
def isolation_level(request):
    with at_isolation_level(request.param) as level:
        yield level


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_a_close_waits_for_a_backdated_posting_and_then_counts_it(isolation_level):
    cash = open_account(code="1000", name="Cash", account_type="asset", currency="USD")
    sales = open_account(code="4000", name="Sales", account_type="revenue", currency="USD")
    start = timezone.now() - 10 * DAY
    sale_at(cash, sales, "10", start)
    posting, release, poster = hold_in_transaction(lambda: sale_at(cash, sales, "5", start + DAY))
    closing, closer = start_concurrently([lambda: close_books(through=start + 2 * DAY)])
    waiting = wait_for_lock_waiters(1)
    release.set()
    join_threads([poster, *closer])
    assert waiting >= 1, "the close did not wait for the posting"
    assert isinstance(posting[0], Transaction), posting
    assert isinstance(closing[0], list), closing
    assert {(c.debits, c.credits) for c in ClosingBalance.objects.filter(account=cash)} == {(Decimal(15), Decimal(0))}
    assert_closings_match_the_entries()


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("raw", [False, True], ids=["service", "raw-sql"])
def test_a_backdated_posting_waits_for_a_close_and_is_then_refused(isolation_level, raw):
    cash = open_account(code="1000", name="Cash", account_type="asset", currency="USD")
    sales = open_account(code="4000", name="Sales", account_type="revenue", currency="USD")
    start = timezone.now() - 10 * DAY
    sale_at(cash, sales, "10", start)
    draft = Transaction.objects.create(description="Backdated", effective_at=start + DAY)
    Entry.objects.create(transaction=draft, account=cash, amount=Decimal("5"), entry_type="debit")
    Entry.objects.create(transaction=draft, account=sales, amount=Decimal("5"), entry_type="credit")

    def post_backdated():
        if raw:
            return run_sql(
                "UPDATE django_ledger_transaction SET posted_at = %s WHERE id = %s",
                [db_time(timezone.now()), db_id(draft.pk)],
            )
        return sale_at(cash, sales, "5", start + DAY)  # instances loaded before the close

    closing, release, closer = hold_in_transaction(lambda: close_books(through=start + 2 * DAY))
    posting, poster = start_concurrently([post_backdated])
    waiting = wait_for_lock_waiters(1)
    release.set()
    join_threads([closer, *poster])
    assert waiting >= 1, "the posting did not wait for the close"
    assert isinstance(closing[0], list), closing
    # The service reports the database's refusal as PeriodClosedError; raw SQL gets the refusal itself.
    assert isinstance(posting[0], IntegrityError if raw else PeriodClosedError), posting
    assert get_balance(cash) == Money("10", "USD")
    assert_closings_match_the_entries()
