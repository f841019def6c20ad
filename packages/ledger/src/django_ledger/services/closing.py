"""Closing the books: the accounts' debits and credits through an instant, stored so balances start from them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

from django_basemodels.arguments import require_aware, require_saved, require_user
from django_basemodels.tenancy import InvalidOrgError, OrgLike, org_key
from django_basemodels.transactions import retry_on_deadlock
from django_basemodels.uuids import new_uuid
from django_decisioning.services import record_decision
from django_ledger.exceptions import InvalidClosingError
from django_ledger.models import Account, ClosingBalance, Entry
from django_ledger.querysets import BEGINNING, _closing_columns, _column, _units, locked_for_writing, sum_to_decimal

# The decision action of close_books (recorded when it is given ``by``).
CLOSE_BOOKS_ACTION = "django_ledger.close_books"
_DATETIME = models.DateTimeField()
_PERIOD_SQL: dict[tuple[str, int], str] = {}


def _period_sql(vendor: str, quote: Callable[[str], str], count: int) -> str:
    """Per account of ``count``: the previous closing (its debits, credits) and the sums of the posted entries
    effective after it and at or before the new ``through``. Parameters: through, beginning, through,
    beginning, through, then the ``count`` account ids. Each sum is a range of the entry index."""
    key = (vendor, count)
    if key not in _PERIOD_SQL:
        entry = {name: quote(_column(Entry, name)) for name in ("account", "amount", "entry_type", "effective_at")}
        recorded_at = quote(_column(Entry, "recorded_at"))
        closing = _closing_columns(quote)
        closing_table = quote(ClosingBalance._meta.db_table)
        account_id = quote(_column(Account, "id"))

        def period_sum(side: str) -> str:
            amount = _units(f"e.{entry['amount']}", vendor)
            return (
                f"(SELECT SUM({amount}) FROM {quote(Entry._meta.db_table)} e "
                f"WHERE e.{entry['account']} = a.{account_id} AND e.{entry['entry_type']} = '{side}' "
                f"AND e.{recorded_at} IS NOT NULL AND e.{entry['effective_at']} <= %s "
                f"AND e.{entry['effective_at']} > COALESCE(p.{closing['closed_through']}, %s))"
            )

        marks = ", ".join(["%s"] * count)
        _PERIOD_SQL[key] = (
            f"SELECT a.{account_id}, {_units('p.' + closing['debits'], vendor)}, "
            f"{_units('p.' + closing['credits'], vendor)}, {period_sum('debit')}, {period_sum('credit')} "
            f"FROM {quote(Account._meta.db_table)} a LEFT JOIN {closing_table} p "
            f"ON p.{closing['account']} = a.{account_id} AND p.{closing['closed_through']} = ("
            f"SELECT MAX(q.{closing['closed_through']}) FROM {closing_table} q "
            f"WHERE q.{closing['account']} = a.{account_id} AND q.{closing['closed_through']} < %s) "
            f"WHERE a.{account_id} IN ({marks})"
        )
    return _PERIOD_SQL[key]


def _validate_accounts(accounts: Any, key: str) -> list[Account] | None:
    if accounts is None:
        return None
    if isinstance(accounts, (str, bytes, Account)) or not isinstance(accounts, Iterable):
        raise InvalidClosingError(f"accounts must be a list of accounts or None, not {type(accounts).__name__}.")
    found = [
        require_saved(account, name=f"accounts[{index}]", error=InvalidClosingError, model=Account)
        for index, account in enumerate(accounts)
    ]
    others = sorted(account.code for account in found if account.org_key != key)
    if others:
        raise InvalidClosingError(
            f"Accounts {', '.join(others)} are not of organization {key!r}: pass their org= "
            "(one organization per call)."
        )
    return found


def close_books(
    *,
    through: dt.datetime,
    org: OrgLike = None,
    accounts: Iterable[Account] | None = None,
    by: models.Model | None = None,
) -> list[ClosingBalance]:
    """Close the books of ``org``'s accounts (or of ``accounts``, all of ``org``) through ``through``; return the
    closing balances written.

    For each account not yet closed through ``through`` (an account closed through it or a later instant
    is skipped, so a repeat writes nothing), in one database transaction: its ``closed_through`` becomes
    ``through`` (no entry effective at or before it is posted on it afterwards: ``PeriodClosedError``
    from the services, a refusal from the database for raw SQL), and a ``ClosingBalance`` stores its
    posted debits and credits with ``effective_at <= through``, computed as its previous closing plus the
    entries of the period since (a close costs one period, not the history). Four statements whatever the
    number of accounts (lock, update, sums, insert), five with ``by`` (a user), which records a
    ``Decision`` ``django_ledger.close_books``. Balances (``get_balance``, ``trial_balance``) then start
    from the latest closing instead of the first entry.

    ``org`` is the organization of the accounts (``None``, the default: the accounts of no organization).
    Raises ``InvalidClosingError`` before writing anything for a naive ``through`` or one in the future, an
    ``org`` naming no organization, ``accounts`` that are not saved accounts or not of ``org``.
    """
    require_aware(through, name="through", error=InvalidClosingError, allow_none=False)
    now = timezone.now()
    if through > now:
        raise InvalidClosingError(
            f"through ({through.isoformat()}) is in the future: pass an instant at or before now ({now.isoformat()})."
        )
    try:
        key = org_key(org)
    except InvalidOrgError as exc:
        raise InvalidClosingError(str(exc)) from exc
    chosen = _validate_accounts(accounts, key)
    require_user(by, error=InvalidClosingError)
    using = router.db_for_write(ClosingBalance)

    def close() -> list[ClosingBalance]:
        return _close(through=through, key=key, chosen=chosen, by=by, using=using)

    # In one transaction.atomic(), again when the database breaks a deadlock (with a concurrent posting).
    return retry_on_deadlock(close, using=using)()


def _close(
    *, through: dt.datetime, key: str, chosen: list[Account] | None, by: models.Model | None, using: str
) -> list[ClosingBalance]:
    if chosen is not None and not chosen:
        return []
    queryset = Account._base_manager.using(using).filter(org_key=key)
    if chosen is not None:
        queryset = queryset.filter(pk__in=[account.pk for account in chosen])
    locked = list(locked_for_writing(queryset.order_by("pk")).values_list("pk", "closed_through"))
    open_ids = [pk for pk, closed_through in locked if closed_through is None or closed_through < through]
    if not open_ids:
        return []
    Account._base_manager.using(using).filter(pk__in=open_ids).update(closed_through=through)
    # After the update: every posting it waited for committed before this instant.
    recorded_at = timezone.now()
    connection = connections[using]
    vendor = connection.vendor
    moment = _DATETIME.get_db_prep_value(through, connection)
    beginning = _DATETIME.get_db_prep_value(BEGINNING, connection)
    ids = [Account._meta.pk.get_db_prep_value(pk, connection) for pk in open_ids]
    with connection.cursor() as cursor:
        cursor.execute(
            _period_sql(vendor, connection.ops.quote_name, len(ids)),
            [moment, beginning, moment, beginning, moment, *ids],
        )
        sums = {
            Account._meta.pk.to_python(pk): (
                _decimal(previous_debits, vendor) + _decimal(debits, vendor),
                _decimal(previous_credits, vendor) + _decimal(credits, vendor),
            )
            for pk, previous_debits, previous_credits, debits, credits in cursor.fetchall()
        }
    closings = [
        ClosingBalance(
            id=new_uuid(),
            account_id=pk,
            closed_through=through,
            effective_at=through,
            recorded_at=recorded_at,
            debits=sums[pk][0],
            credits=sums[pk][1],
        )
        for pk in open_ids
    ]
    ClosingBalance.objects.using(using).bulk_create(closings)
    if by is not None:
        record_decision(
            action=CLOSE_BOOKS_ACTION,
            by=by,
            outcome="closed",
            evidence={
                "org": key,
                "through": through,
                "closings": [
                    {"account": str(closing.account_id), "debits": closing.debits, "credits": closing.credits}
                    for closing in closings
                ],
            },
            effective_at=through,
        )
    return closings


def _decimal(value: Any, vendor: str) -> Decimal:
    return sum_to_decimal(value, vendor=vendor)
