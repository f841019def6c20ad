"""``manage.py audit_log_verify``: check the hash chain; exit 1 naming the first entry that breaks it."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_audit_log.chain import verify_chain

_ANCHOR = re.compile(r"(?P<sequence>[0-9]+):(?P<hash>[0-9a-f]{64})")


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain. Exits 0 when it holds, 1 naming the first entry that was "
        "altered, removed or inserted out of order."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=None, help="Database alias (default: the router's choice).")
        parser.add_argument(
            "--anchor",
            default=None,
            help="SEQUENCE:HASH of an entry recorded earlier (e.g. a previous run's head); "
            "the chain must still hold it, which also detects removal of the newest entries.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = None
        if options["anchor"]:
            match = _ANCHOR.fullmatch(options["anchor"])
            if match is None:
                raise CommandError("--anchor must be SEQUENCE:HASH, the hash being 64 lowercase hex digits.")
            anchor = (int(match["sequence"]), match["hash"])
        report = verify_chain(using=options["database"], anchor=anchor)
        if report.problem is not None:
            raise CommandError(f"Audit log chain broken after {report.checked} good entries: {report.problem}")
        if report.head_sequence is None:
            self.stdout.write("The audit log has no chained entries.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit log chain intact: {report.checked} entries; head {report.head_sequence}:{report.head_hash}"
            )
        )
