"""Agreement versions are append-only in the database itself (``Meta.guarantees``): every raw write path is refused."""

import pytest
from django.db import IntegrityError, connection, transaction

from django_agreements.models import Agreement, AgreementVersion
from django_agreements.services import amend_agreement, terminate_agreement
from django_basemodels.guarantees import AppendOnly, guarantee_problems, guarantees_of
from django_basemodels.guarantees.dialects import REPLACE_REFUSED
from django_basemodels.testing import assert_write_paths_refused
from django_decisioning.services import record_decision

TABLE = AgreementVersion._meta.db_table
APPEND_ONLY = "django_agreements_agreementversion is append-only"


def db_value(field_name, value):
    return AgreementVersion._meta.get_field(field_name).get_db_prep_value(value, connection)


@pytest.fixture
def original(agreement):
    return AgreementVersion.objects.get(agreement=agreement)


@pytest.fixture
def termination(agreement, owner):
    return terminate_agreement(agreement, reason="moved away", by=owner)


def another_termination_row(termination, owner):
    """The columns and values of a second termination of the same agreement: a new id, version and decision."""
    decision = record_decision(action="terminate", by=owner, outcome="terminated")
    fields = AgreementVersion._meta.local_concrete_fields
    columns = [field.column for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {TABLE} WHERE id = %s", [db_value("id", termination.pk)])
        values = dict(zip(columns, cursor.fetchone(), strict=True))
    values |= {
        "id": db_value("id", AgreementVersion._meta.pk.default()),
        "version": termination.version + 1,
        "decision_id": db_value("decision", decision.pk),
        "reason": "second termination",
    }
    return columns, [values[column] for column in columns]


def versions():
    return list(AgreementVersion.objects.order_by("version").values_list("version", "kind", "reason"))


def test_agreement_version_declares_that_it_is_append_only():
    assert [(type(g), g.name) for g in guarantees_of(AgreementVersion)] == [(AppendOnly, "append_only")]


def test_the_agreement_declares_no_guarantee():
    # Termination sets valid_to on the agreement row: it stays writable.
    assert guarantees_of(Agreement) == []


@pytest.mark.django_db
def test_every_declared_guarantee_is_installed_after_migrations():
    assert guarantee_problems() == []


@pytest.mark.django_db
def test_every_raw_write_path_of_an_original_version_is_refused(original):
    refused = assert_write_paths_refused(
        original, changes={"terms": '{"monthly_fee": {"$decimal": "1"}}'}, match=APPEND_ONLY
    )

    expected = {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE"}
    if connection.vendor == "sqlite":
        expected |= {"INSERT OR REPLACE", "REPLACE"}
    if connection.vendor == "mysql":
        expected = {"UPDATE", "DELETE", "INSERT ... ON DUPLICATE KEY UPDATE", "REPLACE"}
    assert {write.path for write in refused} == expected
    assert all(isinstance(write.error, IntegrityError) for write in refused)


@pytest.mark.django_db
def test_every_raw_write_path_of_a_termination_is_refused(termination):
    assert_write_paths_refused(termination, changes={"reason": "rewritten"}, match=APPEND_ONLY)
    assert versions()[-1] == (2, "termination", "moved away")


REPLACE_VERBS = {"sqlite": ["INSERT OR REPLACE", "REPLACE"], "mysql": ["REPLACE"]}


@pytest.mark.django_db
@pytest.mark.parametrize("verb", ["INSERT OR REPLACE", "REPLACE"])
def test_replacing_a_termination_through_the_one_termination_constraint_is_refused(termination, owner, verb):
    # The new row collides with the termination only on the one-termination index (partial on SQLite,
    # over a generated column on MariaDB/MySQL). SQLite would delete the termination firing no delete
    # trigger: its guard refuses the insert. MariaDB/MySQL, given a delete trigger on the table, delete
    # it firing that trigger, which refuses it as any other delete of a version.
    if verb not in REPLACE_VERBS.get(connection.vendor, []):
        pytest.skip(f"{verb} is not {connection.vendor}'s")
    columns, values = another_termination_row(termination, owner)
    before = versions()
    refusal = REPLACE_REFUSED if connection.vendor == "sqlite" else APPEND_ONLY
    with pytest.raises(IntegrityError, match=refusal), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"{verb} INTO {TABLE} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})", values
        )
    assert versions() == before


@pytest.mark.django_db
def test_an_upsert_through_the_one_termination_constraint_is_refused(termination, owner):
    columns, values = another_termination_row(termination, owner)
    before = versions()
    if connection.vendor == "mysql":
        upsert = "ON DUPLICATE KEY UPDATE reason = VALUES(reason)"
    else:
        upsert = "ON CONFLICT (agreement_id) WHERE kind = 'termination' DO UPDATE SET reason = excluded.reason"
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) {upsert}",
            values,
        )
    assert versions() == before


@pytest.mark.django_db
def test_amending_and_terminating_still_add_versions(agreement, owner):
    amend_agreement(agreement, new_terms={"monthly_fee": 1}, reason="discount", by=owner)
    terminate_agreement(agreement, reason="moved away", by=owner)
    assert [kind for _, kind, _ in versions()] == ["original", "amendment", "termination"]
    assert Agreement.objects.get().valid_to is not None
