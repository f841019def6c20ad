import pytest
from django.db import connection

from django_audit_log.models import AuditLog


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (real concurrent connections): set DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


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
        return list(AuditLog.objects.filter(**filters).order_by("created_at", "id"))

    return read


@pytest.fixture
def _append_only_triggers_back_after_flush(django_db_blocker):
    yield
    from django_audit_log.triggers import install_append_only_triggers

    with django_db_blocker.unblock():
        install_append_only_triggers(connection)


@pytest.fixture
def autocommit_db(_append_only_triggers_back_after_flush, transactional_db):
    """Real autocommit (no test transaction around the test).

    Django empties the tables after such a test, with DELETE on SQLite: the append-only triggers
    would refuse that, so they are dropped for the flush and installed again after it.
    """
    yield
    from django_audit_log.triggers import drop_append_only_triggers

    drop_append_only_triggers(connection)
