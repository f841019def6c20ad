"""The migrations match the models, install the declared guarantees, and can be reversed and applied again."""

import pytest
from django.core.management import call_command

from django_basemodels.guarantees import guarantee_problems
from django_basemodels.testing import trigger_names
from django_documents.models import Document

TABLE = Document._meta.db_table


@pytest.mark.django_db
def test_no_migration_is_missing():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("target", ["0001", "0002"])
def test_the_migrations_can_be_reversed_and_applied_again(target):
    call_command("migrate", "django_documents", target, verbosity=0)
    if target == "0001":
        assert trigger_names(TABLE) == set()
    else:  # reversing 0003 rebuilds the table on SQLite, and reinstalls its triggers after
        assert guarantee_problems() == []
    call_command("migrate", "django_documents", verbosity=0)
    assert guarantee_problems() == []
