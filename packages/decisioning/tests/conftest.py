import pytest

from django_basemodels.testing import skip_postgres_tests


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_postgres_tests(items)
