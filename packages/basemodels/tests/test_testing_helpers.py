"""django_basemodels.testing: threads released together, held transactions, lock waits, triggers, the marker."""

import subprocess
import sys
import threading
from types import SimpleNamespace

import pytest
from django.db import NotSupportedError, connection, connections, transaction

from django_basemodels.testing import (
    POSTGRES_SKIP_REASON,
    assert_former_exception_names,
    hold_in_transaction,
    join_threads,
    lock_waiters,
    run_concurrently,
    run_without_settings,
    skip_postgres_tests,
    start_concurrently,
    trigger_names,
    wait_for_lock_waiters,
)
from tests.testapp.models import Receipt, Ticket


def test_one_target_runs_in_every_worker_at_once():
    meeting = threading.Barrier(4)  # passes only if the four calls overlap

    outcomes = run_concurrently(lambda: meeting.wait(timeout=10), workers=4)

    assert sorted(outcomes) == [0, 1, 2, 3]


def test_each_target_of_a_list_runs_in_its_own_thread_and_its_outcome_keeps_its_place():
    def boom():
        raise RuntimeError("boom")

    outcomes = run_concurrently([lambda: "first", boom, lambda: threading.current_thread().name])

    assert outcomes[0] == "first"
    assert isinstance(outcomes[1], RuntimeError)
    assert outcomes[2] != threading.current_thread().name


def test_started_threads_unpack_and_join():
    release = threading.Event()
    started = start_concurrently(lambda: release.wait(10), workers=2)
    outcomes, threads = started

    assert len(threads) == 2
    with pytest.raises(AssertionError, match="still running"):
        started.join(timeout=0.01)
    release.set()
    assert started.join() == [True, True]
    assert outcomes is started.outcomes


def test_join_threads_waits_for_threads_of_any_origin():
    done = []
    thread = threading.Thread(target=lambda: done.append(1))
    thread.start()

    join_threads([thread])

    assert done == [1]


@pytest.mark.parametrize(
    ("targets", "workers"),
    [(lambda: 1, None), (lambda: 1, 0), ([lambda: 1], 2), ([], None), ([1], None)],
)
def test_bad_targets_or_workers_are_refused(targets, workers):
    with pytest.raises(ValueError):
        start_concurrently(targets, workers=workers)


@pytest.mark.django_db(transaction=True)
def test_a_held_transaction_commits_once_released():
    held, release, thread = hold_in_transaction(lambda: Ticket.objects.create(title="held"))

    assert isinstance(held[0], Ticket)
    release.set()
    join_threads([thread])
    assert Ticket.objects.get().title == "held"


@pytest.mark.django_db(transaction=True)
def test_a_held_action_that_raises_hands_over_its_exception_and_rolls_back():
    def create_then_fail():
        Ticket.objects.create(title="lost")
        raise RuntimeError("failed")

    held = hold_in_transaction(create_then_fail)
    join_threads([held.thread])

    assert isinstance(held.outcome[0], RuntimeError)
    assert not Ticket.objects.exists()


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_lock_waiters_are_counted_while_a_held_row_lock_blocks_them():
    ticket = Ticket.objects.create(title="contended")

    def lock_the_row():
        with transaction.atomic():
            return Ticket.objects.select_for_update().get(pk=ticket.pk).title

    held = hold_in_transaction(lock_the_row)
    assert lock_waiters() == 0
    started = start_concurrently(lock_the_row, workers=2)
    with transaction.atomic():  # a fresh statistics snapshot inside a transaction too
        waiting = wait_for_lock_waiters(2)
    held.release.set()

    assert waiting >= 2
    assert started.join() == ["contended", "contended"]
    join_threads([held.thread])
    assert wait_for_lock_waiters(1, timeout=0.01) == 0


@pytest.mark.django_db
def test_lock_waits_need_a_database_server():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL and MariaDB/MySQL count lock waiters")
    with pytest.raises(NotSupportedError, match="needs PostgreSQL or MariaDB/MySQL"):
        wait_for_lock_waiters(1)


@pytest.mark.django_db
def test_trigger_names_of_tables():
    append_only = {"testapp_receipt_append_only_update", "testapp_receipt_append_only_delete"}
    if connection.vendor != "postgresql":
        append_only.add("testapp_receipt_no_replace")

    assert trigger_names(Receipt._meta.db_table) == append_only
    assert trigger_names(Receipt._meta.db_table, Ticket._meta.db_table) == append_only
    assert trigger_names(Ticket._meta.db_table) == set()
    assert trigger_names("no_such_table") == set()


@pytest.mark.django_db
def test_trigger_names_on_other_vendors_is_refused(monkeypatch):
    monkeypatch.setattr(connections["default"], "vendor", "oracle")

    with pytest.raises(NotSupportedError):
        trigger_names(Receipt._meta.db_table)


def test_postgres_marked_tests_are_skipped_elsewhere_with_the_reason():
    added = {"marked": [], "plain": []}
    items = [
        SimpleNamespace(keywords={"postgres": True}, add_marker=added["marked"].append),
        SimpleNamespace(keywords={}, add_marker=added["plain"].append),
    ]

    skip_postgres_tests(items, reason="needs PostgreSQL (roles)")

    assert added["plain"] == []
    if connection.vendor == "postgresql":
        assert added["marked"] == []
    else:
        [marker] = added["marked"]
        assert marker.name == "skip"
        assert marker.kwargs == {"reason": "needs PostgreSQL (roles)"}
    assert "set DATABASE_URL=postgres://" in POSTGRES_SKIP_REASON


def test_server_marked_tests_run_on_postgresql_and_mariadb_and_are_skipped_on_sqlite():
    added: list = []
    items = [SimpleNamespace(keywords={"server": True}, add_marker=added.append)]

    skip_postgres_tests(items, server_reason="needs a server (locks)")

    if connection.vendor in ("postgresql", "mysql"):
        assert added == []
    else:
        [marker] = added
        assert marker.kwargs == {"reason": "needs a server (locks)"}


def test_ddl_tests_commit_for_real_only_where_ddl_cannot_be_rolled_back():
    from django_basemodels.testing import django_db_for_ddl

    marker = django_db_for_ddl()

    assert marker.name == "django_db"
    assert marker.kwargs == {"transaction": connection.vendor == "mysql"}


def test_the_test_flush_truncates_on_mariadb_and_is_left_alone_elsewhere():
    from django.core.management.color import no_style

    from django_basemodels.testing import truncate_when_flushing

    truncate_when_flushing()
    truncate_when_flushing()  # idempotent
    statements = connection.ops.sql_flush(no_style(), ["testapp_receipt"])

    if connection.vendor == "mysql":
        assert any(statement.startswith("TRUNCATE") for statement in statements)
    elif connection.vendor == "sqlite":
        assert not any(statement.startswith("TRUNCATE") for statement in statements)
    else:  # PostgreSQL's own flush truncates already
        assert connection.ops.sql_flush.__qualname__.startswith("DatabaseOperations")


def test_the_module_imports_without_pytest_or_settings():
    code = "import sys; sys.modules['pytest'] = None; import django_basemodels.testing"
    subprocess.run([sys.executable, "-c", code], check=True, env={"PATH": ""}, timeout=60)


@pytest.mark.django_db(transaction=True)
def test_a_migration_that_drops_former_triggers_passes_and_one_that_does_not_fails():
    from django_basemodels.testing import assert_migration_replaces_former_triggers

    # testapp's 0004 drops no trigger of Ticket: a "former" trigger there survives, and the helper says so.
    with pytest.raises(AssertionError, match="left the former triggers"):
        assert_migration_replaces_former_triggers(
            "testapp", before="0003", table="testapp_ticket", triggers=["testapp_ticket_former"]
        )
    if connection.vendor != "postgresql":  # on PostgreSQL it went with its stand-in function
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER testapp_ticket_former")


@pytest.mark.django_db(transaction=True)
def test_reversing_the_migration_of_declared_guarantees_drops_and_restores_their_triggers():
    from django_basemodels.testing import assert_migration_reversal_drops_guarantees

    assert_migration_reversal_drops_guarantees("testapp", before="0003", tables=["testapp_receipt", "testapp_shift"])
    with pytest.raises(AssertionError, match="have no triggers to begin with"):
        assert_migration_reversal_drops_guarantees("testapp", before="0003", tables=["testapp_ticket"])


@pytest.mark.django_db(transaction=True)
def test_guarded_tables_are_emptied_with_their_guarantees_back_in_place():
    from django.db import IntegrityError

    from django_basemodels.guarantees import guarantee_problems
    from django_basemodels.testing import empty_guarded_tables

    Receipt.objects.create(number="R-1")
    with pytest.raises(IntegrityError):
        Receipt.objects.all().delete()

    empty_guarded_tables()

    assert not Receipt.objects.exists()
    assert guarantee_problems() == []
    Receipt.objects.create(number="R-2")
    with pytest.raises(IntegrityError):
        Receipt.objects.all().delete()
    empty_guarded_tables(Receipt)
    assert not Receipt.objects.exists()


def test_run_without_settings_runs_code_before_django_is_configured(monkeypatch):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "tests.settings")
    result = run_without_settings("import os, django_basemodels; print(os.environ.get('DJANGO_SETTINGS_MODULE'))")
    assert (result.returncode, result.stdout.strip()) == (0, "None"), result.stderr


def test_assert_former_exception_names_wants_an_alias_of_the_error_class(monkeypatch):
    import types

    class PackageError(Exception):
        pass

    class ShortError(PackageError):
        pass

    class Unrelated(Exception):
        pass

    exceptions = types.ModuleType("fakepkg.exceptions")
    exceptions.ShortError, exceptions.Short = ShortError, ShortError
    root = types.ModuleType("fakepkg")
    root.Short = ShortError
    monkeypatch.setitem(sys.modules, "fakepkg", root)
    monkeypatch.setitem(sys.modules, "fakepkg.exceptions", exceptions)
    assert_former_exception_names("fakepkg", ["Short"], base=PackageError)
    with pytest.raises(AssertionError, match="is not a Unrelated"):
        assert_former_exception_names("fakepkg", ["Short"], base=Unrelated)
    root.Short = Unrelated
    with pytest.raises(AssertionError, match=r"fakepkg\.Short is not ShortError"):
        assert_former_exception_names("fakepkg", ["Short"], base=PackageError)


def test_run_readme_examples_runs_one_sections_examples(tmp_path, capsys):
    from django_basemodels.testing import run_readme_examples

    readme = tmp_path / "README.md"
    readme.write_text(
        "# Package\n\n## Adding\n\n```python\n>>> total + 1\n3\n```\n\n## Failing\n\n```python\n>>> 1 + 1\n3\n```\n"
    )
    assert tuple(run_readme_examples(readme, "Adding", {"total": 2})) == (0, 1)
    assert run_readme_examples(readme, "Failing").failed == 1  # the last section runs to the end of the file
    assert "Expected:" in capsys.readouterr().out
