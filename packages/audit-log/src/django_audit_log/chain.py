"""The hash chain: each entry's SHA-256 covers its content and the previous entry's hash.

With ``AUDIT_LOG_HASH_CHAIN = True`` every new entry takes the next ``sequence`` number,
``prev_hash`` (the hash of the entry before it, 64 zeros for the first) and ``entry_hash``,
the SHA-256 of the canonical JSON (``encoding.canonical_json``) of::

    {"v": 2, "id", "sequence", "recorded_at", "effective_at", "action", "model_label", "object_id",
     "object_repr", "actor_id", "actor_repr", "changes", "metadata", "ip_address", "user_agent",
     "request_id", "sensitivity", "prev_hash"}

Entries chained before entries had two times (version 1) hashed ``"v": 1`` and ``"created_at"`` (now
``recorded_at``) instead of the two times. The migration that added ``effective_at`` set it to
``recorded_at`` on them, so a version 1 hash is accepted only for an entry whose two times are equal:
changing the ``effective_at`` of an old entry is detected like any other change.

Appends are serialised: on PostgreSQL by a transaction-scoped advisory lock taken before the
head of the chain is read, held until the writing transaction ends; on MariaDB and MySQL by the
exclusive lock on the one row of ``ChainLock``, held as long, after which the head is read with a
locking read (``FOR UPDATE`` reads the newest committed head, where a plain read under
``REPEATABLE READ`` could see the transaction's older snapshot); SQLite serialises writers itself.
The unique ``sequence`` turns any fork that slipped through into an ``IntegrityError``.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import ipaddress
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.db import connections, router

from django_audit_log.encoding import canonical_json
from django_basemodels import canonical_object_id

if TYPE_CHECKING:
    from django_audit_log.models import AuditLog

GENESIS_HASH = "0" * 64
#: The version of the hashed content new entries get; ``LEGACY_CHAIN_VERSION`` is the one before ``effective_at``.
CHAIN_VERSION = 2
LEGACY_CHAIN_VERSION = 1
#: pg_advisory_xact_lock key serialising chain appends: the bytes of "auditlog" as a bigint.
CHAIN_LOCK_KEY = int.from_bytes(b"auditlog", "big")


#: The columns the hash covers (every one but ``entry_hash``), in the order ``hashed_content`` takes them.
HASHED_FIELDS = (
    "id",
    "sequence",
    "recorded_at",
    "effective_at",
    "action",
    "model_label",
    "object_id",
    "object_repr",
    "actor_id",
    "actor_repr",
    "changes",
    "metadata",
    "ip_address",
    "user_agent",
    "request_id",
    "sensitivity",
    "prev_hash",
)
_RECORDED_AT = HASHED_FIELDS.index("recorded_at")
_EFFECTIVE_AT = HASHED_FIELDS.index("effective_at")


def _timestamp(value: datetime.datetime) -> str:
    if value.tzinfo is not None and value.tzinfo is not datetime.timezone.utc:  # the databases' own, already UTC
        value = value.astimezone(datetime.timezone.utc)
    return value.isoformat(timespec="microseconds")


@functools.lru_cache(maxsize=4096)  # a log holds few distinct addresses; parsing one costs more than the rest
def _ip(value: str | None) -> str | None:
    # PostgreSQL's inet and Python spell some IPv6 forms differently; the exploded form is one spelling.
    if value is None:
        return None
    try:
        return ipaddress.ip_address(value).exploded
    except ValueError:
        return value


def hashed_content(
    id_: Any,
    sequence: int | None,
    recorded_at: datetime.datetime,
    effective_at: datetime.datetime | None,
    action: str,
    model_label: str,
    object_id: str,
    object_repr: str,
    actor_id: Any,
    actor_repr: str,
    changes: Any,
    metadata: Any,
    ip_address: str | None,
    user_agent: str,
    request_id: str,
    sensitivity: str,
    prev_hash: str,
    *,
    version: int = CHAIN_VERSION,
) -> dict[str, Any]:
    """The hashed content of an entry whose columns (``HASHED_FIELDS``, as the ORM reads them) have these
    values, as JSON data, in the form of ``version``: the one definition of what the hash covers.

    Version 1 does not read ``effective_at``. Raises ``ValueError`` for an unknown version.
    """
    if version != CHAIN_VERSION and version != LEGACY_CHAIN_VERSION:
        raise ValueError(f"unknown hash chain version {version!r}")
    entry_id = id_ if isinstance(id_, uuid.UUID) else uuid.UUID(str(id_))
    content = {
        "v": version,
        "id": entry_id.hex,
        "sequence": sequence,
        "action": action,
        "model_label": model_label,
        "object_id": object_id,
        "object_repr": object_repr,
        "actor_id": None if actor_id is None else canonical_object_id(actor_id),
        "actor_repr": actor_repr,
        "changes": changes,
        "metadata": metadata,
        "ip_address": _ip(ip_address),
        "user_agent": user_agent,
        "request_id": request_id,
        "sensitivity": sensitivity,
        "prev_hash": prev_hash,
    }
    if version == CHAIN_VERSION:
        content["recorded_at"] = _timestamp(recorded_at)
        content["effective_at"] = _timestamp(cast(datetime.datetime, effective_at))
    else:
        content["created_at"] = _timestamp(recorded_at)
    return content


def entry_content(entry: AuditLog, *, version: int = CHAIN_VERSION) -> dict[str, Any]:
    """The hashed content of ``entry`` (everything but ``entry_hash``), as JSON data, in the form of ``version``."""
    return hashed_content(
        entry.id,
        entry.sequence,
        entry.recorded_at,
        # Version 1 content predates the column: an object holding only the former columns has a version 1 hash.
        entry.effective_at if version == CHAIN_VERSION else None,
        entry.action,
        entry.model_label,
        entry.object_id,
        entry.object_repr,
        entry.actor_id,
        entry.actor_repr,
        entry.changes,
        entry.metadata,
        entry.ip_address,
        entry.user_agent,
        entry.request_id,
        entry.sensitivity,
        entry.prev_hash,
        version=version,
    )


def _content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def compute_entry_hash(entry: AuditLog, *, version: int = CHAIN_VERSION) -> str:
    """SHA-256 (hex) of the canonical JSON of ``entry_content(entry, version=version)``."""
    return _content_hash(entry_content(entry, version=version))


def _values_match(values: Sequence[Any], entry_hash: str) -> bool:
    # ``values`` are those of HASHED_FIELDS, in order.
    if _content_hash(hashed_content(*values)) == entry_hash:
        return True
    return values[_EFFECTIVE_AT] == values[_RECORDED_AT] and (
        _content_hash(hashed_content(*values, version=LEGACY_CHAIN_VERSION)) == entry_hash
    )


def hash_matches(entry: AuditLog) -> bool:
    """Whether ``entry_hash`` is the hash of the entry's content: of version 2, or of version 1 for an
    entry chained before ``effective_at`` existed (whose ``effective_at`` must then equal ``recorded_at``)."""
    return _values_match([getattr(entry, name) for name in HASHED_FIELDS], entry.entry_hash)


_HEAD = (
    "SELECT sequence, entry_hash FROM django_audit_log_auditlog "
    "WHERE sequence IS NOT NULL ORDER BY sequence DESC LIMIT 1"
)


def _mysql_chain_lock() -> str:
    from django_audit_log.models import ChainLock

    # Writes the row when a flush or a fresh table left none, and locks it exclusively either way: on a
    # duplicate key InnoDB takes an exclusive lock on the existing row, held until the transaction ends.
    # (A SELECT ... FOR UPDATE of an absent row would take a gap lock, which two appenders can share and
    # then deadlock on when both insert the row.)
    return f"INSERT INTO `{ChainLock._meta.db_table}` (`id`) VALUES (1) ON DUPLICATE KEY UPDATE `id` = `id`"


def chain_entries(entries: Sequence[AuditLog], using: str) -> None:
    """Give ``entries`` the next sequence numbers and their hashes. Call inside the writing transaction:
    the lock that serialises appends is held until it ends."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Two statements in one round trip. The second takes its snapshot after the lock is
            # granted, so under READ COMMITTED it sees the head committed by the previous holder.
            cursor.execute(f"SELECT pg_advisory_xact_lock({CHAIN_LOCK_KEY}); {_HEAD}")
            cursor.nextset()
        elif connection.vendor == "mysql":
            cursor.execute(_mysql_chain_lock())
            # A locking read sees the newest committed head; a plain one would read the transaction's
            # REPEATABLE READ snapshot, which may predate the previous holder's commit.
            cursor.execute(f"{_HEAD} FOR UPDATE")
        else:
            cursor.execute(_HEAD)
        head = cursor.fetchone()
    sequence, prev_hash = head if head else (0, GENESIS_HASH)
    for entry in entries:
        sequence += 1
        entry.sequence = sequence
        entry.prev_hash = prev_hash
        entry.entry_hash = compute_entry_hash(entry)
        prev_hash = entry.entry_hash


@dataclass(frozen=True)
class ChainProblem:
    """The first place where the chain does not hold.

    ``kind`` is ``"altered"`` (an entry's content no longer matches its hash), ``"removed"``
    (a sequence number is missing), ``"out_of_order"`` (an entry does not follow the entry
    before it) or ``"unchained"`` (an entry without a sequence, dated after the chain began).
    """

    kind: str
    sequence: int | None
    entry_id: uuid.UUID | None
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ChainReport:
    """What ``verify_chain()`` found: how many chained entries it checked, the head, the first problem."""

    checked: int
    head_sequence: int | None
    head_hash: str
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _describe(entry_id: uuid.UUID, sequence: int) -> str:
    return f"entry {entry_id} (sequence {sequence})"


#: Rows verify_chain() reads per round trip (per page where the driver cannot stream).
_CHUNK_SIZE = 2000
#: Vendors whose driver streams the rows of ``QuerySet.iterator()``: a server-side cursor on PostgreSQL,
#: ``fetchmany()`` stepping the statement on SQLite. MySQLdb's cursor stores the whole result client side.
_STREAMING_VENDORS = frozenset({"postgresql", "sqlite"})


def _chained_rows(db: str) -> Iterator[tuple[Any, ...]]:
    """The values of ``HASHED_FIELDS`` and ``entry_hash`` of every chained entry, in sequence order, read in
    chunks: memory does not grow with the table. Plain tuples, decoded by the fields as a model would be."""
    from django_audit_log.models import AuditLog

    rows = (
        AuditLog.objects.using(db)
        .filter(sequence__isnull=False)
        .order_by("sequence")
        .values_list(*HASHED_FIELDS, "entry_hash")
    )
    if connections[db].vendor in _STREAMING_VENDORS:
        yield from rows.iterator(chunk_size=_CHUNK_SIZE)  # one query, one snapshot
        return
    # Pages by sequence (the unique index): each page is one query of at most _CHUNK_SIZE rows.
    page = list(rows[:_CHUNK_SIZE])
    while page:
        yield from page
        if len(page) < _CHUNK_SIZE:
            return
        page = list(rows.filter(sequence__gt=page[-1][1])[:_CHUNK_SIZE])


def verify_chain(*, using: str | None = None, anchor: tuple[int, str] | None = None) -> ChainReport:
    """Walk the chain in sequence order and report the first entry altered, removed or inserted out of order.

    ``anchor`` is a ``(sequence, entry_hash)`` pair recorded earlier outside the database (for
    instance from a previous report's head): the chain must still hold that entry with that hash,
    which also detects the removal of the newest entries, something the table alone cannot show.
    Reads entries in chunks, as plain values rather than model instances; memory does not grow with the
    table. Queries: one for the chain (one per ``_CHUNK_SIZE`` entries on MariaDB/MySQL), one for an
    entry outside it, and one more to name the predecessor of an entry inserted out of order.
    """
    from django_audit_log.models import AuditLog

    db = using or router.db_for_read(AuditLog)
    checked = 0
    head = 0  # the sequence of the last entry checked
    head_hash = GENESIS_HASH  # and its hash
    first_recorded_at: datetime.datetime | None = None
    anchor_seen = False

    def report(kind: str, entry_id: uuid.UUID | None, sequence: int | None, message: str) -> ChainReport:
        return ChainReport(
            checked=checked,
            head_sequence=head if checked else None,
            head_hash=head_hash,
            problem=ChainProblem(kind, sequence, entry_id, message),
        )

    for row in _chained_rows(db):
        values, entry_hash = row[:-1], row[-1]
        entry_id, sequence, prev_hash = values[0], values[1], values[-1]
        expected = head + 1
        if sequence != expected:
            missing = str(expected) if sequence == expected + 1 else f"{expected} to {sequence - 1}"
            return report(
                "removed",
                None,
                expected,
                f"sequence {missing} is missing: removed (the chain resumes at {_describe(entry_id, sequence)})",
            )
        if not _values_match(values, entry_hash):
            return report(
                "altered", entry_id, sequence, f"{_describe(entry_id, sequence)} was altered: its hash does not match"
            )
        if prev_hash != head_hash:
            follows = AuditLog.objects.using(db).filter(entry_hash=prev_hash).values_list("sequence", flat=True).first()
            after = f"sequence {follows}" if follows is not None else "no entry of the chain"
            return report(
                "out_of_order",
                entry_id,
                sequence,
                f"{_describe(entry_id, sequence)} was inserted out of order: it is chained after {after}, "
                f"not after sequence {expected - 1}",
            )
        if anchor is not None and sequence == anchor[0]:
            anchor_seen = True
            if entry_hash != anchor[1]:
                return report(
                    "altered",
                    entry_id,
                    sequence,
                    f"{_describe(entry_id, sequence)} was rewritten: its hash differs from the anchor",
                )
        if first_recorded_at is None:
            first_recorded_at = values[_RECORDED_AT]
        head = sequence
        head_hash = entry_hash
        checked += 1

    if anchor is not None and not anchor_seen:
        return report(
            "removed",
            None,
            anchor[0],
            f"sequence {anchor[0]} (the anchor) is missing: entries after sequence {head} were removed",
        )
    if first_recorded_at is not None:
        stray = (
            AuditLog.objects.using(db)
            .filter(sequence__isnull=True, recorded_at__gte=first_recorded_at)
            .order_by("recorded_at", "id")
            .values_list("id", flat=True)
            .first()
        )
        if stray is not None:
            return report(
                "unchained",
                stray,
                None,
                f"entry {stray} has no sequence although it is dated after the chain began: "
                "it was inserted outside the chain",
            )
    return ChainReport(checked=checked, head_sequence=head if checked else None, head_hash=head_hash, problem=None)
