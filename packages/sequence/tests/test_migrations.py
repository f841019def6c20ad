"""The migrations match the models; 0003 makes definitions unique per (org, scope), forwards and backwards."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from django_sequence import next_sequence
from django_sequence.models import SequenceDefinition

BEFORE = ("django_sequence", "0002_issue")
AFTER = ("django_sequence", "0003_definition_per_org")


@pytest.mark.django_db
def test_the_migrations_match_the_models():
    out = StringIO()
    call_command("makemigrations", "django_sequence", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def definition_model_at(migration):
    """``SequenceDefinition`` as the database has it after ``migration``."""
    return (
        MigrationExecutor(connection)
        .loader.project_state(migration)
        .apps.get_model("django_sequence", "SequenceDefinition")
    )


@pytest.fixture
def migrated_back():
    call_command("migrate", "django_sequence", BEFORE[1], verbosity=0)
    yield
    call_command("migrate", "django_sequence", verbosity=0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_back")
def test_existing_definitions_belong_to_no_org_and_orgs_can_then_define_the_scope():
    definition_model_at(BEFORE).objects.create(scope="invoice", prefix="INV-")

    call_command("migrate", "django_sequence", AFTER[1], verbosity=0)

    assert list(SequenceDefinition.objects.values_list("org_key", "scope")) == [("", "invoice")]
    assert next_sequence("invoice") == "INV-0001"
    SequenceDefinition.objects.create(org="org-a", scope="invoice", prefix="A-")
    with pytest.raises(IntegrityError), transaction.atomic():
        SequenceDefinition.objects.create(scope="invoice", prefix="BILL-")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_back")
def test_backwards_the_scope_is_unique_again_once_orgs_hold_no_second_definition():
    call_command("migrate", "django_sequence", AFTER[1], verbosity=0)
    SequenceDefinition.objects.create(scope="invoice", prefix="INV-")
    SequenceDefinition.objects.create(org="org-a", scope="invoice", prefix="A-")

    # Two definitions of one scope cannot become unique per scope: the reversal is refused.
    with pytest.raises(IntegrityError):
        call_command("migrate", "django_sequence", BEFORE[1], verbosity=0)
    SequenceDefinition.objects.filter(org_key="org-a").delete()
    call_command("migrate", "django_sequence", BEFORE[1], verbosity=0)

    before = definition_model_at(BEFORE)
    assert list(before.objects.values_list("scope", "prefix")) == [("invoice", "INV-")]
    with pytest.raises(IntegrityError), transaction.atomic():
        before.objects.create(scope="invoice", prefix="BILL-")
