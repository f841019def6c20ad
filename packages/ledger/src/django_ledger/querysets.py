"""Read paths over accounts, transactions and entries, and the SQL of the balance aggregates.

Entries carry their own ``effective_at`` and ``recorded_at`` (copied from their transaction when
it is posted), so every balance is an aggregate over the entry table alone, served by the
``django_ledger_entry_balance`` index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connections, models
from django.db.models import Case, Exists, F, Func, OuterRef, Sum, Value, When

from django_basemodels.arguments import require_aware
from django_basemodels.tenancy import ANY_ORG, OrgLike, OrgQuerySetMixin, org_key
from django_decisioning import EventAsOfQuerySet
from django_ledger.choices import EntryType
from django_ledger.exceptions import ImmutableEntryError, ImmutableTransactionError
from django_ledger.specs import DECIMAL_PLACES

if TYPE_CHECKING:
    from django_basemodels.tenancy import _AnyOrg

    OrgFilter = OrgLike | _AnyOrg


def locked_for_writing(queryset: models.QuerySet) -> models.QuerySet:
    """``queryset`` with its rows locked until the end of the transaction, as a write would lock them.

    ``FOR NO KEY UPDATE`` where the database has it (PostgreSQL), which leaves alone the foreign key
    checks of rows pointing at the locked ones (``FOR KEY SHARE``); ``FOR UPDATE`` elsewhere
    (MariaDB/MySQL, which refuses ``no_key=True`` and has no weaker exclusive row lock).
    """
    features = connections[queryset.db].features
    return queryset.select_for_update(no_key=features.has_select_for_no_key_update)


class AccountQuerySet(OrgQuerySetMixin, models.QuerySet):
    """Queries over the chart of accounts. ``for_org(org)``: the accounts of one organization
    (``None``: of no organization; ``ANY_ORG``: every account)."""

    def owned_by(self, owner: models.Model) -> AccountQuerySet:
        """Accounts whose owner is ``owner`` (any saved model instance, UUID or integer key)."""
        from django_basemodels.generic import generic_key_filter  # lazy: needs the app registry

        return self.filter(**generic_key_filter("owner", owner))

    def of_type(self, account_type: str) -> AccountQuerySet:
        """Accounts of one type (``AccountType.ASSET``, ...)."""
        return self.filter(account_type=account_type)


class TransactionQuerySet(EventAsOfQuerySet):
    """Queries over transactions. ``as_of``/``known_at`` see posted transactions only.

    A transaction is known from the instant it is posted: ``known_at(R)`` filters ``posted_at <= R``.
    ``update()`` and ``delete()`` raise ``ImmutableTransactionError`` when a posted transaction is among
    the rows (drafts may be changed).
    """

    def for_org(self, org: OrgFilter) -> TransactionQuerySet:
        """Transactions with entries on accounts of ``org`` (``None``: of no organization; ``ANY_ORG``:
        every transaction, drafts without entries included). A transaction's entries share one organization."""
        if org is ANY_ORG:
            return self
        from django_ledger.models import Entry  # lazy: the model needs the app registry

        key = org_key(org)  # type: ignore[arg-type]  # ANY_ORG was handled above
        return self.filter(Exists(Entry._base_manager.filter(transaction=OuterRef("pk"), account__org_key=key)))

    def posted(self) -> TransactionQuerySet:
        """Transactions that are posted (facts of the ledger)."""
        return self.filter(posted_at__isnull=False)

    def drafts(self) -> TransactionQuerySet:
        """Transactions not posted yet."""
        return self.filter(posted_at__isnull=True)

    def as_of(self, when: dt.datetime, *, known_at: dt.datetime | None = None) -> TransactionQuerySet:
        """Posted transactions effective at or before ``when``; with ``known_at``, posted by then."""
        return super().as_of(when, known_at=known_at).posted()

    def known_at(self, when: dt.datetime) -> TransactionQuerySet:
        """Transactions posted at or before ``when``, whatever their ``effective_at``."""
        return self.filter(posted_at__lte=require_aware(when, name="known_at", allow_none=False))

    def update(self, **kwargs: Any) -> int:
        if self.posted().exists():
            raise ImmutableTransactionError("Posted transactions are never updated; reverse them instead.")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.posted().exists():
            raise ImmutableTransactionError("Posted transactions are never deleted; reverse them instead.")
        return super().delete()

    delete.queryset_only = True  # type: ignore[attr-defined]


class EntryQuerySet(OrgQuerySetMixin, EventAsOfQuerySet):
    """Queries over entries. ``as_of``/``known_at`` see entries of posted transactions only.

    An entry's ``recorded_at`` is the instant its transaction was posted (NULL for a draft), so
    ``known_at(R)`` is "posted by R". ``update()`` and ``delete()`` raise ``ImmutableEntryError`` when
    an entry of a posted transaction is among the rows. ``for_org(org)``: the entries on accounts of
    ``org`` (an entry belongs to its account's organization).
    """

    org_lookup = "account__org_key"

    def posted(self) -> EntryQuerySet:
        """Entries of posted transactions."""
        return self.filter(recorded_at__isnull=False)

    def drafts(self) -> EntryQuerySet:
        """Entries of transactions not posted yet."""
        return self.filter(recorded_at__isnull=True)

    def as_of(self, when: dt.datetime, *, known_at: dt.datetime | None = None) -> EntryQuerySet:
        """Posted entries effective at or before ``when``; with ``known_at``, posted by then."""
        return super().as_of(when, known_at=known_at).posted()

    def for_account(self, account: models.Model) -> EntryQuerySet:
        """Entries of one account."""
        return self.filter(account=account)

    def for_source(self, source: models.Model) -> EntryQuerySet:
        """Entries whose source is ``source`` (any saved model instance, UUID or integer key)."""
        from django_basemodels.generic import generic_key_filter  # lazy: needs the app registry

        return self.filter(**generic_key_filter("source", source))

    def window(self, as_of: dt.datetime | None = None, known_at: dt.datetime | None = None) -> EntryQuerySet:
        """Posted entries, limited to ``effective_at <= as_of`` and ``recorded_at <= known_at`` when given."""
        queryset = self.posted()
        if as_of is not None:
            queryset = queryset.filter(effective_at__lte=require_aware(as_of, name="as_of", allow_none=False))
        if known_at is not None:
            queryset = queryset.filter(recorded_at__lte=require_aware(known_at, name="known_at", allow_none=False))
        return queryset

    def update(self, **kwargs: Any) -> int:
        if self.posted().exists():
            raise ImmutableEntryError("Entries of posted transactions are never updated; reverse them instead.")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.posted().exists():
            raise ImmutableEntryError("Entries of posted transactions are never deleted; reverse them instead.")
        return super().delete()

    delete.queryset_only = True  # type: ignore[attr-defined]


class _AmountUnits(Func):
    """An amount in ten-thousandths, as an integer.

    Django stores decimals as floating point on SQLite, where summing ``0.1 + 0.2`` leaves a residue;
    summing whole ten-thousandths instead is exact (for amounts SQLite keeps exactly, 15 digits). The
    amounts converted are never negative (entries' are positive, closings' sums of them), so adding one
    half and truncating rounds them: the product is within a third of a unit of the whole number, and
    the cast costs half what ``ROUND()``, a function call per row, does.
    """

    template = f"CAST(%(expressions)s * {10**DECIMAL_PLACES} + 0.5 AS INTEGER)"
    output_field = models.BigIntegerField()


def _amount(field: str, vendor: str) -> Any:
    if vendor == "sqlite":
        return _AmountUnits(F(field))
    return F(field)


def _sum_field(vendor: str) -> models.Field:
    if vendor == "sqlite":
        return models.BigIntegerField()
    return models.DecimalField(max_digits=38, decimal_places=DECIMAL_PLACES)


def signed_sum(side: str, *, vendor: str, prefix: str = "") -> Sum:
    """``SUM(CASE WHEN entry_type = side THEN amount ELSE -amount END)``: the total on ``side``, net of the other.

    ``prefix`` reaches the entry fields through a relation (``"entries__"``). Convert the result
    with ``sum_to_decimal``.
    """
    amount = _amount(f"{prefix}amount", vendor)
    output = _sum_field(vendor)
    return Sum(
        Case(When(**{f"{prefix}entry_type": side}, then=amount), default=-amount, output_field=output),
        output_field=output,
    )


def side_sum(side: str, *, vendor: str, prefix: str = "") -> Sum:
    """``SUM(CASE WHEN entry_type = side THEN amount ELSE 0 END)``: the total posted to one side."""
    output = _sum_field(vendor)
    return Sum(
        Case(
            When(**{f"{prefix}entry_type": side}, then=_amount(f"{prefix}amount", vendor)),
            default=Value(0),
            output_field=output,
        ),
        output_field=output,
    )


# Before any entry: the lower end of the entries a balance or a close sums when no closing precedes them.
BEGINNING = dt.datetime(1, 1, 2, tzinfo=dt.timezone.utc)

_BALANCE_SQL: dict[tuple[str, bool, bool, bool], str] = {}


def balance_sql(
    vendor: str, quote: Callable[[str], str], *, as_of: bool, known_at: bool, from_closing: bool = True
) -> str:
    """The SQL of one account's balance: the ``SUM`` of its entries' ``posted_units`` in the window, signed.

    ``posted_units`` is what ``signed_sum`` computes per row (the amount in whole ten-thousandths, negative
    on the credit side), written by the posting and kept true by the database; 0 while a draft, so SQLite
    needs no posted filter. PostgreSQL and MariaDB/MySQL keep it (``recorded_at IS NOT NULL``, a condition
    on the index): the posting's stamp leaves each entry's draft version in the index until vacuum (purge)
    removes it, and the filter skips it there without reading the row; a hot standby, which never marks
    such index entries dead, would read every one. Parameters, in order: the sign of the normal side (``1`` for
    debit, ``-1`` for credit), the account id, then ``as_of`` and ``known_at`` when
    flagged. ``get_balance`` runs it directly because compiling the ORM expression costs as much
    as the index-only aggregate itself (about 0.5 ms each for 10,000 entries), and the balance
    must stay within 1.5x of a bare covering-index ``SUM``. Built once per vendor and shape;
    ``quote`` is the vendor's ``connection.ops.quote_name``. ``from_closing=False``: the sum of every
    entry in the window, without the two look-ups of the closings (the same answer: a closing is the
    sum of the entries before it, which stay), for an account never closed. Its parameters:
    ``balance_parameters``.
    """
    key = (vendor, as_of, known_at, from_closing)
    if key not in _BALANCE_SQL:
        _BALANCE_SQL[key] = _build_balance_sql(vendor, quote, as_of=as_of, known_at=known_at, from_closing=from_closing)
    return _BALANCE_SQL[key]


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column, f"{name} is not a column of {model.__name__}"
    return field.column


def _build_balance_sql(
    vendor: str, quote: Callable[[str], str], *, as_of: bool, known_at: bool, from_closing: bool
) -> str:
    from django_ledger.models import ClosingBalance, Entry  # lazy: the models need the app registry

    column = {name: quote(_column(Entry, name)) for name in _BALANCE_FIELDS}
    total = f"%s * SUM({column['posted_units']})"
    closing = _closing_columns(quote)
    # The latest closing the window may start from: closed through as_of at the latest, recorded by known_at.
    closing_conditions = [f"{closing['account']} = %s"]
    if as_of:
        closing_conditions.append(f"{closing['closed_through']} <= %s")
    if known_at:
        closing_conditions.append(f"{closing['recorded_at']} <= %s")
    closings = f"FROM {quote(ClosingBalance._meta.db_table)} WHERE {' AND '.join(closing_conditions)}"
    conditions = [f"{column['account']} = %s"]
    if vendor != "sqlite":
        conditions.append(f"{column['recorded_at']} IS NOT NULL")
    if as_of:
        conditions.append(f"{column['effective_at']} <= %s")
    if known_at:
        conditions.append(f"{column['recorded_at']} <= %s")
    if not from_closing:
        return f"SELECT {total}, NULL FROM {quote(Entry._meta.db_table)} WHERE {' AND '.join(conditions)}"
    # The entries after that closing (all of them without one): the lower end of the index range.
    conditions.append(f"{column['effective_at']} > COALESCE((SELECT MAX({closing['closed_through']}) {closings}), %s)")
    entries = f"SELECT {total} FROM {quote(Entry._meta.db_table)} WHERE {' AND '.join(conditions)}"
    debits, credits = _units(closing["debits"], vendor), _units(closing["credits"], vendor)
    closed = f"SELECT %s * ({debits} - {credits}) {closings} ORDER BY {closing['closed_through']} DESC LIMIT 1"
    return f"SELECT ({entries}), ({closed})"


def _units(column: str, vendor: str) -> str:
    """``column``, an amount, as the balance queries sum it: whole ten-thousandths on SQLite (``_AmountUnits``)."""
    return _AmountUnits.template % {"expressions": column} if vendor == "sqlite" else column


def _closing_columns(quote: Callable[[str], str]) -> dict[str, str]:
    from django_ledger.models import ClosingBalance  # lazy: the model needs the app registry

    names = ("account", "closed_through", "recorded_at", "debits", "credits")
    return {name: quote(_column(ClosingBalance, name)) for name in names}


def balance_parameters(
    *,
    normal_side: str,
    account: Any,
    as_of: Any = None,
    known_at: Any = None,
    beginning: Any,
    from_closing: bool = True,
) -> list[Any]:
    """The parameters of ``balance_sql``, each already prepared for the database (``as_of``/``known_at``:
    ``None`` when not flagged; ``beginning``: an instant before any entry)."""
    window = [value for value in (as_of, known_at) if value is not None]
    sign = 1 if normal_side == "debit" else -1
    if not from_closing:
        return [sign, account, *window]
    return [sign, account, *window, account, *window, beginning, sign, account, *window]


_BALANCE_FIELDS = ("account", "amount", "entry_type", "posted_units", "effective_at", "recorded_at")

_TRIAL_BALANCE_SQL: dict[tuple[str, bool, bool, bool], str] = {}


def trial_balance_sql(vendor: str, quote: Callable[[str], str], *, as_of: bool, known_at: bool, one_org: bool) -> str:
    """The SQL of the trial balance: every account (its columns) with its posted debits and credits.

    Per account, the latest closing balance in the window (closed through ``as_of`` at the latest,
    recorded by ``known_at``) plus the entries after it: the entries are summed per ``account_id``
    first, in the order of the covering index (no sort of the entry rows), then joined to their
    accounts, ordered by code and organization key. On SQLite the sums are of ``posted_units``.
    Parameters, in order: the organization key when ``one_org``, then ``trial_balance_parameters``. With
    ``one_org`` only that organization's entries are read (its accounts first, through the ``(org_key,
    code)`` index). The sums are ``ledger_debits`` and ``ledger_credits`` (``sum_to_decimal`` converts
    them). On PostgreSQL the entries after each closing are one index range per account
    (``_lateral_trial_balance_sql``), with the same parameters. Built once per vendor and shape.
    """
    key = (vendor, as_of, known_at, one_org)
    if key not in _TRIAL_BALANCE_SQL:
        from django_ledger.models import Account, ClosingBalance, Entry  # lazy: the models need the app registry

        column = {name: quote(_column(Entry, name)) for name in _BALANCE_FIELDS}
        closing = _closing_columns(quote)
        closing_table = quote(ClosingBalance._meta.db_table)
        closing_conditions = []
        if as_of:
            closing_conditions.append(f"{closing['closed_through']} <= %s")
        if known_at:
            closing_conditions.append(f"{closing['recorded_at']} <= %s")
        closing_where = f" WHERE {' AND '.join(closing_conditions)}" if closing_conditions else ""
        latest = (
            f"SELECT {closing['account']} AS account_id, MAX({closing['closed_through']}) AS closed_through "
            f"FROM {closing_table}{closing_where} GROUP BY {closing['account']}"
        )
        window = []
        if as_of:
            window.append(f"e.{column['effective_at']} <= %s")
        if known_at:
            window.append(f"e.{column['recorded_at']} <= %s")
        code, org = quote(_column(Account, "code")), quote(_column(Account, "org_key"))
        account_id = quote(_column(Account, "id"))
        # The organization's accounts, read first: its entries are then index ranges of those accounts.
        chosen = (
            f"chosen AS (SELECT {account_id} AS id FROM {quote(Account._meta.db_table)} WHERE {org} = %s), "
            if one_org
            else ""
        )
        if vendor == "postgresql":
            _TRIAL_BALANCE_SQL[key] = _lateral_trial_balance_sql(
                quote, column=column, closing=closing, closing_where=closing_where, window=window, chosen=chosen
            )
            return _TRIAL_BALANCE_SQL[key]
        conditions = [
            f"e.{column['recorded_at']} IS NOT NULL",
            *window,
            f"(l.closed_through IS NULL OR e.{column['effective_at']} > l.closed_through)",
        ]
        if one_org:
            conditions.append(f"e.{column['account']} IN (SELECT id FROM chosen)")
        if vendor == "sqlite":
            # posted_units is signed by side (the database keeps it so; every amount is positive): the absolute
            # and the net sums give both sides, exactly, without converting an amount or reading entry_type.
            units = f"e.{column['posted_units']}"
            sides = (
                f"(SUM(ABS({units})) + SUM({units})) / 2 AS ledger_debits, "
                f"(SUM(ABS({units})) - SUM({units})) / 2 AS ledger_credits"
            )
        else:
            sides = (
                f"SUM(CASE WHEN e.{column['entry_type']} = %s THEN e.{column['amount']} ELSE 0 END) AS ledger_debits, "
                f"SUM(CASE WHEN e.{column['entry_type']} = %s THEN e.{column['amount']} ELSE 0 END) AS ledger_credits"
            )
        entry_sums = (
            f"SELECT e.{column['account']} AS account_id, {sides} "
            f"FROM {quote(Entry._meta.db_table)} e LEFT JOIN latest l ON l.account_id = e.{column['account']} "
            f"WHERE {' AND '.join(conditions)} GROUP BY e.{column['account']}"
        )
        closing_debits = _units(f"c.{closing['debits']}", vendor)
        closing_credits = _units(f"c.{closing['credits']}", vendor)
        closing_sums = (
            f"SELECT c.{closing['account']} AS account_id, {closing_debits} AS ledger_debits, "
            f"{closing_credits} AS ledger_credits FROM {closing_table} c JOIN latest l "
            f"ON l.account_id = c.{closing['account']} AND l.closed_through = c.{closing['closed_through']} "
            # A closing of no entries: the account has none in the window, and stays out of it.
            f"WHERE c.{closing['debits']} <> 0 OR c.{closing['credits']} <> 0"
        )
        sums = (
            f"SELECT account_id, SUM(ledger_debits) AS ledger_debits, SUM(ledger_credits) AS ledger_credits "
            f"FROM ({entry_sums} UNION ALL {closing_sums}) parts GROUP BY account_id"
        )
        where = f" WHERE a.{account_id} IN (SELECT id FROM chosen)" if one_org else ""
        _TRIAL_BALANCE_SQL[key] = (
            f"WITH {chosen}latest AS ({latest}) "
            f"SELECT a.*, s.ledger_debits, s.ledger_credits FROM {quote(Account._meta.db_table)} a "
            f"JOIN ({sums}) s ON s.account_id = a.{account_id}{where} ORDER BY a.{code}, a.{org}"
        )
    return _TRIAL_BALANCE_SQL[key]


def trial_balance_parameters(vendor: str, *, times: list[Any]) -> list[Any]:
    """The parameters of ``trial_balance_sql`` after the organization key (when ``one_org``).

    ``times``: ``as_of`` and ``known_at`` when flagged, as the database takes them; they bound the closings,
    then the entries. Between the two, the debit and credit sides, on every database but SQLite.
    """
    sides = [] if vendor == "sqlite" else [EntryType.DEBIT.value, EntryType.CREDIT.value]
    return [*times, *sides, *times]


def _lateral_trial_balance_sql(
    quote: Callable[[str], str],
    *,
    column: dict[str, str],
    closing: dict[str, str],
    closing_where: str,
    window: list[str],
    chosen: str,
) -> str:
    """PostgreSQL's trial balance: per account, its latest closing plus one index range of its entries after it.

    ``LATERAL`` makes each account's sum a range of the entry index that starts after its closing, so the
    cost follows the entries since the last close, not the history (MariaDB and SQLite, which have no
    ``LATERAL``, sum the entries per account in one pass). Same parameters, in the same order; ``chosen``:
    the common table expression of one organization's accounts, or ``""``.
    """
    from django_ledger.models import Account, ClosingBalance, Entry  # lazy: the models need the app registry

    account_id = f"a.{quote(_column(Account, 'id'))}"
    code, org = quote(_column(Account, "code")), quote(_column(Account, "org_key"))
    latest = (
        f"SELECT DISTINCT ON ({closing['account']}) {closing['account']} AS account_id, "
        f"{closing['closed_through']} AS closed_through, {closing['debits']} AS debits, "
        f"{closing['credits']} AS credits FROM {quote(ClosingBalance._meta.db_table)}{closing_where} "
        f"ORDER BY {closing['account']}, {closing['closed_through']} DESC"
    )
    conditions = [
        f"e.{column['account']} = {account_id}",
        f"e.{column['recorded_at']} IS NOT NULL",
        *window,
        f"e.{column['effective_at']} > COALESCE(l.closed_through, '-infinity')",
    ]
    entries = (
        f"SELECT SUM(CASE WHEN e.{column['entry_type']} = %s THEN e.{column['amount']} ELSE 0 END) AS debits, "
        f"SUM(CASE WHEN e.{column['entry_type']} = %s THEN e.{column['amount']} ELSE 0 END) AS credits, "
        f"count(*) AS entries FROM {quote(Entry._meta.db_table)} e WHERE {' AND '.join(conditions)}"
    )
    # An account of no entry in the window (none after its closing, a closing of zeros) stays out.
    shown = "(p.entries > 0 OR l.debits <> 0 OR l.credits <> 0)"
    return (
        f"WITH {chosen}latest AS ({latest}) "
        f"SELECT a.*, COALESCE(l.debits, 0) + COALESCE(p.debits, 0) AS ledger_debits, "
        f"COALESCE(l.credits, 0) + COALESCE(p.credits, 0) AS ledger_credits "
        f"FROM {quote(Account._meta.db_table)} a LEFT JOIN latest l ON l.account_id = {account_id} "
        f"CROSS JOIN LATERAL ({entries}) p "
        f"WHERE {shown}{f' AND {account_id} IN (SELECT id FROM chosen)' if chosen else ''} ORDER BY a.{code}, a.{org}"
    )


def sum_to_decimal(value: Any, *, vendor: str) -> Decimal:
    """The exact ``Decimal`` of a ``signed_sum``/``side_sum`` result (``None``, an empty sum, is zero)."""
    if vendor == "sqlite":
        return units_to_decimal(value)
    if value is None:
        return Decimal(0).scaleb(-DECIMAL_PLACES)
    return Decimal(value)


def units_to_decimal(value: Any) -> Decimal:
    """The exact ``Decimal`` of a sum of whole ten-thousandths (``posted_units``); ``None``, an empty sum, is zero."""
    return Decimal(int(value) if value is not None else 0).scaleb(-DECIMAL_PLACES)


__all__ = [
    "BEGINNING",
    "AccountQuerySet",
    "EntryQuerySet",
    "TransactionQuerySet",
    "balance_parameters",
    "balance_sql",
    "locked_for_writing",
    "side_sum",
    "signed_sum",
    "sum_to_decimal",
    "trial_balance_parameters",
    "trial_balance_sql",
    "units_to_decimal",
]
