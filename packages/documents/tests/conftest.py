import pytest
from django.core.files.storage import storages

from django_basemodels.testing import empty_guarded_tables, skip_postgres_tests
from django_documents.models import Document
from tests.testapp.models import IntInvoice, UuidInvoice


def pytest_collection_modifyitems(config, items):
    skip_postgres_tests(items)


@pytest.fixture
def autocommit_db(transactional_db):
    """Real autocommit (no test transaction around the test), for a test that drops or installs triggers:
    MariaDB commits the open transaction before any DDL statement, which would end the transaction a plain
    ``django_db`` test runs in. Django empties the tables after such a test with DELETE on SQLite and
    MariaDB, which the retention guarantee refuses for a retained document: the document table is emptied
    first, with its triggers dropped meanwhile."""
    yield
    empty_guarded_tables(Document)


@pytest.fixture(autouse=True)
def storage(settings):
    """A new, empty in-memory storage for every test (setting STORAGES makes Django drop the old one)."""
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return storages["default"]


def stored_files(storage, path=""):
    """Every file name in ``storage`` under ``path``, walking the directories."""
    directories, files = storage.listdir(path)
    names = [f"{path}/{name}" if path else name for name in files]
    for directory in directories:
        names += stored_files(storage, f"{path}/{directory}" if path else directory)
    return sorted(names)


@pytest.fixture
def uuid_invoice(db):
    return UuidInvoice.objects.create(number="INV-U1")


@pytest.fixture
def int_invoice(db):
    return IntInvoice.objects.create(number="INV-I1")


@pytest.fixture(params=["uuid", "int"])
def invoice(request, db):
    """One test run per primary key kind."""
    model = UuidInvoice if request.param == "uuid" else IntInvoice
    return model.objects.create(number=f"INV-{request.param}")


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="alice", password="x")
