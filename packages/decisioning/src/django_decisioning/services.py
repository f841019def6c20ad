"""Write paths: run a call exactly once per idempotency key, record decisions, purge expired keys."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, IntegrityError, OperationalError, connections, router, transaction
from django.db import models as db_models
from django.utils import timezone

from django_basemodels.arguments import renamed_keywords, require_saved, require_user
from django_basemodels.fields import canonical_object_id
from django_basemodels.generic import generic_key_values
from django_basemodels.limits import json_within_limit
from django_basemodels.transactions import is_deadlock, retry_on_deadlock
from django_decisioning import conf
from django_decisioning.canonical import request_fingerprint, to_json_value
from django_decisioning.exceptions import (
    IdempotencyConflictError,
    IdempotencyInProgressError,
    InvalidDecisionError,
    StoredResultUnavailableError,
    UnsupportedValueError,
)
from django_decisioning.models import Decision, IdempotencyKey
from django_decisioning.querysets import require_aware

logger = logging.getLogger(__name__)

T = TypeVar("T")

State = IdempotencyKey.State
Kind = IdempotencyKey.ResultKind

_DEFAULT: Any = object()
# A claim normally settles in one or two rounds (insert, or read what the winner left); more
# rounds mean the row keeps changing under us, which callers should treat like a busy key.
_MAX_CLAIM_ROUNDS = 5
# A claim that the database chose as a deadlock victim, before ``func`` ran, is taken again from the start.
_CLAIM_ATTEMPTS = 5
_LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL: lock_timeout ran out
_MYSQL_LOCK_WAIT_TIMEOUT = 1205  # MariaDB/MySQL: innodb_lock_wait_timeout ran out


def run_idempotent(
    *,
    scope: str,
    key: str,
    func: Callable[..., Any],
    args: Sequence[Any] = (),
    kwargs: Mapping[str, Any] | None = None,
    fingerprint: str | None = None,
    ttl: dt.timedelta | None = _DEFAULT,
    replay: Callable[[], Any] | None = None,
) -> Any:
    """Run ``func(*args, **kwargs)`` at most once per ``(scope, key)`` and return its result.

    Guarantees, on PostgreSQL and MariaDB/MySQL with any number of connections and on SQLite:

    - the first call runs ``func`` in ``transaction.atomic()`` together with the insertion of
      the key row; its effects and the stored result commit together, or neither does;
    - a repeat with the same fingerprint after success does not run ``func``: it returns the
      stored result: a model instance re-fetched from the database (``_base_manager``), a
      list/tuple of instances re-fetched in order, or a copy of the JSON snapshot;
    - a concurrent duplicate waits on the unique index until the first call ends, then
      returns its result (or runs, if the first call failed); on MariaDB/MySQL duplicates queue
      on a named lock of the key (``GET_LOCK``) so that no two wait on the row at once, which
      InnoDB would break as a deadlock; a claim that still loses a deadlock before ``func`` ran
      is taken again when this call owns the transaction;
    - if ``func`` raised, everything it wrote is rolled back and a later call runs again; the
      key is recorded as ``failed`` with the error text when the surrounding transaction
      allows (best effort: inside a caller's transaction that later rolls back, it is not kept).

    ``fingerprint`` defaults to ``request_fingerprint({"args": args, "kwargs": kwargs})``.
    ``ttl`` defaults to ``DECISIONING_IDEMPOTENCY_TTL``; ``None`` keeps the key forever. A key
    past its expiry is treated as absent.

    ``replay`` makes the key durable beyond the TTL: a service whose facts store the key under a
    unique constraint passes a function that returns what an earlier call with this key created
    (or ``None``). It runs after the key is claimed and before ``func``; what it returns is stored
    and returned as the result, and ``func`` does not run. The TTL then only governs how long the
    stored response is replayed from the key row.

    Raises ``IdempotencyConflictError`` when the key was used with another fingerprint,
    ``IdempotencyInProgressError`` when the key is held by a call that has not finished (the same
    transaction re-entering, a ``processing`` row committed elsewhere, or the wait exceeding
    ``DECISIONING_IDEMPOTENCY_LOCK_TIMEOUT`` on PostgreSQL and MariaDB/MySQL), ``StoredResultUnavailableError`` when a
    stored instance is gone, and ``UnsupportedValueError`` (after rolling the call back) when the
    result is neither a saved model instance, a list/tuple of them, nor plain JSON data, or is
    JSON larger than ``DECISIONING_MAX_JSON_BYTES``.
    """
    _validate_key(scope, key)
    kwargs = dict(kwargs or {})
    if fingerprint is None:
        fingerprint = request_fingerprint({"args": list(args), "kwargs": kwargs})
    ttl = conf.idempotency_ttl() if ttl is _DEFAULT else ttl
    using = router.db_for_write(IdempotencyKey)
    owns_transaction = not connections[using].in_atomic_block
    for attempt in range(1, _CLAIM_ATTEMPTS + 1):
        claimed: IdempotencyKey | None = None
        try:
            with transaction.atomic(using=using):
                finished, row = _claim(scope, key, fingerprint, ttl, using)
                if finished:
                    return _load_result(row, using)
                claimed = row
                earlier = replay() if replay is not None else None
                result = earlier if earlier is not None else func(*args, **kwargs)
                _store_result(row, result, using)
            return result
        except Exception as exc:
            if claimed is not None:
                _record_failure(claimed, exc, using, owns_transaction=owns_transaction)
            elif owns_transaction and attempt < _CLAIM_ATTEMPTS and isinstance(exc, DatabaseError) and is_deadlock(exc):
                # Nothing of the call ran yet and the whole transaction is ours: take the key again.
                continue
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def run_once(
    *,
    scope: str,
    idempotency_key: str | None,
    func: Callable[[], T],
    payload: Mapping[str, Any],
    replay: Callable[[], T | None] | None = None,
    using: str | None = None,
    retry_deadlocks: bool = True,
) -> T:
    """The one idempotency path under every decision surface of every package.

    ``func`` is the whole write, one ``transaction.atomic()`` of its own. Without a key it simply
    runs. With one, it runs through ``run_idempotent`` under ``scope`` (``"<app_label>.<service>"``):
    a repeat with the same ``payload`` returns the first result, another payload raises
    ``IdempotencyConflictError``. ``replay`` (see ``run_idempotent``) finds the facts an earlier call
    stored the key on, so a retry after the key row was purged returns them instead of writing again.

    With ``retry_deadlocks`` (the default), the call is run again from the start when the database
    breaks a deadlock by rolling it back and no caller's transaction is open around it (``using``:
    the database of ``func``'s writes; default the one the router picks for decisions).
    """

    def call() -> T:
        if idempotency_key is None:
            return func()
        return run_idempotent(
            scope=scope, key=idempotency_key, func=func, fingerprint=request_fingerprint(payload), replay=replay
        )

    if not retry_deadlocks:
        return call()
    database = using or router.db_for_write(IdempotencyKey)
    # ``func`` and ``run_idempotent`` each open their own transaction: no second one (nor its savepoint).
    return retry_on_deadlock(call, using=database, atomic=False)()


def _max_length(model: type[db_models.Model], name: str) -> int:
    field = model._meta.get_field(name)
    assert isinstance(field, db_models.CharField) and field.max_length is not None
    return field.max_length


def _validate_key(scope: str, key: str) -> None:
    for name, value in (("scope", scope), ("key", key)):
        limit = _max_length(IdempotencyKey, name)
        if not isinstance(value, str) or not value:
            raise ValueError(f"Idempotency {name} must be a non-empty string, not {value!r}.")
        if len(value) > limit:
            raise ValueError(f"Idempotency {name} is longer than {limit} characters: {value[:40]!r}...")


def _claim(scope: str, key: str, fingerprint: str, ttl: dt.timedelta | None, using: str) -> tuple[bool, IdempotencyKey]:
    """Take the key (False, row) or find its finished result (True, row); raise when neither is possible."""
    now = timezone.now()
    with _key_lock(scope, key, using, on_busy=lambda: _refuse_own_claim(scope, key, fingerprint, now, using)):
        return _claim_rounds(scope, key, fingerprint, ttl, now, using)


def _claim_rounds(
    scope: str, key: str, fingerprint: str, ttl: dt.timedelta | None, now: dt.datetime, using: str
) -> tuple[bool, IdempotencyKey]:
    keys = IdempotencyKey.objects.using(using)
    expires_at = now + ttl if ttl is not None else None
    for _ in range(_MAX_CLAIM_ROUNDS):
        try:
            # This INSERT blocks while another transaction holds an uncommitted row with the same
            # (scope, key), then fails (it committed) or succeeds (it rolled back).
            with _waiting_for_key(scope, key, using):
                row = keys.create(
                    scope=scope, key=key, state=State.PROCESSING, request_fingerprint=fingerprint, expires_at=expires_at
                )
            return False, row
        except IntegrityError:
            pass
        latest = _latest_row(scope, key, using)
        if latest is None:  # purged between our INSERT and this read
            continue
        row = latest
        if row.is_expired(now):
            with _waiting_for_key(scope, key, using):
                keys.filter(pk=row.pk, expires_at__lte=now).delete()
            continue
        if row.state == State.FAILED:
            # A failed key is released: the first caller to flip it back to processing owns it.
            with _waiting_for_key(scope, key, using):
                taken = keys.filter(pk=row.pk, state=State.FAILED).update(
                    state=State.PROCESSING,
                    request_fingerprint=fingerprint,
                    error="",
                    expires_at=expires_at,
                    updated_at=now,
                    completed_at=None,
                )
            if taken:
                row.refresh_from_db(using=using)
                return False, row
            continue
        _refuse_held(row, fingerprint)
        return True, row
    raise IdempotencyInProgressError(f"Idempotency key {scope}:{key} kept changing; retry.", scope=scope, key=key)


def _refuse_held(row: IdempotencyKey, fingerprint: str) -> None:
    """Raise unless ``row`` holds a finished result of the same request."""
    if row.request_fingerprint != fingerprint:
        raise IdempotencyConflictError(
            f"Idempotency key {row.scope}:{row.key} was already used with a different request.",
            scope=row.scope,
            key=row.key,
        )
    if row.state != State.SUCCEEDED:
        raise _in_progress(row.scope, row.key)


def _latest_row(scope: str, key: str, using: str) -> IdempotencyKey | None:
    """The key's row as last committed (or as this transaction wrote it).

    Django talks to MariaDB/MySQL in READ COMMITTED, where a plain read would do; a project that sets
    REPEATABLE READ there reads a transaction's first snapshot again, which may predate the row a
    duplicate INSERT just met. A locking read sees the latest row under either; the shared lock it
    takes is the one that INSERT already holds, so concurrent repeats do not wait for each other.
    """
    queryset = IdempotencyKey.objects.using(using).filter(scope=scope, key=key)
    if connections[using].vendor != "mysql":
        return queryset.first()
    sql, params = queryset.query.get_compiler(using=using).as_sql()
    return next(iter(IdempotencyKey.objects.db_manager(using).raw(f"{sql} LOCK IN SHARE MODE", params)), None)


def _refuse_own_claim(scope: str, key: str, fingerprint: str, now: dt.datetime, using: str) -> None:
    """Raise when this transaction itself holds the key (a re-entrant call), before queueing for the key lock.

    The transaction that queued first waits for this one's row, and this one would wait for that
    one's key lock: neither database sees a cycle through a named lock. This plain read sees the
    transaction's own uncommitted row (and committed ones).
    """
    row = IdempotencyKey.objects.using(using).filter(scope=scope, key=key).first()
    if row is not None and row.state in (State.PROCESSING, State.PENDING) and not row.is_expired(now):
        _refuse_held(row, fingerprint)


def _in_progress(scope: str, key: str) -> IdempotencyInProgressError:
    return IdempotencyInProgressError(
        f"Idempotency key {scope}:{key} is held by a call that is still running.", scope=scope, key=key
    )


@contextmanager
def _key_lock(
    scope: str, key: str, using: str, *, on_busy: Callable[[], None] | None = None, wait: bool = True
) -> Iterator[bool]:
    """On MariaDB/MySQL, let one transaction at a time claim (or record the failure of) ``(scope, key)``.

    InnoDB takes a shared lock on the duplicate that a refused INSERT meets, and a gap lock where
    the row was rolled back: duplicates that all waited for one failing call, or that all try to
    take back one failed key, each hold a lock the others need, and all but one die as deadlock
    victims. Queued on a named lock (``GET_LOCK``), at most one duplicate waits on the row at a
    time and none deadlocks. ``on_busy`` runs, when another connection holds the lock, before
    waiting for it; with ``wait=False`` the block runs at once instead, without the lock. The block
    is told whether it holds the lock. Other vendors need no such lock (PostgreSQL queues
    duplicates itself, SQLite serialises writers): there the block always runs, told ``True``.
    """
    connection = connections[using]
    if connection.vendor != "mysql":
        yield True
        return
    digest = hashlib.sha256("\0".join([str(connection.settings_dict["NAME"]), scope, key]).encode()).hexdigest()
    name = f"django_decisioning:{digest[:40]}"
    timeout = conf.idempotency_lock_timeout()
    with connection.cursor() as cursor:
        cursor.execute("SELECT GET_LOCK(%s, 0)", [name])
        acquired = cursor.fetchone()[0] == 1
        if not acquired and not wait:
            yield False
            return
        if not acquired:
            if on_busy is not None:
                on_busy()
            # No timeout configured: as long as the server lets a transaction wait for a row lock.
            seconds = timeout.total_seconds() if timeout is not None else None
            cursor.execute("SELECT GET_LOCK(%s, COALESCE(%s, @@innodb_lock_wait_timeout))", [name, seconds])
            if cursor.fetchone()[0] != 1:
                raise _in_progress(scope, key)
    try:
        yield True
    finally:
        _execute_on_session(connection, "SELECT RELEASE_LOCK(%s)", [name])


def _execute_on_session(connection: Any, sql: str, params: Sequence[Any]) -> None:
    """Run a statement about the session itself (a named lock, a session variable), which holds
    whatever became of the transaction: on the driver's cursor, since after an error Django refuses
    queries until the atomic block ends."""
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql, params)
        cursor.fetchall()
    finally:
        cursor.close()


@contextmanager
def _waiting_for_key(scope: str, key: str, using: str) -> Iterator[None]:
    """A savepoint whose lock waits are bounded by the lock timeout; running out raises
    ``IdempotencyInProgressError``."""
    try:
        with transaction.atomic(using=using), _lock_timeout(using):
            yield
    except OperationalError as exc:
        cause = exc.__cause__
        if getattr(cause, "sqlstate", None) == _LOCK_NOT_AVAILABLE or (
            connections[using].vendor == "mysql" and getattr(cause, "args", (None,))[0] == _MYSQL_LOCK_WAIT_TIMEOUT
        ):
            raise _in_progress(scope, key) from exc
        raise


@contextmanager
def _lock_timeout(using: str) -> Iterator[None]:
    """Bound lock waits inside the block by ``DECISIONING_IDEMPOTENCY_LOCK_TIMEOUT``.

    PostgreSQL: ``lock_timeout`` for the transaction. MariaDB/MySQL: ``innodb_lock_wait_timeout``
    for the session, in whole seconds (rounded up), restored when the block ends. SQLite
    serialises writers and has no such wait.
    """
    timeout = conf.idempotency_lock_timeout()
    connection = connections[using]
    if timeout is None or connection.vendor not in ("postgresql", "mysql"):
        yield
        return
    if connection.vendor == "mysql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT @@SESSION.innodb_lock_wait_timeout")
            previous = cursor.fetchone()[0]
            cursor.execute("SET SESSION innodb_lock_wait_timeout = %s", [max(1, math.ceil(timeout.total_seconds()))])
        try:
            yield
        finally:
            # A session setting: a savepoint rollback would not undo it.
            _execute_on_session(connection, "SET SESSION innodb_lock_wait_timeout = %s", [previous])
        return
    milliseconds = max(1, math.ceil(timeout.total_seconds() * 1000))
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        previous = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{milliseconds}ms"])
    yield
    # Restored only on success: on failure the savepoint rollback undoes set_config itself.
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


def _instance_label(instance: db_models.Model) -> str:
    if instance._state.adding or instance.pk is None:
        raise UnsupportedValueError(
            f"An idempotent call returned an unsaved {type(instance).__name__}; only saved instances can be replayed."
        )
    return instance._meta.label_lower


def _is_plain_json(value: Any) -> bool:
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_is_plain_json(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain_json(v) for k, v in value.items())
    return False


def _store_result(row: IdempotencyKey, result: Any, using: str) -> None:
    if isinstance(result, db_models.Model):
        _instance_label(result)
        row.result_kind = Kind.INSTANCE
        row.result_type = ContentType.objects.db_manager(using).get_for_model(result)
        row.result_id = canonical_object_id(result.pk)
    elif isinstance(result, (list, tuple)) and all(isinstance(item, db_models.Model) for item in result):
        row.result_kind = Kind.INSTANCE_TUPLE if isinstance(result, tuple) else Kind.INSTANCE_LIST
        row.result_snapshot = [{"model": _instance_label(item), "pk": canonical_object_id(item.pk)} for item in result]
    elif _is_plain_json(result):
        json_within_limit(
            result,
            name=f"The result of idempotent call {row.scope}:{row.key}",
            limit=conf.max_json_bytes(),
            error=UnsupportedValueError,
        )
        row.result_kind = Kind.JSON
        row.result_snapshot = result
    else:
        raise UnsupportedValueError(
            f"An idempotent call returned a {type(result).__name__}, which cannot be replayed: return a saved "
            "model instance, a list or tuple of them, or plain JSON data (dict with str keys, list, str, int, "
            "finite float, bool, None)."
        )
    now = timezone.now()
    row.state = State.SUCCEEDED
    row.completed_at = now
    row.save(
        using=using,
        update_fields=[
            "state",
            "result_kind",
            "result_type",
            "result_id",
            "result_snapshot",
            "completed_at",
            "updated_at",
        ],
    )


def _fetch(label: str, pk: str, row: IdempotencyKey, using: str) -> db_models.Model:
    try:
        model = apps.get_model(label)
        return model._base_manager.using(using).get(pk=pk)
    except (LookupError, db_models.ObjectDoesNotExist) as exc:
        raise StoredResultUnavailableError(
            f"The result of {row.scope}:{row.key} ({label} {pk}) no longer exists.", scope=row.scope, key=row.key
        ) from exc


def _load_result(row: IdempotencyKey, using: str) -> Any:
    if row.result_kind == Kind.INSTANCE:
        assert row.result_type_id is not None
        content_type = ContentType.objects.db_manager(using).get_for_id(row.result_type_id)
        return _fetch(f"{content_type.app_label}.{content_type.model}", row.result_id, row, using)
    if row.result_kind in (Kind.INSTANCE_LIST, Kind.INSTANCE_TUPLE):
        items = [_fetch(item["model"], item["pk"], row, using) for item in row.result_snapshot or []]
        return tuple(items) if row.result_kind == Kind.INSTANCE_TUPLE else items
    return row.result_snapshot


def _record_failure(row: IdempotencyKey, exc: Exception, using: str, *, owns_transaction: bool) -> None:
    """Keep a ``failed`` row for the record; never let this bookkeeping hide ``exc``.

    After the call's own transaction, it takes the key lock like a claim (``_key_lock``), without
    waiting for it: a duplicate holding it is taking the key over, and the record would only be
    overwritten, after delaying the caller's error. Inside a caller's transaction, which may still
    hold the key's row, it does not take the lock: a duplicate holding it may be waiting for that row.
    """
    now = timezone.now()
    limit = conf.max_text_length()
    if not conf.is_positive_int(limit):
        limit = conf.DEFAULT_MAX_TEXT_LENGTH  # a bad setting (check E003 reports it) must not hide exc
    # The failure is kept, never refused, so an over-long text is cut rather than rejected.
    error = f"{type(exc).__qualname__}: {exc}"[:limit]
    keys = IdempotencyKey.objects.using(using)
    try:
        key_lock = _key_lock(row.scope, row.key, using, wait=False) if owns_transaction else nullcontext(True)
        with key_lock as free:
            if not free:
                logger.debug("Idempotency key %s:%s is being taken over: no failure recorded", row.scope, row.key)
                return
            with transaction.atomic(using=using):
                updated = keys.filter(scope=row.scope, key=row.key, state=State.FAILED).update(
                    error=error, updated_at=now, completed_at=now, request_fingerprint=row.request_fingerprint
                )
                if not updated:
                    # ignore_conflicts: a retry may already hold the key again; its row wins.
                    keys.bulk_create(
                        [
                            IdempotencyKey(
                                scope=row.scope,
                                key=row.key,
                                state=State.FAILED,
                                request_fingerprint=row.request_fingerprint,
                                error=error,
                                completed_at=now,
                                expires_at=row.expires_at,
                            )
                        ],
                        ignore_conflicts=True,
                    )
    except DatabaseError:
        logger.warning("Could not record the failure of idempotency key %s:%s", row.scope, row.key, exc_info=True)


def purge_expired_idempotency_keys(*, now: dt.datetime | None = None) -> int:
    """Delete every idempotency key whose ``expires_at`` is at or before ``now``; return how many.

    Expired keys are already treated as absent by ``run_idempotent``; purging only reclaims space.
    """
    now = require_aware(now, "now") if now is not None else timezone.now()
    deleted, _ = IdempotencyKey.objects.expired(now).delete()
    return deleted


@renamed_keywords(actor="by")
def record_decision(
    *,
    action: str,
    by: db_models.Model | None,
    outcome: str,
    target: db_models.Model | None = None,
    on_behalf_of: db_models.Model | None = None,
    evidence: Mapping[str, Any] | None = None,
    effective_at: dt.datetime | None = None,
) -> Decision:
    """Record who (``by``, a saved user or ``None`` for the system) decided ``action`` -> ``outcome``.

    ``action`` is ``"<app_label>.<service>"`` by convention (``"django_stock.issue"``); the user is
    stored as ``Decision.actor`` (``actor=`` is the deprecated name of ``by=``).
    ``target`` is what the decision is about and ``on_behalf_of`` the principal the actor acted
    for (any saved model instance: a Party, an organisation, another user). ``evidence`` is
    stored as a canonical JSON snapshot: ``Decimal`` -> exact string, ``UUID`` -> string, aware
    datetimes -> ISO 8601 UTC; floats, model instances and other objects are refused.
    ``effective_at`` (aware, default now) may be in the past; ``recorded_at`` is always now.

    Validates everything before writing. Raises ``InvalidDecisionError`` for an empty action/outcome or
    one longer than its column (100 characters), ``by`` that is not a saved user, an unsaved
    target or principal, a naive ``effective_at``, or evidence whose canonical JSON is larger than
    ``DECISIONING_MAX_JSON_BYTES`` (default 65,536 bytes); ``UnsupportedValueError`` for evidence
    without an exact JSON form.
    """
    for name, value in (("action", action), ("outcome", outcome)):
        limit = _max_length(Decision, name)
        # The length first: the message of an empty value quotes it whole.
        if isinstance(value, str) and len(value) > limit:
            raise InvalidDecisionError(f"{name} is longer than {limit} characters: {value[:40]!r}...")
        if not isinstance(value, str) or not value.strip():
            raise InvalidDecisionError(f"{name} must be a non-empty string, not {value!r}.")
    require_user(by, name="by", error=InvalidDecisionError)
    require_saved(target, name="target", error=InvalidDecisionError, allow_none=True)
    require_saved(on_behalf_of, name="on_behalf_of", error=InvalidDecisionError, allow_none=True)
    if evidence is not None and not isinstance(evidence, Mapping):
        raise InvalidDecisionError(f"evidence must be a mapping, not {type(evidence).__name__}.")
    snapshot = to_json_value(dict(evidence or {}), path="evidence")
    json_within_limit(snapshot, name="evidence", limit=conf.max_json_bytes(), error=InvalidDecisionError)
    if effective_at is not None:
        try:
            require_aware(effective_at, "effective_at")
        except ValueError as exc:
            raise InvalidDecisionError(str(exc)) from exc
    decision = Decision(
        action=action,
        outcome=outcome,
        # AUTH_USER_MODEL is the site's; the stubs resolve it to the one class of the checked settings.
        actor=by,  # type: ignore[misc]
        actor_repr=str(by)[:255] if by is not None else "",
        evidence=snapshot,
        **generic_key_values("target", target),
        **generic_key_values("on_behalf_of", on_behalf_of),
    )
    if effective_at is not None:
        decision.effective_at = effective_at
    with transaction.atomic(using=router.db_for_write(Decision)):
        decision.save()
    return decision
