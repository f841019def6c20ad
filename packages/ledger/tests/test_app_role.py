"""The ledger under an application role that does not own the tables (PostgreSQL and MariaDB/MySQL).

On PostgreSQL the role is made as ``docs/postgres.md`` says: LOGIN, NOSUPERUSER, not the owner, with
only ``SELECT, INSERT, UPDATE, DELETE`` on the tables and ``USAGE, SELECT`` on the sequences. On
MariaDB/MySQL it is a user with only ``SELECT, INSERT, UPDATE, DELETE`` on the database (no
``TRIGGER``, ``DROP``, ``ALTER`` or ``SUPER``). Then:

- the tests below show it cannot switch the guarantees' triggers off (PostgreSQL: ``ALTER TABLE ...
  DISABLE TRIGGER``, ``DROP TRIGGER``, ``session_replication_role``; MariaDB/MySQL, which has no way
  to disable a trigger: ``DROP TRIGGER``, replacing one, changing the table), nor ``TRUNCATE`` (which
  fires no delete trigger on either), nor change a posted entry;
- every test function of ``test_posting.py``, ``test_reversal.py`` and ``test_balances.py`` is
  collected here a second time and runs with Django's ``default`` connection logged in as that
  role (fixtures included), in transactional test mode so the connection can be swapped.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, connections, transaction

from tests import test_balances, test_posting, test_reversal


def role_for(database: str) -> str:
    """The role's name, one per test database: two runs on one server (another test database) never share it.
    At most 32 characters, MySQL's limit for a user name."""
    return f"app_{database}"[:32]


pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def _execute(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _create_role(database: str) -> list[str]:
    role = role_for(database)
    if connection.vendor == "mysql":
        return [
            f"DROP USER IF EXISTS '{role}'@'%'",
            f"CREATE USER '{role}'@'%'",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON `{database}`.* TO '{role}'@'%'",
        ]
    return [
        f"DROP ROLE IF EXISTS {role}",
        f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS",
        f'GRANT CONNECT ON DATABASE "{database}" TO {role}',
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]


def _drop_role(role: str) -> list[str]:
    if connection.vendor == "mysql":
        return [f"DROP USER '{role}'@'%'"]
    return [f"DROP OWNED BY {role}", f"DROP ROLE {role}"]


@pytest.fixture(scope="session")
def app_role(django_db_setup, django_db_blocker):
    """Create the application role on the test database's server, as the owner would."""
    database = connection.settings_dict["NAME"]
    with django_db_blocker.unblock():
        _execute(_create_role(database))
    yield role_for(database)
    with django_db_blocker.unblock():
        connection.close()
        _execute(_drop_role(role_for(database)))


@pytest.fixture(autouse=True)
def as_app_role(transactional_db, app_role):
    """Log Django's default connection in as the application role for the whole test, fixtures included."""
    default = connections["default"]
    owner, password = default.settings_dict["USER"], default.settings_dict["PASSWORD"]
    default.close()
    default.settings_dict.update(USER=app_role, PASSWORD="")
    try:
        yield app_role
    finally:
        default.close()
        default.settings_dict.update(USER=owner, PASSWORD=password)


def test_the_connection_is_the_application_role_and_not_a_superuser(as_app_role):
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("SELECT CURRENT_USER()")
            assert cursor.fetchone() == (f"{as_app_role}@%",)
            cursor.execute("SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES")
            assert {row[0] for row in cursor.fetchall()} == {"USAGE"}  # no global privilege (SUPER, ...)
            cursor.execute("SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES")
            assert {row[0] for row in cursor.fetchall()} == {"SELECT", "INSERT", "UPDATE", "DELETE"}
        else:
            cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
            assert cursor.fetchone() == (as_app_role, False)


SWITCHING_OFF = {
    "postgresql": {
        "disable-all": "ALTER TABLE django_ledger_entry DISABLE TRIGGER ALL",
        "disable-one": "ALTER TABLE django_ledger_entry DISABLE TRIGGER django_ledger_entry_posted_is_final_update",
        "disable-user": "ALTER TABLE django_ledger_transaction DISABLE TRIGGER USER",
        "drop-trigger": "DROP TRIGGER django_ledger_transaction_balanced_to_post_update ON django_ledger_transaction",
        "drop-function": "DROP FUNCTION django_ledger_entry_posted_is_final_update() CASCADE",
        "replace-function": "CREATE OR REPLACE FUNCTION django_ledger_entry_posted_is_final_update() RETURNS trigger "
        "AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql",
        "replica-mode": "SET session_replication_role = replica",
        "truncate": "TRUNCATE django_ledger_entry CASCADE",
    },
    "mysql": {
        "drop-trigger": "DROP TRIGGER django_ledger_transaction_balanced_to_post_update",
        "replace-trigger": "CREATE OR REPLACE TRIGGER django_ledger_entry_posted_is_final_update "
        "BEFORE UPDATE ON django_ledger_entry FOR EACH ROW SET @switched_off = 1",
        "rebuild-table": "ALTER TABLE django_ledger_entry ENGINE = InnoDB",
        "rename-table": "RENAME TABLE django_ledger_entry TO django_ledger_entry_unguarded",
        "truncate": "TRUNCATE django_ledger_entry",
    },
}
REFUSED = {
    "postgresql": r"permission denied|must be owner|must be superuser",
    "mysql": r"command denied|Access denied",
}


# The attempts of the database under test (SQLite skips the module: the server mark).
ATTEMPTS = SWITCHING_OFF.get(connection.vendor, SWITCHING_OFF["postgresql"])


@pytest.mark.parametrize("statement", list(ATTEMPTS.values()), ids=list(ATTEMPTS))
def test_the_application_role_cannot_switch_the_guarantees_off(statement):
    refusal = pytest.raises(DatabaseError, match=REFUSED[connection.vendor])
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
