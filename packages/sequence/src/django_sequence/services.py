"""Write paths: take the next number of a scope, define a scope."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from django_basemodels.arguments import require_idempotency_key
from django_sequence import conf, postgresql
from django_sequence.choices import GapPolicy, Period
from django_sequence.connections import side_connection
from django_sequence.definitions import rule_for
from django_sequence.exceptions import InvalidIdempotencyKeyError, InvalidMomentError
from django_sequence.keys import OrgLike, canonical_org_key, validate_scope

if TYPE_CHECKING:
    from django_sequence.models import SequenceDefinition

T = TypeVar("T")

# The services; moment_of, column and upsert_returning_supported are helpers the package shares.
__all__ = ["define_sequence", "next_sequence", "next_value"]


def next_value(
    scope: str,
    org: OrgLike = None,
    *,
    at: datetime.date | None = None,
    using: str | None = None,
    idempotency_key: str | None = None,
) -> int:
    """Take the next integer of ``scope`` for ``org`` in the period holding ``at`` (default: now).

    Every value is handed out once, also under concurrent callers. Under the scope's ``gapless``
    policy the increment is part of the caller's transaction: a rollback gives the value back, and
    concurrent callers of the same counter wait until that transaction ends. Under ``allow_gaps`` a
    caller inside a transaction takes the value on a second connection that commits at once: nobody
    waits, and a rollback leaves a gap (on SQLite, which serialises writers anyway, the value is
    taken in the caller's transaction).

    With an ``idempotency_key``, the value is recorded with the key (a ``SequenceIssue`` row, unique
    per scope, org and key) in the transaction that takes it, and a repeat with the same scope, org
    and key returns that value without advancing the counter, however much later (the record does
    not expire; ``at`` of a repeat is not used). Of concurrent calls with one key, one takes a value
    and the others return it. Under ``allow_gaps`` the record commits with the value on the second
    connection, so a caller's rollback does not give the key back either.

    Raises ``InvalidScopeError``, ``InvalidOrgError``, ``InvalidMomentError``,
    ``InvalidIdempotencyKeyError``, and ``SequenceNotDefinedError`` when ``SEQUENCE_REQUIRE_DEFINITION``
    is on and the scope has none.

    The scope's definition is ``org``'s own, else the one without an org, else the defaults.
    """
    value, _number = _take(scope, org, at, using, idempotency_key, formatted=False)
    return value


def next_sequence(
    scope: str,
    org: OrgLike = None,
    *,
    at: datetime.date | None = None,
    using: str | None = None,
    idempotency_key: str | None = None,
) -> str:
    """Take the next number of ``scope`` for ``org`` and return it formatted (``"INV-2026-0001"``).

    Same guarantees, ``idempotency_key`` and errors as ``next_value`` (a repeat with a key returns the
    number as the first call formatted it, whatever the definition says now); the template, prefix and
    padding come from ``org``'s own ``SequenceDefinition`` of the scope, else the one without an org,
    else the defaults (``"INVOICE-0001"`` for ``"invoice"``).
    """
    _value, number = _take(scope, org, at, using, idempotency_key)
    return number


def define_sequence(
    *,
    scope: str,
    org: OrgLike = None,
    prefix: str = "",
    padding: int = conf.DEFAULT_PADDING,
    template: str = conf.DEFAULT_TEMPLATE,
    period: str = Period.AUTO,
    gap_policy: str = GapPolicy.GAPLESS,
    start_value: int = 1,
    using: str | None = None,
) -> SequenceDefinition:
    """Create or replace the definition of ``scope`` for ``org`` and return it.

    ``org=None`` (the default) defines the scope for every org without a definition of its own; an
    org's definition applies to that org alone, over the one without an org. Everything is validated
    before the write: raises ``InvalidScopeError``, ``InvalidOrgError``, ``InvalidTemplateError`` (naming
    the placeholder) or ``InvalidDefinitionError``. Existing counters keep their values; a new
    ``start_value`` applies to counters created from now on (a new org or period).
    """
    from django_sequence.models import SequenceDefinition

    validate_scope(scope)
    key = canonical_org_key(org)
    definition = SequenceDefinition(
        org_key=key,
        scope=scope,
        prefix=prefix,
        padding=padding,
        template=template,
        period=period,
        gap_policy=gap_policy,
        start_value=start_value,
    )
    definition.rule()
    alias = using or router.db_for_write(SequenceDefinition)
    with transaction.atomic(using=alias):
        existing = SequenceDefinition.objects.using(alias).select_for_update().filter(scope=scope, org_key=key).first()
        if existing is not None:
            definition.pk = existing.pk
        definition.save(using=alias)
    return definition


def _take(
    scope: str,
    org: OrgLike,
    at: datetime.date | None,
    using: str | None,
    idempotency_key: str | None,
    *,
    formatted: bool = True,
) -> tuple[int, str]:
    """The value taken (or recorded for ``idempotency_key``) and the number it is formatted as (``""`` when
    not ``formatted`` and no key recorded one)."""
    from django_sequence.models import SequenceCounter

    validate_scope(scope)
    org_key = canonical_org_key(org)
    require_idempotency_key(idempotency_key, error=InvalidIdempotencyKeyError)
    moment = moment_of(at) if at is not None else None
    alias = using or router.db_for_write(SequenceCounter)
    rule = rule_for(scope, alias, org_key)
    if not rule.uses_date:
        moment = None
    elif moment is None:
        moment = moment_of(None)
    connection = connections[alias]
    if (
        rule.gap_policy == GapPolicy.ALLOW_GAPS
        and connection.vendor != "sqlite"
        and _in_callers_transaction(connection)
    ):
        connection = side_connection(alias)
    period = rule.period_key(moment)
    if idempotency_key is None:
        value = _increment(connection, scope, org_key, period, rule.start_value)
        return value, rule.render(value, moment) if formatted else ""
    issue = Issue(
        scope, org_key, period, rule.start_value, idempotency_key, _date_of(moment), lambda v: rule.render(v, moment)
    )
    value, issued_for, number = _in_one_transaction(connection, lambda: _issue_once(connection, issue))
    if number:
        return value, number
    # A record from before numbers were stored: formatted again, for the recorded date (a record from
    # before the scope's template used a date has none: the repeat's own moment stands in).
    return value, rule.render(value, (issued_for or moment) if rule.uses_date else None)


def moment_of(at: datetime.date | None) -> datetime.date:
    """The date or local datetime that picks the period: ``at`` (validated) or now, in the current time zone."""
    if at is None:
        at = timezone.now()  # naive when USE_TZ is off
    if isinstance(at, datetime.datetime):
        if timezone.is_aware(at):
            # the period is the one of the current time zone: 23:30 UTC on 31 December may be next year already
            return timezone.localtime(at)
        if settings.USE_TZ:
            raise InvalidMomentError(f"at={at!r} is naive while USE_TZ is on; pass an aware datetime.")
        return at
    if isinstance(at, datetime.date):
        return at
    raise InvalidMomentError(f"at must be a datetime or a date, not {type(at).__name__}.")


def _in_callers_transaction(connection: BaseDatabaseWrapper) -> bool:
    if connection.get_autocommit():
        return False
    # The atomic blocks Django's TestCase wraps each test in are not the caller's transaction (as for
    # durable=True): inside them, allow_gaps stays on the test's connection and rolls back with the test.
    blocks = connection.atomic_blocks
    return not blocks or not all(getattr(block, "_from_testcase", False) for block in blocks)


_statements: dict[str, dict[str, str]] = {}


def _sql(connection: BaseDatabaseWrapper) -> dict[str, str]:
    key = connection.vendor
    statements = _statements.get(key)
    if statements is None:
        from django_sequence.models import SequenceCounter

        quote = connection.ops.quote_name
        table = quote(SequenceCounter._meta.db_table)
        scope, org, period, last = (
            quote(column(SequenceCounter, name)) for name in ("scope", "org_key", "period_key", "last_value")
        )
        where = f"{scope} = %s AND {org} = %s AND {period} = %s"
        insert = f"INSERT INTO {table} ({scope}, {org}, {period}, {last}) VALUES (%s, %s, %s, %s)"
        if connection.vendor == "mysql":
            # In ON DUPLICATE KEY UPDATE, a column names the value of the row already there.
            upsert = f"{insert} ON DUPLICATE KEY UPDATE {last} = {last} + 1"
        else:
            upsert = f"{insert} ON CONFLICT ({scope}, {org}, {period}) DO UPDATE SET {last} = {table}.{last} + 1"
        statements = _statements[key] = {
            "upsert returning": f"{upsert} RETURNING {last}",
            "upsert": upsert,
            "update": f"UPDATE {table} SET {last} = {last} + 1 WHERE {where}",
            "select": f"SELECT {last} FROM {table} WHERE {where}",
            "insert": insert,
        }
    return statements


def column(model: type[models.Model], name: str) -> str:
    """The database column of ``model``'s concrete field ``name``."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise TypeError(f"{model._meta.label}.{name} is not a field with a column.")
    return field.column


def upsert_returning_supported(connection: BaseDatabaseWrapper) -> bool:
    """Whether the database takes an upsert that returns the value it wrote, in one round trip:
    ``INSERT ... ON CONFLICT ... DO UPDATE ... RETURNING`` (PostgreSQL, SQLite 3.35 or later) or
    ``INSERT ... ON DUPLICATE KEY UPDATE ... RETURNING`` (MariaDB 10.5 or later; not MySQL)."""
    if connection.vendor == "postgresql":
        return True
    # The stubs type the base class; these attributes are the MySQL and SQLite backends' own.
    backend: Any = connection
    if connection.vendor == "mysql":
        return bool(backend.mysql_is_mariadb and backend.mysql_version >= (10, 5))
    return connection.vendor == "sqlite" and backend.Database.sqlite_version_info >= (3, 35, 0)


def _increment(connection: BaseDatabaseWrapper, scope: str, org_key: str, period_key: str, start: int) -> int:
    key = [scope, org_key, period_key]
    if upsert_returning_supported(connection):
        if postgresql.applies(connection):
            return postgresql.increment(connection, _sql(connection)["upsert returning"], key, start)
        with connection.cursor() as cursor:
            cursor.execute(_sql(connection)["upsert returning"], [*key, start])
            return cursor.fetchone()[0]
    steps = _upsert_then_select if connection.vendor == "mysql" else _update_or_insert
    return _in_one_transaction(connection, lambda: steps(connection, key, start))


def _in_one_transaction(connection: BaseDatabaseWrapper, steps: Callable[[], T]) -> T:
    """``steps()`` in the caller's transaction, or in one of its own committed at once (in autocommit)."""
    if not connection.get_autocommit():
        return steps()
    # `connection` may be the allow_gaps side connection, which django.db.transaction.atomic()
    # cannot address (it is not in django.db.connections).
    connection.set_autocommit(False)
    try:
        value = steps()
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        connection.set_autocommit(True)
    return value


@dataclass(frozen=True)
class Issue:
    """One call of ``next_value`` with an idempotency key: the counter it advances and what it records."""

    scope: str
    org_key: str
    period_key: str
    start: int
    idempotency_key: str
    period_date: datetime.date | None
    render: Callable[[int], str]  # the number a value is handed out as


def _issue_once(connection: BaseDatabaseWrapper, issue: Issue) -> tuple[int, datetime.date | None, str]:
    """The value recorded for the issue's key, or the next value of its counter recorded with the key.

    Runs inside a transaction on ``connection``. The increment and the record's INSERT share a
    savepoint: when the INSERT meets the unique constraint (a concurrent call with the key committed
    first), the increment is rolled back with it and the committed record is read and returned.
    """
    sql = _issue_sql(connection)
    lookup = [issue.scope, issue.org_key, issue.idempotency_key]
    with connection.cursor() as cursor:
        cursor.execute(sql["select"], lookup)
        row = cursor.fetchone()
        if row is not None:
            return _recorded(connection, row)
        try:
            with _savepoint(connection):
                value = _increment(connection, issue.scope, issue.org_key, issue.period_key, issue.start)
                number = issue.render(value)
                cursor.execute(
                    sql["insert"],
                    [
                        *lookup,
                        value,
                        issue.period_key,
                        connection.ops.adapt_datefield_value(issue.period_date),
                        number,
                        connection.ops.adapt_datetimefield_value(timezone.now()),
                    ],
                )
        except IntegrityError:
            # A locking read: on MariaDB/MySQL a plain read would see the transaction's snapshot,
            # taken before the other call committed its record.
            cursor.execute(sql["select for update"], lookup)
            return _recorded(connection, cursor.fetchone())
        return value, issue.period_date, number


@contextmanager
def _savepoint(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Roll back what the block wrote when it raises, and only that (the transaction goes on).

    Runs inside a transaction on ``connection``. Django's own connection takes ``atomic()``, which
    knows its state (SQLite takes savepoints only in an atomic block); the ``allow_gaps`` side
    connection, which ``atomic()`` cannot address, takes the savepoint statements directly.
    """
    if connection is connections[connection.alias]:
        with transaction.atomic(using=connection.alias):
            yield
        return
    savepoint = connection.savepoint()
    if savepoint is None:  # pragma: no cover - a side connection is never in autocommit here
        raise RuntimeError("A savepoint needs an open transaction on a database that supports savepoints.")
    try:
        yield
    except BaseException:
        connection.savepoint_rollback(savepoint)
        raise
    connection.savepoint_commit(savepoint)


def _recorded(connection: BaseDatabaseWrapper, row: Any) -> tuple[int, datetime.date | None, str]:
    value, period_date, number = row  # every backend converts a date column to datetime.date
    return int(value), period_date, number or ""


def _date_of(moment: datetime.date | None) -> datetime.date | None:
    return moment.date() if isinstance(moment, datetime.datetime) else moment


_issue_statements: dict[str, dict[str, str]] = {}


def _issue_sql(connection: BaseDatabaseWrapper) -> dict[str, str]:
    key = connection.vendor
    statements = _issue_statements.get(key)
    if statements is None:
        from django_sequence.models import SequenceIssue

        quote = connection.ops.quote_name
        table = quote(SequenceIssue._meta.db_table)
        names = ("scope", "org_key", "idempotency_key", "value", "period_key", "period_date", "number", "issued_at")
        scope, org, idempotency_key, value, period, period_date, number, issued_at = (
            quote(column(SequenceIssue, name)) for name in names
        )
        where = f"{scope} = %s AND {org} = %s AND {idempotency_key} = %s"
        select = f"SELECT {value}, {period_date}, {number} FROM {table} WHERE {where}"
        statements = _issue_statements[key] = {
            "select": select,
            "select for update": f"{select} FOR UPDATE" if connection.features.has_select_for_update else select,
            "insert": f"INSERT INTO {table} ({scope}, {org}, {idempotency_key}, {value}, {period}, {period_date}, "
            f"{number}, {issued_at}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        }
    return statements


def _upsert_then_select(connection: BaseDatabaseWrapper, key: list[str], start: int) -> int:
    """For MySQL (no RETURNING): the upsert, then a read of the row it wrote and keeps locked.

    Not an UPDATE, then an INSERT: on InnoDB, callers creating one counter at once would each hold a
    shared lock on the row from the INSERT's duplicate-key check and then all wait to update it, a
    deadlock. The upsert takes the row's lock exclusively at once, so they queue instead.
    """
    sql = _sql(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql["upsert"], [*key, start])
        cursor.execute(sql["select"], key)
        return cursor.fetchone()[0]


def _update_or_insert(connection: BaseDatabaseWrapper, key: list[str], start: int) -> int:
    """For databases without an upsert that returns (SQLite before 3.35): UPDATE, else INSERT."""
    sql = _sql(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql["update"], key)
        if cursor.rowcount == 0:
            try:
                with _savepoint(connection):
                    cursor.execute(sql["insert"], [*key, start])
            except IntegrityError:
                # A concurrent caller inserted the counter after our UPDATE; it is committed now.
                cursor.execute(sql["update"], key)
            else:
                return start
        cursor.execute(sql["select"], key)
        return cursor.fetchone()[0]
