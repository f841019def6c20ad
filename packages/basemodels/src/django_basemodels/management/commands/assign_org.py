"""``manage.py assign_org KEY``: move the rows of no organization into one, when a single-organization
site starts serving several (the data-migration path of the tenancy convention, docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, models, transaction

from django_basemodels.tenancy import NO_ORG, InvalidOrgError, org_key


def org_keyed_models(labels: list[str] | None = None) -> list[type[models.Model]]:
    """Every installed concrete model with an ``org_key`` column (or those of ``labels``, ``app_label.Model``)."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        if not any(field.name == "org_key" and field.concrete for field in model._meta.local_fields):
            continue
        if labels is None or model._meta.label_lower in labels:
            found.append(model)
    return found


class Command(BaseCommand):
    help = (
        'Give every row whose org_key is "" (no organization) the organization KEY, in one transaction: '
        "natural keys, counters and everything else that carries an org_key. KEY is what "
        'django_basemodels.org_key(organization) returns, e.g. "django_parties.organization:<pk>".'
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("key", help='The organization\'s key: "<app_label>.<model>:<pk>" or your own key.')
        parser.add_argument(
            "--model", action="append", dest="labels", help="Only this model (app_label.Model); repeatable."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database alias (default: default).")
        parser.add_argument("--dry-run", action="store_true", help="Count the rows, change nothing.")

    def handle(self, *args: Any, key: str, labels: list[str] | None, database: str, dry_run: bool, **options: Any):
        try:
            key = org_key(key)
        except InvalidOrgError as exc:
            raise CommandError(str(exc)) from exc
        wanted = [label.lower() for label in labels] if labels else None
        targets = org_keyed_models(wanted)
        unknown = set(wanted or ()) - {model._meta.label_lower for model in targets}
        if unknown:
            raise CommandError(f"No installed model with an org_key column: {', '.join(sorted(unknown))}.")
        try:
            with transaction.atomic(using=database):
                for model in targets:
                    rows = model._base_manager.using(database).filter(org_key=NO_ORG)
                    count = rows.count() if dry_run else rows.update(org_key=key)
                    self.stdout.write(f"{model._meta.label}: {count} row(s){' to move' if dry_run else ''}")
        except IntegrityError as exc:
            raise CommandError(
                f"Nothing was changed: the organization {key!r} already holds a natural key that a row of no "
                f"organization has too ({exc})."
            ) from exc
