import pytest
from django.db import connection

from django_audit_log.models import AuditLog
from django_basemodels.guarantees import guarded_models, install_guarantees
from django_basemodels.guarantees.installation import drop_definitions, model_definitions


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


def drop_guarantee_triggers(*models):
    """Drop the triggers of the models' declared guarantees (every guarded model by default), as an
    attacker or a table rebuild could; ``install_guarantees()`` puts them back."""
    for model in models or guarded_models():
        drop_definitions(connection, model_definitions(model, connection))


@pytest.fixture
def _guarantees_back_after_flush(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        install_guarantees()


@pytest.fixture
def autocommit_db(_guarantees_back_after_flush, transactional_db):
    """Real autocommit (no test transaction around the test).

    Django empties the tables after such a test, with DELETE on SQLite: the append-only guarantees
    would refuse that, so their triggers are dropped for the flush and installed again after it.
    """
    yield
    drop_guarantee_triggers()
