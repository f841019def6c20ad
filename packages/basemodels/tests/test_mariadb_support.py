"""What holds on MariaDB/MySQL the way it does on SQLite and PostgreSQL: conditional unique constraints,
byte-by-byte key comparison, refusals raised as IntegrityError, and a retry when a deadlock is broken."""

from __future__ import annotations

import threading

import pytest
from django.core import checks
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, OperationalError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from django_basemodels.constraints import PartialUniqueConstraint
from django_basemodels.fields import (
    CaseSensitiveCharField,
    CaseSensitiveSlugField,
    CaseSensitiveTextField,
    ObjectIdField,
    binary_collation,
)
from django_basemodels.guarantees import mysql_refusal
from django_basemodels.guarantees.dialects import DIALECTS, MYSQL_MESSAGE_LENGTH
from django_basemodels.testing import run_concurrently
from django_basemodels.transactions import is_deadlock, retry_on_deadlock
from tests.testapp.models import Code, Invoice, Shift


def generated_columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
            "AND TABLE_NAME = %s AND GENERATION_EXPRESSION IS NOT NULL AND GENERATION_EXPRESSION <> ''",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


# PartialUniqueConstraint


@pytest.mark.django_db
def test_two_open_rows_with_one_key_are_refused_and_closed_ones_are_not():
    Shift.objects.create(worker="ana", code="S1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Shift.objects.create(worker="ana", code="S2")
    Shift.objects.create(worker="ana", code="S3", closed_at=timezone.now())
    Shift.objects.create(worker="ana", code="S4", closed_at=timezone.now())
    Shift.objects.create(worker="bob", code="S5")

    assert Shift.objects.count() == 4


@pytest.mark.django_db
def test_closing_the_open_row_frees_its_key():
    first = Shift.objects.create(worker="ana", code="S1")
    Shift.objects.filter(pk=first.pk).update(closed_at=timezone.now())

    Shift.objects.create(worker="ana", code="S2")

    assert Shift.objects.filter(worker="ana", closed_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_model_validation_reports_the_conflict_like_django_does():
    Invoice.objects.create(number="INV-1")

    with pytest.raises(ValidationError, match="testapp_invoice_live_number"):
        Invoice(number="INV-1").validate_constraints()


@pytest.mark.django_db
def test_on_mariadb_the_constraint_is_an_index_over_invisible_generated_columns():
    if connection.vendor != "mysql":
        pytest.skip("SQLite and PostgreSQL create a partial unique index")
    assert generated_columns("testapp_shift") == ["testapp_one_open_shift_worker"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM testapp_shift")
        assert "testapp_one_open_shift_worker" not in [column[0] for column in cursor.description]


@pytest.mark.django_db(transaction=True)  # SQLite's schema editor runs outside a transaction
def test_the_sql_is_djangos_elsewhere_and_generated_columns_on_mariadb():
    constraint = next(c for c in Shift._meta.constraints if c.name == "testapp_one_open_shift")
    with connection.schema_editor(collect_sql=True) as editor:
        create = str(constraint.create_sql(Shift, editor))
        remove = str(constraint.remove_sql(Shift, editor))
    if connection.vendor == "mysql":
        assert "AS (CASE WHEN `closed_at` IS NULL THEN `worker` END) VIRTUAL INVISIBLE" in create
        assert "ADD CONSTRAINT `testapp_one_open_shift` UNIQUE (`testapp_one_open_shift_worker`)" in create
        assert remove.endswith("DROP INDEX `testapp_one_open_shift`, DROP COLUMN `testapp_one_open_shift_worker`")
    else:
        assert "WHERE" in create and "testapp_one_open_shift" in remove


@pytest.mark.django_db(transaction=True)  # SQLite's schema editor runs outside a transaction
def test_creating_a_table_defers_the_constraint_until_the_table_exists():
    constraint = next(c for c in Shift._meta.constraints if c.name == "testapp_one_open_shift")
    with connection.schema_editor(collect_sql=True) as editor:
        inline = constraint.constraint_sql(Shift, editor)
        deferred = [str(statement) for statement in editor.deferred_sql]
    assert inline is None
    assert any("testapp_one_open_shift" in statement for statement in deferred)


def test_no_warning_that_mariadb_ignores_the_condition():
    constraint = next(c for c in Shift._meta.constraints if c.name == "testapp_one_open_shift")
    plain = models.UniqueConstraint(fields=["worker"], condition=Q(closed_at__isnull=True), name="plain")

    ours = [error.id for error in constraint._check(Shift, connection)]
    django = [error.id for error in plain._check(Shift, connection)]

    assert "models.W036" not in ours
    assert ("models.W036" in django) == (connection.vendor == "mysql")
    assert checks.run_checks(tags=["models"]) == []


def test_the_constraint_refuses_what_it_cannot_hold_everywhere():
    with pytest.raises(ValueError, match="does not take deferrable, include"):
        PartialUniqueConstraint(
            fields=["a"], condition=Q(b=1), name="n", include=["c"], deferrable=models.Deferrable.DEFERRED
        )
    with pytest.raises(ValueError, match="needs fields and a condition"):
        PartialUniqueConstraint(fields=["a"], condition=None, name="n")  # type: ignore[arg-type]


def test_it_deconstructs_to_its_own_path():
    path, _, kwargs = PartialUniqueConstraint(fields=["a"], condition=Q(b=1), name="n").deconstruct()
    assert path == "django_basemodels.constraints.PartialUniqueConstraint"
    assert kwargs == {"fields": ("a",), "condition": Q(b=1), "name": "n"}


# Case-sensitive keys


@pytest.mark.django_db
def test_keys_that_differ_only_in_case_or_trailing_space_are_different_keys():
    Code.objects.create(value="ABC")
    Code.objects.create(value="abc")
    Code.objects.create(value="abc ")

    assert Code.objects.filter(value="abc").count() == 1
    assert Code.objects.get(value="ABC").value == "ABC"
    with pytest.raises(IntegrityError), transaction.atomic():
        Code.objects.create(value="ABC")


def test_the_binary_collation_is_given_on_mariadb_only():
    field = CaseSensitiveCharField(max_length=5)
    collation = field.db_parameters(connection)["collation"]

    assert collation == binary_collation(connection)
    assert (collation is None) == (connection.vendor != "mysql")
    assert CaseSensitiveCharField(max_length=5, db_collation="C").db_parameters(connection)["collation"] == "C"
    assert ObjectIdField().db_parameters(connection)["collation"] == collation
    assert CaseSensitiveSlugField().db_parameters(connection)["collation"] == collation
    assert CaseSensitiveTextField().db_parameters(connection)["collation"] == collation


def test_mysql_eight_gets_its_own_binary_collation():
    class MySQL8:
        vendor = "mysql"
        mysql_is_mariadb = False

    class MariaDB:
        vendor = "mysql"
        mysql_is_mariadb = True

    assert binary_collation(MySQL8()) == "utf8mb4_0900_bin"
    assert binary_collation(MariaDB()) == "utf8mb4_nopad_bin"


# Refusals on MariaDB/MySQL


def test_a_refusal_is_a_check_violation_with_a_message_mysql_keeps_whole():
    assert mysql_refusal("it's final") == (
        "SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT = 'it''s final', MYSQL_ERRNO = 3819;"
    )
    assert "MESSAGE_TEXT = 'a\\\\b'" in mysql_refusal("a\\b")
    long = mysql_refusal("x" * 300)
    text = long.split("'")[3]
    assert len(text) == MYSQL_MESSAGE_LENGTH and text.endswith("...")


def test_the_mysql_condition_of_a_change_compares_bytes():
    assert (
        DIALECTS["mysql"].column_changed("`code`") == "NOT (CAST(NEW.`code` AS BINARY) <=> CAST(OLD.`code` AS BINARY))"
    )


@pytest.mark.django_db
def test_a_change_of_case_only_is_a_change_for_frozen_columns():
    shift = Shift.objects.create(worker="ana", code="S1")
    with pytest.raises(IntegrityError, match="worker and code are fixed"), transaction.atomic():
        Shift.objects.filter(pk=shift.pk).update(code="s1")
    assert Shift.objects.get().code == "S1"


@pytest.mark.django_db
def test_on_mariadb_replace_is_a_delete_and_an_insert_each_checked():
    if connection.vendor != "mysql":
        pytest.skip("MariaDB/MySQL's REPLACE")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ACTION_TIMING, EVENT_MANIPULATION FROM information_schema.TRIGGERS "
            "WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME = 'testapp_shift_no_replace'"
        )
        assert list(cursor.fetchall()) == [("BEFORE", "DELETE")]
    shift = Shift.objects.create(worker="ana", code="S1")
    # Without a delete trigger InnoDB would rewrite the row in place, firing no trigger at all.
    with pytest.raises(IntegrityError, match="never deleted"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("REPLACE INTO testapp_shift (id, worker, code, note) VALUES (%s, 'bob', 'S1', '')", [shift.pk])
    assert Shift.objects.get().worker == "ana"


# retry_on_deadlock


class Deadlock(Exception):
    pass


def deadlock_error() -> OperationalError:
    error = OperationalError(1213, "Deadlock found when trying to get lock; try restarting transaction")
    error.__cause__ = Deadlock(1213, "Deadlock found")
    return error


def test_deadlocks_and_serialization_failures_are_told_apart_from_other_errors():
    class PgError(Exception):
        sqlstate = "40P01"

    class PgSerialization(Exception):
        sqlstate = "40001"

    assert is_deadlock(deadlock_error())
    assert is_deadlock(PgError())
    assert is_deadlock(PgSerialization())
    assert not is_deadlock(OperationalError(1205, "Lock wait timeout exceeded"))
    assert not is_deadlock(IntegrityError(1062, "Duplicate entry"))
    assert not is_deadlock(ValueError())


@pytest.mark.django_db(transaction=True)
def test_a_deadlocked_call_runs_again_in_a_fresh_transaction():
    calls = []

    @retry_on_deadlock
    def create() -> Code:
        calls.append(connection.in_atomic_block)
        code = Code.objects.create(value=f"C{len(calls)}")
        if len(calls) < 3:
            raise deadlock_error()
        return code

    assert create().value == "C3"
    assert calls == [True, True, True]
    assert list(Code.objects.values_list("value", flat=True)) == ["C3"]  # the first two rolled back


@pytest.mark.django_db(transaction=True)
def test_it_gives_up_after_its_attempts_and_never_retries_other_errors():
    calls = []

    @retry_on_deadlock(attempts=2)
    def always_deadlocks() -> None:
        calls.append(1)
        raise deadlock_error()

    @retry_on_deadlock()
    def fails() -> None:
        calls.append(2)
        raise IntegrityError("no")

    with pytest.raises(OperationalError):
        always_deadlocks()
    with pytest.raises(IntegrityError):
        fails()
    assert calls == [1, 1, 2]


@pytest.mark.django_db
def test_a_function_with_its_own_transaction_costs_no_extra_savepoint(django_assert_num_queries):
    @retry_on_deadlock(atomic=False)
    def create() -> Code:
        with transaction.atomic():
            return Code.objects.create(value="A")

    @retry_on_deadlock
    def create_in_ours() -> Code:
        with transaction.atomic():
            return Code.objects.create(value="B")

    with django_assert_num_queries(3):  # SAVEPOINT, INSERT, RELEASE SAVEPOINT
        create()
    with django_assert_num_queries(5):  # a savepoint of the decorator's own around them
        create_in_ours()


@pytest.mark.django_db(transaction=True)
def test_a_function_with_its_own_transaction_runs_again_after_a_deadlock():
    calls = []

    @retry_on_deadlock(atomic=False)
    def create() -> Code:
        with transaction.atomic():
            calls.append(connection.in_atomic_block)
            code = Code.objects.create(value=f"C{len(calls)}")
            if len(calls) < 2:
                raise deadlock_error()
            return code

    assert create().value == "C2"
    assert list(Code.objects.values_list("value", flat=True)) == ["C2"]


@pytest.mark.django_db
def test_inside_the_callers_transaction_it_runs_once_and_lets_the_deadlock_through():
    calls = []

    @retry_on_deadlock
    def deadlocks() -> None:
        calls.append(1)
        raise deadlock_error()

    with pytest.raises(DatabaseError):
        deadlocks()
    assert calls == [1]


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_a_real_deadlock_between_two_connections_is_retried_to_success():
    Code.objects.create(value="A")
    Code.objects.create(value="B")
    both_locked_one = threading.Barrier(2, timeout=30)
    attempts: list[str] = []

    def transfer(first: str, second: str) -> str:
        @retry_on_deadlock
        def locked() -> str:
            attempts.append(first)
            Code.objects.select_for_update().get(value=first)
            if len(attempts) <= 2:
                both_locked_one.wait()  # only on the first attempts: each holds one row, then wants the other
            Code.objects.select_for_update().get(value=second)
            return first + second

        return locked()

    outcomes = run_concurrently([lambda: transfer("A", "B"), lambda: transfer("B", "A")])

    assert sorted(outcomes) == ["AB", "BA"]
    assert len(attempts) == 3  # the deadlock victim ran once more
