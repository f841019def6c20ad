"""``manage.py purge_idempotency_keys``: delete idempotency keys past their expiry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from django_decisioning.services import purge_expired_idempotency_keys


class Command(BaseCommand):
    help = "Delete idempotency keys whose expires_at has passed (they are already treated as absent)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_expired_idempotency_keys()
        self.stdout.write(f"Deleted {deleted} expired idempotency key(s).")
