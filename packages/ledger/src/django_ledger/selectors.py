"""Balances: of one account, of many accounts, and the trial balance of the ledger, each in one query.

A balance is per account, so it belongs to the account's organization; ``trial_balance(org=...)``
covers the accounts of one organization (every organization by default).

Every function counts entries of posted transactions only. ``as_of`` limits them to
``effective_at <= as_of`` (what was true then); ``known_at`` to ``recorded_at <= known_at``
(what the ledger had been told by then: an entry is recorded when its transaction is posted).
Together they answer "what did we believe on day R about day E". Both must be timezone-aware
(``ValueError`` otherwise).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.db import connections, models, router

from django_basemodels.arguments import require_aware, require_saved
from django_basemodels.tenancy import ANY_ORG, org_key
from django_ledger.choices import EntryType
from django_ledger.models import Account, Entry
from django_ledger.querysets import (
    BEGINNING,
    balance_parameters,
    balance_sql,
    signed_sum,
    sum_to_decimal,
    trial_balance_parameters,
    trial_balance_sql,
    units_to_decimal,
)
from django_money import Money

if TYPE_CHECKING:
    from django_basemodels.tenancy import OrgLike, _AnyOrg

    OrgFilter = OrgLike | _AnyOrg

_DATETIME = models.DateTimeField()


def _vendor_and_alias() -> tuple[str, str]:
    using = router.db_for_read(Entry)
    return connections[using].vendor, using


def _require_account(account: Any) -> Account:
    return require_saved(account, name="account", error=TypeError, model=Account)


def get_balance(account: Account, as_of: dt.datetime | None = None, *, known_at: dt.datetime | None = None) -> Money:
    """The balance of ``account`` in its currency, positive on its normal side, in one query.

    Normal side: debit for assets and expenses, credit for liabilities, equity and revenue; an
    asset with more credits than debits has a negative balance. ``as_of``/``known_at`` as in the
    module docstring. The query is one statement: for an account closed (``closed_through`` set on the
    instance given), its latest closing balance in the window (closed through ``as_of`` at the latest,
    recorded by ``known_at``; ``close_books``) plus the aggregate of the entries after it (all of them
    without a closing): the bare ``SUM`` of their ``posted_units`` over a range of the covering index
    ``django_ledger_entry_balance``; for an account never closed, the aggregate alone. It reads no account row:
    an instance loaded before a close gets the same balance, summed from the first entry.
    Raises ``TypeError`` for anything but a saved ``Account``, ``ValueError`` for naive datetimes.
    """
    account = _require_account(account)
    vendor, using = _vendor_and_alias()
    connection = connections[using]
    # An account never closed (as loaded) has no closing to start from: the plain sum, without its look-ups.
    # Loaded before a close, it still gets the right balance: the entries before a closing stay.
    from_closing = account.closed_through is not None
    sql = balance_sql(
        vendor,
        connection.ops.quote_name,
        as_of=as_of is not None,
        known_at=known_at is not None,
        from_closing=from_closing,
    )
    times = {}
    for name, when in (("as_of", as_of), ("known_at", known_at)):
        if when is not None:
            times[name] = _DATETIME.get_db_prep_value(require_aware(when, name=name, allow_none=False), connection)
    params = balance_parameters(
        normal_side=account.normal_side.value,
        account=Account._meta.pk.get_db_prep_value(account.pk, connection),
        beginning=_DATETIME.get_db_prep_value(BEGINNING, connection),
        from_closing=from_closing,
        **times,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        entries, closed = cursor.fetchone()
    total = units_to_decimal(entries)
    if closed is not None:
        total += sum_to_decimal(closed, vendor=vendor)
    return Money(total, account.currency)


def balances(
    accounts: Iterable[Account], as_of: dt.datetime | None = None, *, known_at: dt.datetime | None = None
) -> dict[Account, Money]:
    """The balance of each account (as ``get_balance`` gives it), in one ``GROUP BY`` query.

    Returns a dict keyed by the given accounts; an account without entries maps to zero in its
    currency. No query at all for an empty iterable.
    """
    accounts = [_require_account(account) for account in accounts]
    if not accounts:
        return {}
    vendor, using = _vendor_and_alias()
    rows = (
        Entry.objects.using(using)
        .filter(account__in=[account.pk for account in accounts])
        .window(as_of, known_at)
        .values("account_id")
        .annotate(net_debit=signed_sum(EntryType.DEBIT, vendor=vendor))
        .order_by()
    )
    net_debits = {row["account_id"]: sum_to_decimal(row["net_debit"], vendor=vendor) for row in rows}
    result = {}
    for account in accounts:
        net = net_debits.get(account.pk, sum_to_decimal(None, vendor=vendor))
        result[account] = Money(net if account.normal_side == EntryType.DEBIT else -net, account.currency)
    return result


@dataclass(frozen=True)
class TrialBalanceRow:
    """One account's posted debits and credits."""

    account: Account
    debits: Money
    credits: Money

    @property
    def balance(self) -> Money:
        """The balance on the account's normal side (as ``get_balance`` gives it)."""
        if self.account.normal_side == EntryType.DEBIT:
            return self.debits - self.credits
        return self.credits - self.debits


@dataclass(frozen=True)
class TrialBalanceTotal:
    """The debits and credits of every account in one currency."""

    debits: Money
    credits: Money

    @property
    def difference(self) -> Money:
        """Debits minus credits: zero in a ledger of balanced transactions."""
        return self.debits - self.credits


@dataclass(frozen=True)
class TrialBalance:
    """Debits and credits per account (``rows``, by account code) and per currency (``totals``)."""

    rows: list[TrialBalanceRow]
    totals: dict[str, TrialBalanceTotal] = field(default_factory=dict)

    @property
    def is_balanced(self) -> bool:
        """Whether debits equal credits in every currency."""
        return all(total.difference.is_zero() for total in self.totals.values())


def trial_balance(
    as_of: dt.datetime | None = None, *, known_at: dt.datetime | None = None, org: OrgFilter = ANY_ORG
) -> TrialBalance:
    """Debits and credits of every account with posted entries, and their totals per currency, in one query.

    Each account's latest closing balance in the window (``close_books``) plus its entries after it.

    ``org`` limits it to the accounts of one organization (``None``: the accounts of no organization;
    the default ``ANY_ORG``: every account, of every organization). Accounts without entries in the
    window are left out. Rows are ordered by account code (then organization key). Since every posted
    transaction balances per currency (checked by the services, the models and the database), ``totals``
    have equal debits and credits in every currency, whatever ``as_of`` and ``known_at``: an entry
    becomes visible with all the other entries of its transaction, which share its times.
    Raises ``InvalidOrgError`` (a ``ValueError``) for an ``org`` that names no organization (an unsaved
    instance, ``""``).
    """
    vendor, using = _vendor_and_alias()
    connection = connections[using]
    times = [
        _DATETIME.get_db_prep_value(require_aware(when, name=name, allow_none=False), connection)
        for name, when in (("as_of", as_of), ("known_at", known_at))
        if when is not None
    ]
    sql = trial_balance_sql(
        vendor,
        connection.ops.quote_name,
        as_of=as_of is not None,
        known_at=known_at is not None,
        one_org=org is not ANY_ORG,
    )
    params = trial_balance_parameters(vendor, times=times)
    if org is not ANY_ORG:
        params.insert(0, org_key(cast("OrgLike", org)))
    accounts = Account.objects.db_manager(using).raw(sql, params)
    rows = []
    sums: dict[str, tuple[Money, Money]] = {}
    for account in accounts:
        row = TrialBalanceRow(
            account=account,
            # The sums the query adds beside the account's columns.
            debits=Money(sum_to_decimal(getattr(account, "ledger_debits"), vendor=vendor), account.currency),  # noqa: B009
            credits=Money(sum_to_decimal(getattr(account, "ledger_credits"), vendor=vendor), account.currency),  # noqa: B009
        )
        rows.append(row)
        debits, credits = sums.get(account.currency, (account.zero(), account.zero()))
        sums[account.currency] = (debits + row.debits, credits + row.credits)
    totals = {currency: TrialBalanceTotal(debits=d, credits=c) for currency, (d, c) in sorted(sums.items())}
    return TrialBalance(rows=rows, totals=totals)
