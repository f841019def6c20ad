"""The ledger under an application role that does not own the tables (PostgreSQL only).

The role is made as ``docs/postgres.md`` says: LOGIN, NOSUPERUSER, not the owner, with only
``SELECT, INSERT, UPDATE, DELETE`` on the tables and ``USAGE, SELECT`` on the sequences. Then:

- the tests below show it cannot switch the guarantees' triggers off (``ALTER TABLE ... DISABLE TRIGGER``,
  ``DROP TRIGGER``, ``session_replication_role``), nor ``TRUNCATE``, nor change a posted entry;
- every test function of ``test_posting.py``, ``test_reversal.py`` and ``test_balances.py`` is
  collected here a second time and runs with Django's ``default`` connection logged in as that
  role (fixtures included), in transactional test mode so the connection can be swapped.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, ProgrammingError, connection, connections, transaction

from tests import test_balances, test_posting, test_reversal

ROLE = "django_ledger_app_test"

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _execute(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.fixture(scope="session")
def app_role(django_db_setup, django_db_blocker):
    """Create the application role on the test database's server, as the owner would."""
    if connection.vendor != "postgresql":  # pragma: no cover - the postgres mark skips these on SQLite
        pytest.skip("roles are a PostgreSQL feature")
    with django_db_blocker.unblock():
        database = connection.settings_dict["NAME"]
        _execute(
            [
                f"DROP ROLE IF EXISTS {ROLE}",
                f"CREATE ROLE {ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS",
                f'GRANT CONNECT ON DATABASE "{database}" TO {ROLE}',
                f"GRANT USAGE ON SCHEMA public TO {ROLE}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {ROLE}",
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {ROLE}",
            ]
        )
    yield ROLE
    with django_db_blocker.unblock():
        connection.close()
        _execute([f"DROP OWNED BY {ROLE}", f"DROP ROLE {ROLE}"])


@pytest.fixture(autouse=True)
def as_app_role(transactional_db, app_role):
    """Log Django's default connection in as the application role for the whole test, fixtures included."""
    default = connections["default"]
    owner = default.settings_dict["USER"]
    default.close()
    default.settings_dict["USER"] = app_role
    try:
        yield app_role
    finally:
        default.close()
        default.settings_dict["USER"] = owner


def test_the_connection_is_the_application_role_and_not_a_superuser(as_app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (as_app_role, False)


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE django_ledger_entry DISABLE TRIGGER ALL",
        "ALTER TABLE django_ledger_entry DISABLE TRIGGER django_ledger_entry_posted_is_final_update",
        "ALTER TABLE django_ledger_transaction DISABLE TRIGGER USER",
        "DROP TRIGGER django_ledger_transaction_balanced_to_post_update ON django_ledger_transaction",
        "DROP FUNCTION django_ledger_entry_posted_is_final_update() CASCADE",
        "CREATE OR REPLACE FUNCTION django_ledger_entry_posted_is_final_update() RETURNS trigger "
        "AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql",
        "SET session_replication_role = replica",
        "TRUNCATE django_ledger_entry CASCADE",
    ],
    ids=[
        "disable-all",
        "disable-one",
        "disable-user",
        "drop-trigger",
        "drop-function",
        "replace-function",
        "replica-mode",
        "truncate",
    ],
)
def test_the_application_role_cannot_switch_the_guarantees_off(statement):
    refusal = pytest.raises(ProgrammingError, match=r"permission denied|must be owner|must be superuser")
    with refusal, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


def test_the_application_role_cannot_change_a_posted_entry(sale):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE django_ledger_entry SET amount = 1")


def _collect(*modules) -> dict:
    tests = [(name, getattr(module, name)) for module in modules for name in dir(module) if name.startswith("test_")]
    assert len(dict(tests)) == len(tests), "two collected tests share a name: one would hide the other"
    return dict(tests)


# The core service tests, collected again here: they run as the application role.
globals().update(_collect(test_posting, test_reversal, test_balances))
