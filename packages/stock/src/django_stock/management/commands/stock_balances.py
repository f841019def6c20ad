"""``manage.py stock_balances``: verify the balance rows against the movements, or rebuild them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_basemodels.tenancy import ANY_ORG
from django_stock.selectors import balances_differing_from_movements
from django_stock.services import rebuild_balances


class Command(BaseCommand):
    help = (
        "Compare every (location, lot) balance row with the signed sum of its movements. Exits with status 1 "
        "when any differs; --rebuild rewrites the rows that differ from the movements (the truth)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Rewrite the differing rows from the movements.")
        parser.add_argument(
            "--org",
            help="Only the locations of this organization: its key as stored in org_key "
            '("app_label.model:pk" or a caller\'s own key; "" for no organization). Default: every organization.',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The stored key itself: "" is no organization.
        org = ANY_ORG if options["org"] is None else options["org"] or None
        differences = rebuild_balances(org=org) if options["rebuild"] else balances_differing_from_movements(org=org)
        for location, lot, row, movements in differences:
            self.stdout.write(f"location {location} lot {lot}: balance row {row}, movements sum to {movements}")
        if options["rebuild"]:
            self.stdout.write(self.style.SUCCESS(f"{len(differences)} balance row(s) rebuilt from the movements."))
        elif differences:
            raise CommandError(f"{len(differences)} balance row(s) differ from their movements; run with --rebuild.")
        else:
            self.stdout.write(self.style.SUCCESS("Every balance equals the sum of its movements."))
