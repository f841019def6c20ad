"""Expiring idempotency keys, for the tests of what a retry finds once decisioning forgot the key."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from django_decisioning.models import IdempotencyKey


def expire_and_purge_idempotency_keys() -> None:
    """Make every idempotency key expire and purge it with ``purge_idempotency_keys``."""
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    call_command("purge_idempotency_keys")
    assert not IdempotencyKey.objects.exists()
