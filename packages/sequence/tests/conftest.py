import pytest

from django_basemodels.testing import skip_postgres_tests
from django_sequence import clear_definition_cache, close_connections


def pytest_collection_modifyitems(config, items):
    skip_postgres_tests(items)


@pytest.fixture(autouse=True)
def _fresh_sequence_state():
    # Definitions are cached per process and would outlive the rolled back test that created them.
    clear_definition_cache()
    yield
    clear_definition_cache()
    close_connections()
