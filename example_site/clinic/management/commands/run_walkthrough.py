"""Run the README's walk-through against this site's database, through the API, in-process."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clinic.walkthrough import run_walkthrough


def token_client(username: str) -> APIClient:
    """An API client sending ``Authorization: Token <key>`` for ``username`` (the key is made if needed)."""
    token, _ = Token.objects.get_or_create(user=get_user_model().objects.get(username=username))
    client = APIClient(SERVER_NAME="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


class Command(BaseCommand):
    help = "Walk one visit through the API (run seed_demo first): check-in, orders, work, stock, invoice, books."

    def handle(self, *args, **options):
        result = run_walkthrough(token_client("vet"), token_client("accountant"), out=self.stdout.write)
        lots = ", ".join(f"{lot} x{quantity}" for lot, quantity in result["lots_issued"])
        self.stdout.write(
            self.style.SUCCESS(
                f"invoice {result['invoice']} ({result['invoice_total']}), lots issued FEFO: {lots}; "
                f"{len(result['audited_requests'])} writes audited"
            )
        )
