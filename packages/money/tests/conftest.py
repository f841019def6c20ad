import datetime as dt

import pytest
from hypothesis import settings

from django_basemodels.testing import skip_postgres_tests

# Exact Fraction and Decimal arithmetic on large generated values can be slow on a busy CI runner;
# a missed deadline there says nothing about the behaviour under test.
settings.register_profile("django_money", deadline=None)
settings.load_profile("django_money")


def pytest_collection_modifyitems(config, items):
    skip_postgres_tests(items)


def moment(day, hour=0):
    """An aware moment of December 2026, UTC."""
    return dt.datetime(2026, 12, day, hour, tzinfo=dt.timezone.utc)


@pytest.fixture
def ecb_rates(db):
    """ECB EUR to USD rates effective on the 1st, 2nd and 4th of December 2026."""
    from django_money import record_exchange_rate

    return [
        record_exchange_rate(source="ECB", base="EUR", quote="USD", rate=rate, effective_at=moment(day))
        for day, rate in [(1, "1.0800"), (2, "1.0850"), (4, "1.0900")]
    ]
