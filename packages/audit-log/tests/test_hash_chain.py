import datetime
import uuid

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connection, connections

from django_audit_log import audit_context, log_event, verify_chain
from django_audit_log import chain as chain_module
from django_audit_log.chain import (
    CHAIN_VERSION,
    GENESIS_HASH,
    HASHED_FIELDS,
    LEGACY_CHAIN_VERSION,
    compute_entry_hash,
    entry_content,
    hash_matches,
    hashed_content,
)
from django_audit_log.models import AuditLog, ChainLock
from tests.testapp.models import Customer

pytestmark = pytest.mark.django_db

TABLE = AuditLog._meta.db_table


@pytest.fixture
def chain_on(settings):
    settings.AUDIT_LOG_HASH_CHAIN = True


@pytest.fixture
def chain(chain_on):
    """Five chained entries, in sequence order."""
    for number in range(5):
        log_event("step", metadata={"number": number})
    return list(AuditLog.objects.order_by("sequence"))


@pytest.fixture
def tamper(triggers_dropped):
    """Run raw SQL against the audit table with its append-only triggers dropped, as an attacker could."""

    def run(sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


def _raw_insert(entry):
    fields = AuditLog._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    values = [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})", values)


def _forged(sequence, prev_hash, **fields):
    now = datetime.datetime.now(datetime.timezone.utc)
    entry = AuditLog(
        id=uuid.uuid4(),
        recorded_at=now,
        effective_at=now,
        action="grant_admin",
        sequence=sequence,
        prev_hash=prev_hash,
        **fields,
    )
    if sequence is not None:
        entry.entry_hash = compute_entry_hash(entry)  # the forger knows the algorithm
    return entry


def test_without_the_setting_entries_are_not_chained():
    entry = log_event("login")
    assert (entry.sequence, entry.prev_hash, entry.entry_hash) == (None, "", "")


def test_chained_entries_take_consecutive_sequences_and_link_hashes(chain):
    assert [entry.sequence for entry in chain] == [1, 2, 3, 4, 5]
    assert chain[0].prev_hash == GENESIS_HASH
    assert [entry.prev_hash for entry in chain[1:]] == [entry.entry_hash for entry in chain[:-1]]
    assert all(entry.entry_hash == compute_entry_hash(entry) for entry in chain)


def test_appends_on_mariadb_lock_one_row_of_their_own(chain):
    # PostgreSQL takes an advisory lock and SQLite has one writer: the table stays empty there.
    expected = ["hash chain lock"] if connection.vendor == "mysql" else []
    assert [str(lock) for lock in ChainLock.objects.all()] == expected


def test_tracked_and_bulk_writes_are_chained(chain_on):
    Customer.objects.create(name="Ada")
    Customer.objects.bulk_create([Customer(name="B"), Customer(name="C")])
    Customer.objects.update(visits=4)
    assert list(AuditLog.objects.order_by("sequence").values_list("sequence", flat=True)) == list(range(1, 7))
    assert verify_chain().ok


def test_verify_accepts_an_intact_chain(chain):
    report = verify_chain()
    assert report.ok
    assert (report.checked, report.head_sequence, report.head_hash) == (5, 5, chain[-1].entry_hash)


def test_verify_accepts_values_that_the_database_normalises(chain_on):
    with audit_context(ip_address="::ffff:192.0.2.1", user_agent="naïve/1.0"):
        log_event("numbers", metadata={"big": 1e16, "huge": 1.5e300, "tiny": 1e-7, "whole": 3.0, "text": "ü€"})
    assert verify_chain().ok


def test_verify_names_an_altered_entry(chain, tamper):
    tamper(f"UPDATE {TABLE} SET object_repr = %s WHERE sequence = 3", ["forged"])
    problem = verify_chain().problem
    assert (problem.kind, problem.sequence, problem.entry_id) == ("altered", 3, chain[2].id)
    assert str(chain[2].id) in str(problem)


def test_verify_names_an_entry_whose_json_was_altered(chain, tamper):
    tamper(f"DELETE FROM {TABLE} WHERE sequence = 2")
    fields = {field.attname: getattr(chain[1], field.attname) for field in AuditLog._meta.concrete_fields}
    fields["metadata"] = {"number": 99}
    _raw_insert(AuditLog(**fields))
    problem = verify_chain().problem
    assert (problem.kind, problem.entry_id) == ("altered", chain[1].id)


def test_verify_names_a_removed_entry(chain, tamper):
    tamper(f"DELETE FROM {TABLE} WHERE sequence = 2")
    report = verify_chain()
    assert (report.problem.kind, report.problem.sequence) == ("removed", 2)
    assert "sequence 2 is missing" in str(report.problem)
    assert str(chain[2].id) in str(report.problem)
    assert report.checked == 1


def test_verify_names_several_removed_entries(chain, tamper):
    tamper(f"DELETE FROM {TABLE} WHERE sequence IN (1, 2, 3)")
    assert "sequence 1 to 3 is missing" in str(verify_chain().problem)


def test_verify_names_an_entry_inserted_out_of_order(chain):
    # A forged entry appended at the head but chained after entry 1, as if slipped in back then.
    forged = _forged(6, chain[0].entry_hash)
    _raw_insert(forged)
    problem = verify_chain().problem
    assert (problem.kind, problem.sequence, problem.entry_id) == ("out_of_order", 6, forged.id)
    assert "chained after sequence 1, not after sequence 5" in str(problem)


def test_verify_names_an_entry_inserted_with_an_unknown_predecessor(chain):
    forged = _forged(6, "f" * 64)
    _raw_insert(forged)
    problem = verify_chain().problem
    assert (problem.kind, problem.entry_id) == ("out_of_order", forged.id)
    assert "no entry of the chain" in str(problem)


def test_verify_compares_hashes_byte_by_byte(chain):
    # The hash of entry 1 in capitals: no entry of the chain has that hash, on MariaDB too.
    forged = _forged(6, chain[0].entry_hash.upper())
    _raw_insert(forged)
    assert "no entry of the chain" in str(verify_chain().problem)


def test_verify_names_an_entry_inserted_outside_the_chain(chain):
    forged = _forged(None, "")
    _raw_insert(forged)
    problem = verify_chain().problem
    assert (problem.kind, problem.entry_id) == ("unchained", forged.id)


def test_entries_from_before_the_chain_began_are_accepted(settings):
    log_event("before the chain")
    settings.AUDIT_LOG_HASH_CHAIN = True
    log_event("chained")
    assert verify_chain().ok


def test_an_anchor_detects_the_removal_of_the_newest_entries(chain, tamper):
    anchor = (5, chain[-1].entry_hash)
    assert verify_chain(anchor=anchor).ok
    tamper(f"DELETE FROM {TABLE} WHERE sequence >= 4")
    assert verify_chain().ok  # the table alone cannot tell
    problem = verify_chain(anchor=anchor).problem
    assert (problem.kind, problem.sequence) == ("removed", 5)


def test_an_anchor_detects_a_rewritten_chain(chain):
    problem = verify_chain(anchor=(3, "0" * 64)).problem
    assert (problem.kind, problem.entry_id) == ("altered", chain[2].id)


def test_command_reports_an_intact_chain(chain, capsys):
    call_command("audit_log_verify")
    assert f"5 entries; head 5:{chain[-1].entry_hash}" in capsys.readouterr().out


def test_command_reports_an_empty_chain(capsys):
    call_command("audit_log_verify")
    assert "no chained entries" in capsys.readouterr().out


def test_command_fails_naming_the_altered_entry(chain, tamper):
    tamper(f"UPDATE {TABLE} SET action = %s WHERE sequence = 4", ["forged"])
    with pytest.raises(CommandError, match=str(chain[3].id)):
        call_command("audit_log_verify")


def test_command_exits_non_zero_when_the_chain_is_broken(chain, tamper, capsys, monkeypatch):
    tamper(f"DELETE FROM {TABLE} WHERE sequence = 1")
    # The command line closes every connection when it ends; keep the test's open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "audit_log_verify"])
    assert exit_info.value.code == 1
    assert "sequence 1 is missing" in capsys.readouterr().err


def test_command_checks_an_anchor(chain, tamper):
    call_command("audit_log_verify", anchor=f"5:{chain[-1].entry_hash}")
    tamper(f"DELETE FROM {TABLE} WHERE sequence = 5")
    with pytest.raises(CommandError, match="anchor"):
        call_command("audit_log_verify", anchor=f"5:{chain[-1].entry_hash}")


def test_command_refuses_a_malformed_anchor():
    with pytest.raises(CommandError, match="SEQUENCE:HASH"):
        call_command("audit_log_verify", anchor="5:xyz")


def test_chained_tracked_save_costs_the_chain_queries(chain_on, django_assert_num_queries):
    customer = Customer.objects.create(name="Ada")
    customer.name = "Ada L."
    # UPDATE, the head of the chain (with the advisory lock on PostgreSQL, in the same round trip), INSERT;
    # on MariaDB the lock of the chain's row is a statement of its own.
    with django_assert_num_queries(4 if connection.vendor == "mysql" else 3):
        customer.save()


# --- the two times in the chain ----------------------------------------------------------------


def _legacy_chain(count):
    """``count`` entries chained as before ``effective_at`` existed (version 1 hashes over ``created_at``),
    with ``effective_at`` equal to ``recorded_at`` as migration 0004 leaves them."""
    prev_hash = GENESIS_HASH
    entries = []
    for sequence in range(1, count + 1):
        entry = _forged(sequence, prev_hash)
        entry.entry_hash = compute_entry_hash(entry, version=LEGACY_CHAIN_VERSION)
        _raw_insert(entry)
        entries.append(entry)
        prev_hash = entry.entry_hash
    return entries


def test_new_entries_hash_both_times(chain_on):
    yesterday = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    entry = log_event("consent_signed", effective_at=yesterday)
    content = entry_content(entry)
    assert content["v"] == CHAIN_VERSION == 2
    assert (content["effective_at"], content["recorded_at"]) == (
        yesterday.isoformat(timespec="microseconds"),
        entry.recorded_at.astimezone(datetime.timezone.utc).isoformat(timespec="microseconds"),
    )
    assert "created_at" not in content
    assert verify_chain().ok


def test_verify_names_an_entry_whose_effective_at_was_altered(chain, tamper):
    earlier = chain[2].effective_at - datetime.timedelta(days=3)
    tamper(f"UPDATE {TABLE} SET effective_at = %s WHERE sequence = 3", [earlier])
    problem = verify_chain().problem
    assert (problem.kind, problem.entry_id) == ("altered", chain[2].id)


def test_entries_chained_before_effective_at_existed_still_verify(chain_on):
    legacy = _legacy_chain(3)
    log_event("after the upgrade")
    report = verify_chain()
    assert report.ok and report.checked == 4
    stored = AuditLog.objects.get(sequence=4)
    assert stored.prev_hash == legacy[-1].entry_hash


def test_verify_names_an_old_entry_whose_effective_at_was_altered(chain_on, tamper):
    legacy = _legacy_chain(3)
    earlier = legacy[1].recorded_at - datetime.timedelta(days=3)
    tamper(f"UPDATE {TABLE} SET effective_at = %s WHERE sequence = 2", [earlier])
    problem = verify_chain().problem
    assert (problem.kind, problem.entry_id) == ("altered", legacy[1].id)


def test_an_unknown_chain_version_is_refused(chain):
    with pytest.raises(ValueError, match="unknown hash chain version 3"):
        entry_content(chain[0], version=3)


# --- how verify_chain reads the chain ----------------------------------------------------------


def test_hashes_are_those_of_earlier_releases():
    # Computed by the release before verify_chain read plain values: a stored chain must keep verifying.
    paris = datetime.timezone(datetime.timedelta(hours=2))
    entry = AuditLog(
        id=uuid.UUID("0f8fad5b-d9cb-469f-a165-70867728950e"),
        recorded_at=datetime.datetime(2026, 5, 1, 12, 0, 0, 7, tzinfo=paris),
        effective_at=datetime.datetime(2026, 4, 30, 8, 30, tzinfo=datetime.timezone.utc),
        action="update",
        model_label="shop.customer",
        object_id="42",
        object_repr='Zoë "Z" <z@x>',
        actor_id=7,
        actor_repr="ada",
        changes={
            "name": {"old": "Zoë", "new": "Zoé\n\t\u0001"},
            "visits": {"old": 10, "new": 11},
            "b": [1, 2.5, None, True],
        },
        metadata={
            "z": {"b": 1, "a": [{"y": 1e16, "x": -0.0}]},
            "€": "ü",
            "A": 100,
            "ratio": 0.1,
            "neg": -120,
            "big": 10**30,
        },
        ip_address="2001:db8::1",
        user_agent="naïve/1.0",
        request_id="req-1",
        sensitivity="high",
        sequence=12,
        prev_hash="ab" * 32,
    )
    assert compute_entry_hash(entry) == "ddfd6aada5102563e364c4aed7e6ae0c91481b8bc327ea2404e2d13a4927231f"
    assert compute_entry_hash(entry, version=LEGACY_CHAIN_VERSION) == (
        "3701c2ef613703127d88692f6aa9b8f7eb7cdcbbe34a4cfbd9f19c0093ce1bc2"
    )


def test_verify_reads_the_values_a_model_instance_holds(chain_on):
    # verify_chain hashes values_list() rows: the fields decode them as they decode an instance's, on every vendor.
    with audit_context(ip_address="2001:db8:0:0::ff", user_agent="naïve/1.0"):
        log_event(
            "nested",
            metadata={"z": {"é": [1, 2.5, None, {"b": True, "a": "€😀"}]}, "A": 100, "big": 1e16, "line": "a\nb"},
        )
    log_event("plain")
    stored = list(AuditLog.objects.order_by("sequence"))
    rows = AuditLog.objects.order_by("sequence").values_list(*HASHED_FIELDS, "entry_hash")
    for entry, row in zip(stored, rows, strict=True):
        assert hashed_content(*row[:-1]) == entry_content(entry)
        assert row[-1] == entry.entry_hash
    assert verify_chain().ok


def test_hash_matches_accepts_both_versions_and_nothing_else(chain_on):
    legacy = _legacy_chain(1)[0]
    current = log_event("after the upgrade")
    assert hash_matches(legacy) and hash_matches(current)
    current.action = "forged"
    assert not hash_matches(current)


def test_a_report_of_a_problem_names_the_last_good_entry(chain, tamper):
    tamper(f"UPDATE {TABLE} SET object_repr = %s WHERE sequence = 3", ["forged"])
    report = verify_chain()
    assert (report.checked, report.head_sequence, report.head_hash) == (2, 2, chain[1].entry_hash)


def test_a_problem_at_the_first_entry_leaves_no_head(chain, tamper):
    tamper(f"UPDATE {TABLE} SET action = %s WHERE sequence = 1", ["forged"])
    report = verify_chain()
    assert (report.checked, report.head_sequence, report.head_hash) == (0, None, GENESIS_HASH)
    assert report.problem.kind == "altered"


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(chain_module, "_CHUNK_SIZE", 2)


def test_verify_sends_the_same_queries_whatever_the_length_of_the_chain(chain, small_chunks, django_assert_num_queries):
    # The chain (one query: PostgreSQL streams it through a server-side cursor, SQLite steps its statement),
    # then one query for an entry outside it. MySQLdb would hold the whole result client side: MariaDB reads
    # pages of _CHUNK_SIZE entries by sequence instead, one query each (5 entries: 2 + 2 + 1).
    streamed = connection.vendor in chain_module._STREAMING_VENDORS
    with django_assert_num_queries(2 if streamed else 4):
        assert verify_chain().ok


@pytest.fixture
def paged(small_chunks, monkeypatch):
    """verify_chain reading the chain in pages, as on MariaDB/MySQL, whatever the vendor."""
    monkeypatch.setattr(chain_module, "_STREAMING_VENDORS", frozenset())


@pytest.mark.parametrize("count", [1, 4, 5])
def test_paged_reads_check_every_entry(chain_on, paged, count):
    for number in range(count):
        log_event("step", metadata={"number": number})
    report = verify_chain()
    assert report.ok and (report.checked, report.head_sequence) == (count, count)


def test_paged_reads_see_a_removal_across_pages(chain, paged, tamper):
    tamper(f"DELETE FROM {TABLE} WHERE sequence IN (2, 3)")
    problem = verify_chain().problem
    assert (problem.kind, problem.sequence) == ("removed", 2)
    assert "sequence 2 to 3 is missing" in str(problem)


def test_paged_reads_see_an_altered_entry_on_a_later_page(chain, paged, tamper):
    tamper(f"UPDATE {TABLE} SET object_repr = %s WHERE sequence = 5", ["forged"])
    problem = verify_chain().problem
    assert (problem.kind, problem.entry_id) == ("altered", chain[4].id)


def test_an_address_that_does_not_parse_is_hashed_as_stored():
    entry = _forged(1, GENESIS_HASH, ip_address="unknown")
    assert entry_content(entry)["ip_address"] == "unknown"
