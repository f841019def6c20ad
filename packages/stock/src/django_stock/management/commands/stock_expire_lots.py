"""``manage.py stock_expire_lots``: mark lots at or past their expiry date as expired (cron, Celery beat)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from django_basemodels.tenancy import ANY_ORG
from django_stock.choices import LotStatus
from django_stock.models import Lot
from django_stock.services import expire_lots


class Command(BaseCommand):
    help = (
        "Mark every active or blocked lot whose expiry date is today or earlier as expired, recording a "
        "decision per lot. Idempotent: safe to run daily from cron or a Celery beat schedule, twice, or at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Expire as of this day (YYYY-MM-DD) instead of today's local date.")
        parser.add_argument("--dry-run", action="store_true", help="List the lots that would expire; change nothing.")
        parser.add_argument(
            "--org",
            help="Only the lots of this organization's items: its key as stored in org_key "
            '("app_label.model:pk" or a caller\'s own key; "" for no organization). Default: every organization.',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = self._day(options["date"])
        # The stored key itself: "" is no organization.
        org = ANY_ORG if options["org"] is None else options["org"] or None
        if options["dry_run"]:
            lots = list(
                Lot.objects.for_org(org)
                .filter(status__in=[LotStatus.ACTIVE, LotStatus.BLOCKED])
                .past_expiry(today)
                .order_by("expiry_date")
            )
            verb = "would expire"
        else:
            lots = expire_lots(today=today, org=org)
            verb = "expired"
        for lot in lots:
            self.stdout.write(f"{lot.lot_number} (item {lot.item_id}, expiry {lot.expiry_date})", self.style.WARNING)
        self.stdout.write(f"{len(lots)} lot(s) {verb} as of {today.isoformat()}.")

    @staticmethod
    def _day(value: str | None) -> dt.date:
        if value is None:
            return timezone.localdate()
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}.") from exc
