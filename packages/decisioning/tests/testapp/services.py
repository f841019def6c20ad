"""Idempotent service functions used by the tests; ``CALLS`` counts how often their bodies ran."""

from decimal import Decimal

from django_decisioning import idempotent
from tests.testapp.models import Account, Payment, Receipt

CALLS: list[str] = []


@idempotent(scope="pay", key_from=lambda *, account, amount, request_id: request_id)
def pay(*, account: Account, amount: str, request_id: str | None) -> Payment:
    CALLS.append("pay")
    return Payment.objects.create(account=account, amount=Decimal(amount))


@idempotent(scope="receipt", key_from=lambda number, request_id: request_id)
def issue_receipt(number: str, request_id: str) -> Receipt:
    CALLS.append("receipt")
    return Receipt.objects.create(number=number)


@idempotent(
    scope="split",
    key_from=lambda account, parts, request_id: request_id,
    fingerprint_from=lambda account, parts, request_id: {"account": account, "parts": parts},
)
def split(account: Account, parts: list[str], request_id: str) -> list[Payment]:
    CALLS.append("split")
    return [Payment.objects.create(account=account, amount=Decimal(part)) for part in parts]


@idempotent(scope="pair", key_from=lambda request_id: request_id)
def pair(request_id: str) -> tuple[Payment, Receipt]:
    CALLS.append("pair")
    return Payment.objects.create(amount=Decimal("1")), Receipt.objects.create(number="p")


@idempotent(scope="quote", key_from=lambda amount, request_id: request_id)
def quote(amount: str, request_id: str) -> dict:
    CALLS.append("quote")
    Receipt.objects.create(number=f"q{amount}")
    return {"amount": amount, "lines": [1, 2.5, None, True]}
