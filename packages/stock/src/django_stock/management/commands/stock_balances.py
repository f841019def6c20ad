"""``manage.py stock_balances``: verify the balance rows against the movements, or rebuild them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_stock.selectors import balances_differing_from_movements
from django_stock.services import rebuild_balances


class Command(BaseCommand):
    help = (
        "Compare every (location, lot) balance row with the signed sum of its movements. Exits with status 1 "
        "when any differs; --rebuild rewrites the rows that differ from the movements (the truth)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Rewrite the differing rows from the movements.")

    def handle(self, *args: Any, **options: Any) -> None:
        differences = rebuild_balances() if options["rebuild"] else balances_differing_from_movements()
        for location, lot, row, movements in differences:
            self.stdout.write(f"location {location} lot {lot}: balance row {row}, movements sum to {movements}")
        if options["rebuild"]:
            self.stdout.write(self.style.SUCCESS(f"{len(differences)} balance row(s) rebuilt from the movements."))
        elif differences:
            raise CommandError(f"{len(differences)} balance row(s) differ from their movements; run with --rebuild.")
        else:
            self.stdout.write(self.style.SUCCESS("Every balance equals the sum of its movements."))
