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
import hashlib
import ipaddress
import uuid
from collections.abc import Sequence
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


def _timestamp(value: datetime.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc)
    return value.isoformat(timespec="microseconds")


def _ip(value: str | None) -> str | None:
    # PostgreSQL's inet and Python spell some IPv6 forms differently; the exploded form is one spelling.
    if value is None:
        return None
    try:
        return ipaddress.ip_address(value).exploded
    except ValueError:
        return value


def entry_content(entry: AuditLog, *, version: int = CHAIN_VERSION) -> dict[str, Any]:
    """The hashed content of ``entry`` (everything but ``entry_hash``), as JSON data, in the form of ``version``."""
    entry_id = entry.id if isinstance(entry.id, uuid.UUID) else uuid.UUID(str(entry.id))
    if version == CHAIN_VERSION:
        times = {"recorded_at": _timestamp(entry.recorded_at), "effective_at": _timestamp(entry.effective_at)}
    elif version == LEGACY_CHAIN_VERSION:
        times = {"created_at": _timestamp(entry.recorded_at)}
    else:
        raise ValueError(f"unknown hash chain version {version!r}")
    return {
        "v": version,
        "id": entry_id.hex,
        "sequence": entry.sequence,
        **times,
        "action": entry.action,
        "model_label": entry.model_label,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "actor_id": None if entry.actor_id is None else canonical_object_id(entry.actor_id),
        "actor_repr": entry.actor_repr,
        "changes": entry.changes,
        "metadata": entry.metadata,
        "ip_address": _ip(entry.ip_address),
        "user_agent": entry.user_agent,
        "request_id": entry.request_id,
        "sensitivity": entry.sensitivity,
        "prev_hash": entry.prev_hash,
    }


def compute_entry_hash(entry: AuditLog, *, version: int = CHAIN_VERSION) -> str:
    """SHA-256 (hex) of the canonical JSON of ``entry_content(entry, version=version)``."""
    return hashlib.sha256(canonical_json(entry_content(entry, version=version)).encode("utf-8")).hexdigest()


def hash_matches(entry: AuditLog) -> bool:
    """Whether ``entry_hash`` is the hash of the entry's content: of version 2, or of version 1 for an
    entry chained before ``effective_at`` existed (whose ``effective_at`` must then equal ``recorded_at``)."""
    if compute_entry_hash(entry) == entry.entry_hash:
        return True
    return entry.effective_at == entry.recorded_at and (
        compute_entry_hash(entry, version=LEGACY_CHAIN_VERSION) == entry.entry_hash
    )


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


def _describe(entry: AuditLog) -> str:
    return f"entry {entry.id} (sequence {entry.sequence})"


def verify_chain(*, using: str | None = None, anchor: tuple[int, str] | None = None) -> ChainReport:
    """Walk the chain in sequence order and report the first entry altered, removed or inserted out of order.

    ``anchor`` is a ``(sequence, entry_hash)`` pair recorded earlier outside the database (for
    instance from a previous report's head): the chain must still hold that entry with that hash,
    which also detects the removal of the newest entries, something the table alone cannot show.
    Reads entries in chunks; memory does not grow with the table.
    """
    from django_audit_log.models import AuditLog

    db = using or router.db_for_read(AuditLog)
    entries = AuditLog.objects.using(db).filter(sequence__isnull=False).order_by("sequence")
    checked = 0
    previous: AuditLog | None = None
    first: AuditLog | None = None
    anchor_seen = False

    def report(kind: str, entry: AuditLog | None, sequence: int | None, message: str) -> ChainReport:
        return ChainReport(
            checked=checked,
            head_sequence=previous.sequence if previous else None,
            head_hash=previous.entry_hash if previous else GENESIS_HASH,
            problem=ChainProblem(kind, sequence, entry.id if entry else None, message),
        )

    head = 0  # the sequence of ``previous``
    for entry in entries.iterator(chunk_size=2000):
        sequence = cast(int, entry.sequence)  # the filter leaves out entries without one
        expected = head + 1
        if sequence != expected:
            missing = str(expected) if sequence == expected + 1 else f"{expected} to {sequence - 1}"
            return report(
                "removed",
                None,
                expected,
                f"sequence {missing} is missing: removed (the chain resumes at {_describe(entry)})",
            )
        if not hash_matches(entry):
            return report("altered", entry, entry.sequence, f"{_describe(entry)} was altered: its hash does not match")
        expected_prev = previous.entry_hash if previous else GENESIS_HASH
        if entry.prev_hash != expected_prev:
            follows = (
                AuditLog.objects.using(db).filter(entry_hash=entry.prev_hash).values_list("sequence", flat=True).first()
            )
            after = f"sequence {follows}" if follows is not None else "no entry of the chain"
            return report(
                "out_of_order",
                entry,
                entry.sequence,
                f"{_describe(entry)} was inserted out of order: it is chained after {after}, "
                f"not after sequence {expected - 1}",
            )
        if anchor is not None and entry.sequence == anchor[0]:
            anchor_seen = True
            if entry.entry_hash != anchor[1]:
                return report(
                    "altered",
                    entry,
                    entry.sequence,
                    f"{_describe(entry)} was rewritten: its hash differs from the anchor",
                )
        first = first or entry
        previous = entry
        head = sequence
        checked += 1

    if anchor is not None and not anchor_seen:
        return report(
            "removed",
            None,
            anchor[0],
            f"sequence {anchor[0]} (the anchor) is missing: entries after sequence {head} were removed",
        )
    if first is not None:
        stray = (
            AuditLog.objects.using(db)
            .filter(sequence__isnull=True, recorded_at__gte=first.recorded_at)
            .order_by("recorded_at", "id")
            .first()
        )
        if stray is not None:
            return report(
                "unchained",
                stray,
                None,
                f"entry {stray.id} has no sequence although it is dated after the chain began: "
                "it was inserted outside the chain",
            )
    return ChainReport(
        checked=checked,
        head_sequence=previous.sequence if previous else None,
        head_hash=previous.entry_hash if previous else GENESIS_HASH,
        problem=None,
    )
