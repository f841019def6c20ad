"""``manage.py documents_verify``: re-hash every stored document; exit non-zero listing the bad ones."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_documents.exceptions import VerificationFailedError
from django_documents.models import Document
from django_documents.selectors import orphan_files
from django_documents.services import verify_document


class Command(BaseCommand):
    help = (
        "Read every document's stored file again and compare its SHA-256 and size with the recorded ones. "
        "Lists each missing or altered file and exits with status 1 if there is any."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--current-only", action="store_true", help="Verify only current versions, not superseded ones."
        )
        parser.add_argument(
            "--orphans",
            action="store_true",
            help="Also list stored files that no document names and count them as failures.",
        )
        parser.add_argument(
            "--orphan-age",
            type=int,
            default=60,
            metavar="MINUTES",
            help="With --orphans: only files older than this (default 60), as newer ones may be uploads in progress.",
        )

    def handle(
        self, *args: Any, current_only: bool = False, orphans: bool = False, orphan_age: int = 60, **options: Any
    ) -> None:
        documents = Document.objects.order_by("recorded_at", "id")
        if current_only:
            documents = documents.current()
        checked = 0
        failures: list[VerificationFailedError] = []
        for document in documents.iterator(chunk_size=500):
            checked += 1
            try:
                verify_document(document)
            except VerificationFailedError as exc:
                failures.append(exc)
                self.stderr.write(f"{type(exc).__name__}: {exc}")
        orphan_names = orphan_files(older_than=datetime.timedelta(minutes=orphan_age)) if orphans else []
        for name in orphan_names:
            self.stderr.write(f"Orphan file: {name} (no document names it)")
        if failures or orphan_names:
            problems = [f"{len(failures)} of {checked} documents failed verification"]
            if orphans:
                problems.append(f"{len(orphan_names)} orphan files")
            raise CommandError("; ".join(problems) + ".")
        self.stdout.write(self.style.SUCCESS(f"{checked} documents verified intact."))
        if orphans:
            self.stdout.write("No orphan files.")
