"""What the audit log tracks by itself: edits of reference data, wherever they come from (admin, shell, API).

The facts (movements, postings, transitions, sessions) are append-only in their own packages, and
every API write adds one entry of its own (``api.writes``); tracking adds field-level diffs for
the rows people edit by hand.
"""

from typing import Any

from django.apps import apps

from django_audit_log import register

TRACKED: dict[str, dict[str, Any]] = {
    "accounts.User": {"exclude": ["last_login"]},
    "django_rbac.Role": {},
    "django_rbac.UserRole": {},
    "django_parties.Person": {},
    "django_parties.Organization": {},
    "django_catalog.CatalogItem": {},
    "django_catalog.CatalogSettings": {},
    "django_stock.StockItem": {},
    "django_stock.Lot": {},
    "django_stock.Location": {},
    "django_ledger.Account": {},
    "django_encounters.EncounterDefinition": {},
    "django_sequence.SequenceDefinition": {},
    "clinic.ClinicSettings": {},
    "clinic.Invoice": {},
}


def register_tracked_models() -> None:
    """Called from ``ClinicConfig.ready()``."""
    for label, options in TRACKED.items():
        register(apps.get_model(label), **options)
