from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from django_basemodels.testing import trigger_names

TABLES = [
    "django_budget_budgettransaction",
    "django_budget_budget",
    "django_budget_bucket",
    "django_budget_monthlyallocation",
]


@pytest.mark.django_db(transaction=True)
def test_the_triggers_are_dropped_by_reversing_their_migration_and_restored():
    installed = trigger_names(*TABLES)
    assert len(installed) == (5 if connection.vendor == "postgresql" else 8)
    call_command("migrate", "django_budget", "0001", verbosity=0)
    try:
        assert trigger_names(*TABLES) == set()
    finally:
        call_command("migrate", "django_budget", verbosity=0)
    assert trigger_names(*TABLES) == installed


@pytest.mark.django_db
def test_the_models_match_the_migrations():
    out = StringIO()
    call_command("makemigrations", "django_budget", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
