"""Run the README's walk-through against this site's database, through the API, in-process."""

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from knox.models import get_token_model
from rest_framework.test import APIClient

from clinic.walkthrough import run_walkthrough

TOKEN_TTL = timedelta(minutes=10)


def token_client(username: str) -> tuple[APIClient, Any]:
    """An API client sending ``Authorization: Token <token>`` for ``username``, and the token's row.

    The token is made for this run only, like ``POST /api/v1/auth/token/`` would, and expires soon.
    """
    instance, token = get_token_model().objects.create(
        user=get_user_model().objects.get(username=username), expiry=TOKEN_TTL
    )
    client = APIClient(SERVER_NAME="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client, instance


class Command(BaseCommand):
    help = "Walk one visit through the API (run seed_demo first): check-in, orders, work, stock, invoice, books."

    def handle(self, *args, **options):
        (vet, vet_token), (accountant, accountant_token) = token_client("vet"), token_client("accountant")
        try:
            result = run_walkthrough(vet, accountant, out=self.stdout.write)
        finally:
            vet_token.delete()  # revoked: the run's tokens never outlive it
            accountant_token.delete()
        lots = ", ".join(f"{lot} x{quantity}" for lot, quantity in result["lots_issued"])
        self.stdout.write(
            self.style.SUCCESS(
                f"invoice {result['invoice']} ({result['invoice_total']}), lots issued FEFO: {lots}; "
                f"{len(result['audited_requests'])} writes audited"
            )
        )
