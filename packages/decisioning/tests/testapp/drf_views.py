"""Django REST framework views writing through ``django_decisioning.drf`` (used by test_drf.py only)."""

import threading
from decimal import Decimal

from django.http import HttpResponse
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from django_decisioning.drf import idempotency_key, idempotent_response, idempotent_write
from tests.testapp.models import Account, Payment
from tests.testapp.services import pay

#: Set by a concurrency test to hold the first write open until it lets go: {"entered": Event, "release": Event}.
PAUSE: dict[str, threading.Event] = {}


def payment_body(payment: Payment) -> dict:
    return {"id": payment.pk, "amount": payment.amount, "recorded_at": payment.recorded_at}


class PaymentsAPI(APIView):
    """POST {"amount": "10.00"}: one payment, 201 with the payment."""

    def post(self, request):
        def perform(key):
            payment = Payment.objects.create(amount=Decimal(request.data["amount"]))
            if PAUSE:
                PAUSE["entered"].set()
                PAUSE["release"].wait(60)
            return payment_body(payment)

        return idempotent_write(request, perform=perform)


class AccountPaymentsAPI(APIView):
    """POST {"amount": ...} to an account: hands the key on to the ``pay`` service (``request_id=``)."""

    def post(self, request, account_id):
        account = Account.objects.get(pk=account_id)
        return idempotent_write(
            request,
            perform=lambda key: payment_body(pay(account=account, amount=request.data["amount"], request_id=key)),
            status_code=status.HTTP_200_OK,
            scope="testapp.account_payments",
        )


class RefusingAPI(APIView):
    """Writes a payment, then answers 422 itself (without raising): the payment must not stay."""

    def post(self, request):
        def perform(key):
            Payment.objects.create(amount=Decimal("1.00"))
            return Response({"detail": "refused"}, status=422)

        return idempotent_write(request, perform=perform)


class FailingAPI(APIView):
    """Writes a payment, then raises DRF's ValidationError (400)."""

    def post(self, request):
        def perform(key):
            Payment.objects.create(amount=Decimal("1.00"))
            raise ValidationError({"amount": ["too much"]})

        return idempotent_write(request, perform=perform)


class PlainDjangoResponseAPI(APIView):
    """Returns a Django HttpResponse from perform, which cannot be stored."""

    def post(self, request):
        return idempotent_write(request, perform=lambda key: HttpResponse("no"))


@api_view(["POST"])
@idempotent_response
def receipt(request):
    """A whole view function run once per key; its Response (202) is stored."""
    payment = Payment.objects.create(amount=Decimal(request.data["amount"]))
    return Response({"id": payment.pk, "key": idempotency_key(request)}, status=status.HTTP_202_ACCEPTED)


class ReceiptsAPI(APIView):
    """A decorated method, with its own scope."""

    @idempotent_response(scope="testapp.receipts")
    def post(self, request):
        payment = Payment.objects.create(amount=Decimal(request.data["amount"]))
        return Response({"id": payment.pk})
