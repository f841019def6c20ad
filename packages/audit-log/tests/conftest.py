import pytest
from django.db import connection

from django_audit_log.models import AuditLog
from django_basemodels.guarantees import guarded_models, install_guarantees
from django_basemodels.guarantees.installation import drop_definitions, model_definitions
from django_basemodels.testing import empty_guarded_tables, skip_postgres_tests


def pytest_collection_modifyitems(config, items):
    skip_postgres_tests(items)


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="alice", password="pw")


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user(username="bob", password="pw")


@pytest.fixture
def entries():
    """All audit entries, oldest first."""

    def read(**filters):
        return list(AuditLog.objects.filter(**filters).order_by("recorded_at", "id"))

    return read


def drop_guarantee_triggers(*models):
    """Drop the triggers of the models' declared guarantees (every guarded model by default), as an
    attacker or a table rebuild could; ``install_guarantees()`` puts them back."""
    for model in models or guarded_models():
        drop_definitions(connection, model_definitions(model, connection))


@pytest.fixture
def autocommit_db(transactional_db):
    """Real autocommit (no test transaction around the test).

    Django empties the tables after such a test, with DELETE on SQLite and MariaDB, which the append-only
    guarantees refuse: the guarded tables are emptied first, with their triggers dropped meanwhile.
    A test that drops or installs triggers needs it too: MariaDB commits the open transaction before
    any DDL statement, which would end the transaction a plain ``django_db`` test runs in.
    """
    yield
    empty_guarded_tables()


@pytest.fixture
def triggers_dropped(autocommit_db):
    """The audit table without its append-only triggers for the rest of the test, as an attacker or a
    table rebuild could leave it; they are installed again afterwards."""
    drop_guarantee_triggers(AuditLog)
    yield
    install_guarantees()
