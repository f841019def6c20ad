"""The migrations are written from the models (a second makemigrations finds nothing), install every guarantee,
and migrating back drops them."""

from io import StringIO

import pytest
from django.core.management import call_command

from django_basemodels.testing import assert_migration_reversal_drops_guarantees
from django_settlements.models import Allocation, CreditLimit, CreditMovement, Obligation, Settlement


@pytest.mark.django_db
def test_makemigrations_finds_nothing_to_write():
    out = StringIO()
    call_command("makemigrations", "django_settlements", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_migrating_back_drops_the_triggers_and_forward_installs_them_again():
    tables = [model._meta.db_table for model in (Obligation, Settlement, Allocation, CreditLimit, CreditMovement)]
    assert_migration_reversal_drops_guarantees("django_settlements", before="zero", tables=tables)
