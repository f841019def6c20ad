"""``seed_demo`` is idempotent: a second run creates nothing and changes no count."""

from io import StringIO

from django.apps import apps
from django.core.management import call_command


def _counts():
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def test_seed_demo_twice_changes_nothing(db):
    before = _counts()  # the session already seeded once (conftest)
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    assert _counts() == before
    assert "nothing to create" in out.getvalue()


def test_seed_covers_every_package(db):
    counts = _counts()
    for label in [
        "accounts.User",
        "django_rbac.Role",
        "django_rbac.UserRole",
        "django_parties.Person",
        "django_parties.Organization",
        "django_encounters.EncounterDefinition",
        "django_encounters.Encounter",
        "django_catalog.CatalogItem",
        "django_catalog.WorkItem",
        "django_stock.Lot",
        "django_stock.StockMovement",
        "django_ledger.Account",
        "django_ledger.Transaction",
        "django_budget.Bucket",
        "django_budget.BudgetTransaction",
        "django_sequence.SequenceDefinition",
        "django_modules.Module",
        "django_agreements.Agreement",
        "django_settlements.Obligation",
        "django_settlements.Settlement",
        "django_settlements.Allocation",
        "django_notes.Note",
        "clinic.ClinicSettings",
        "django_audit_log.AuditLog",
    ]:
        assert counts[label] > 0, label
