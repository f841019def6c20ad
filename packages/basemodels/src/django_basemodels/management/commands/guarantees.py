"""``manage.py guarantees ls|install|doc``: the declared database guarantees, their state, their repair."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from django_basemodels.guarantees.declarations import guarantees_of
from django_basemodels.guarantees.installation import (
    UnsupportedDatabaseError,
    guarantee_statuses,
    guarded_models,
    has_sql_for,
    install_guarantees,
)


class Command(BaseCommand):
    help = (
        "ls: every trigger the declared guarantees need and its state on a database; install: (re)install "
        "what is missing, outdated or disabled; doc: the declarations as a Markdown table."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["ls", "install", "doc"])
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database alias (default: default).")

    def handle(self, *args: Any, action: str, database: str, **options: Any) -> None:
        try:
            if action == "ls":
                self._list(database)
            elif action == "install":
                self._install(database)
            else:
                self._doc(database)
        except UnsupportedDatabaseError as exc:
            raise CommandError(str(exc)) from exc

    def _list(self, database: str) -> None:
        statuses = guarantee_statuses(database)
        for status in statuses:
            style = self.style.SUCCESS if status.ok else self.style.ERROR
            self.stdout.write(
                f"{style(status.state.upper()):<20} {status.model:<40} {status.guarantee:<24} {status.trigger}"
            )
        if any(not status.ok for status in statuses):
            raise CommandError(
                f"some guarantees are not in place: run `manage.py guarantees install --database {database}`"
            )

    def _install(self, database: str) -> None:
        changed = install_guarantees(database)
        for status in changed:
            verb = "dropped" if status.state == "undeclared" else "installed"
            self.stdout.write(f"{verb} {status.trigger} ({status.model}, was {status.state})")
        self.stdout.write(
            self.style.SUCCESS(f"{len(changed)} trigger(s) changed; every declared guarantee is in place.")
        )

    def _doc(self, database: str) -> None:
        from django_basemodels.guarantees.dialects import DIALECTS

        vendors = sorted(DIALECTS)
        self.stdout.write(
            "| model | table | guarantee | what the database refuses or does | " + " | ".join(vendors) + " |"
        )
        self.stdout.write("|---|---|---|---|" + "---|" * len(vendors))
        for model in sorted(guarded_models(database), key=lambda m: m._meta.label):
            for guarantee in guarantees_of(model):
                support = ["yes" if has_sql_for(guarantee, vendor) else "**no**" for vendor in vendors]
                self.stdout.write(
                    f"| `{model._meta.label}` | `{model._meta.db_table}` | `{guarantee.name}` | "
                    f"{guarantee.describe().replace('|', '/')} | " + " | ".join(support) + " |"
                )
