import pytest
from django.db import connection

from django_sequence import clear_definition_cache, close_connections


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason=f"needs PostgreSQL (real concurrent connections); this run uses {connection.vendor}")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_sequence_state():
    # Definitions are cached per process and would outlive the rolled back test that created them.
    clear_definition_cache()
    yield
    clear_definition_cache()
    close_connections()
