"""The one place where errors become HTTP answers: every error body of the API is made here.

``ERRORS`` maps an exception class to its status and, when the error is about one field of the
request, that field's name: ``{"quantity": ["..."], "error": "InvalidQuantityError"}``; otherwise
``{"detail": "...", "error": "IdempotencyConflictError"}``. The most specific class in an exception's
MRO wins, so a package's base error is the fallback for its subclasses. 400: the request is
wrong; 404: it names something that does not exist; 409: it conflicts with the current state
(stock short, already reversed, idempotency key reused with another request). ``PermissionDenied``
subclasses (``ReversalNotAuthorizedError``, ``StockPermissionDeniedError``) are 403 whatever else they are.

DRF's own refusals keep their status and gain the ``error`` name too: 400 ``ValidationError`` or
``ParseError``, 401 ``NotAuthenticated`` or ``AuthenticationFailed`` (with ``WWW-Authenticate:
Token``), 403 ``PermissionDenied``, 404 ``NotFound``, 405, 406, 415, 429 ``Throttled``. Outside
DRF's views (a URL that matches nothing under ``/api/``, a request Django itself refuses, a crash)
``api_error_view`` answers in the same shape. An exception in no row is a bug and answers 500.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

import django_agreements as agreements
import django_budget as budget
import django_catalog as catalog
import django_documents as documents
import django_encounters as encounters
import django_ledger as ledger
import django_money as money
import django_notes as notes
import django_parties as parties
import django_sequence as sequence
import django_settlements as settlements
import django_stock as stock
import django_worklog as worklog
from clinic import exceptions as clinic
from django_decisioning import (
    DecisioningError,
    IdempotencyConflictError,
    IdempotencyInProgressError,
    UnsupportedValueError,
)

BAD_REQUEST, NOT_FOUND, CONFLICT = 400, 404, 409

ERRORS: dict[type[Exception], tuple[int, str | None]] = {
    # decisioning: idempotency keys
    IdempotencyConflictError: (CONFLICT, None),
    IdempotencyInProgressError: (CONFLICT, None),
    UnsupportedValueError: (BAD_REQUEST, None),
    DecisioningError: (BAD_REQUEST, None),
    # money
    money.UnknownCurrencyError: (BAD_REQUEST, "currency"),
    money.MoneyError: (BAD_REQUEST, None),
    # parties
    parties.UnknownRelationshipTypeError: (BAD_REQUEST, "relationship_type"),
    parties.InvalidContactPointError: (BAD_REQUEST, "contact_points"),
    parties.PartiesError: (BAD_REQUEST, None),
    # sequence
    sequence.SequenceNotDefinedError: (NOT_FOUND, None),
    sequence.SequenceError: (BAD_REQUEST, None),
    # encounters
    encounters.TransitionNotAllowedError: (BAD_REQUEST, "to_state"),
    encounters.TransitionBlockedError: (BAD_REQUEST, "to_state"),
    encounters.UnknownDefinitionError: (BAD_REQUEST, "definition"),
    encounters.EncountersError: (BAD_REQUEST, None),
    # catalog
    catalog.InvalidQuantityError: (BAD_REQUEST, "quantity"),
    catalog.ItemNotOrderableError: (BAD_REQUEST, "catalog_item"),
    catalog.EmptyBasketError: (BAD_REQUEST, None),
    catalog.BasketNotDraftError: (CONFLICT, None),
    catalog.IdempotencyKeyConflictError: (CONFLICT, None),
    catalog.InvalidTransitionError: (CONFLICT, None),
    catalog.AlreadyDispensedError: (CONFLICT, None),
    catalog.CatalogError: (BAD_REQUEST, None),
    # worklog
    worklog.NoActiveSessionError: (CONFLICT, None),
    worklog.InvalidContextError: (BAD_REQUEST, "context_id"),
    worklog.WorklogError: (BAD_REQUEST, None),
    # stock
    stock.InvalidQuantityError: (BAD_REQUEST, "quantity"),
    stock.UnknownLocationError: (BAD_REQUEST, "location"),
    stock.UnknownLotError: (BAD_REQUEST, "lot"),
    stock.UnknownItemError: (BAD_REQUEST, "item"),
    stock.InsufficientStockError: (CONFLICT, "quantity"),
    stock.LotUnavailableError: (CONFLICT, "lot"),
    stock.ReturnExceedsIssuedError: (CONFLICT, "quantity"),
    stock.MovementNotReversibleError: (CONFLICT, None),
    stock.StockError: (BAD_REQUEST, None),
    # ledger
    ledger.UnbalancedTransactionError: (BAD_REQUEST, "entries"),
    ledger.TooFewEntriesError: (BAD_REQUEST, "entries"),
    ledger.CurrencyMismatchError: (BAD_REQUEST, "entries"),
    ledger.InvalidAmountError: (BAD_REQUEST, "entries"),
    ledger.InvalidEntryTypeError: (BAD_REQUEST, "entries"),
    ledger.InvalidMetadataError: (BAD_REQUEST, "metadata"),
    ledger.AlreadyReversedError: (CONFLICT, None),
    ledger.LedgerError: (BAD_REQUEST, None),
    # budget
    budget.IdempotencyKeyReusedError: (CONFLICT, None),
    budget.FloatAmountError: (BAD_REQUEST, "amount"),
    budget.InvalidAmountError: (BAD_REQUEST, "amount"),
    budget.CurrencyMismatchError: (BAD_REQUEST, "amount"),
    budget.InvalidMonthError: (BAD_REQUEST, "month"),
    budget.BucketNameTakenError: (CONFLICT, "name"),
    budget.BucketArchivedError: (CONFLICT, "bucket"),
    budget.SpendingRefusedError: (CONFLICT, None),
    budget.AlreadyVoidedError: (CONFLICT, None),
    budget.BudgetError: (BAD_REQUEST, None),
    # documents
    documents.FileTooLargeError: (BAD_REQUEST, "file"),
    documents.EmptyFileError: (BAD_REQUEST, "file"),
    documents.ContentTypeNotAllowedError: (BAD_REQUEST, "file"),
    documents.UnknownRetentionPolicyError: (BAD_REQUEST, "retention_policy"),
    documents.AlreadySupersededError: (CONFLICT, None),
    documents.RetentionActiveError: (CONFLICT, None),
    documents.DocumentsError: (BAD_REQUEST, None),
    # notes
    notes.InvalidNoteError: (BAD_REQUEST, "content"),
    notes.InvalidTagError: (BAD_REQUEST, "tags"),
    notes.NotesError: (BAD_REQUEST, None),
    # agreements
    agreements.InvalidTermsError: (BAD_REQUEST, "terms"),
    agreements.TermsNotInForceError: (CONFLICT, None),
    agreements.AgreementsError: (BAD_REQUEST, None),
    # settlements (ReversalNotPermittedError is a PermissionDenied: 403)
    settlements.IdempotencyKeyReusedError: (CONFLICT, None),
    settlements.InvalidAmountError: (BAD_REQUEST, "amount"),
    settlements.CurrencyMismatchError: (BAD_REQUEST, "currency"),
    settlements.PartyMismatchError: (BAD_REQUEST, "obligations"),
    settlements.CrossOrgSettlementError: (BAD_REQUEST, "obligations"),
    settlements.OverpaymentError: (CONFLICT, "amount"),
    settlements.RefundExceedsPaymentError: (CONFLICT, "amount"),
    settlements.ObligationCancelledError: (CONFLICT, "obligations"),
    settlements.CreditLimitExceededError: (CONFLICT, "amount"),
    settlements.ReservationExceededError: (CONFLICT, "amount"),
    settlements.AlreadyReversedError: (CONFLICT, None),
    settlements.NotReversibleError: (CONFLICT, None),
    settlements.InvalidSettlementError: (BAD_REQUEST, None),
    settlements.SettlementsError: (BAD_REQUEST, None),
    # (django-modules: ModuleDisabledError is a PermissionDenied, a 403; an unknown module key is a bug, a 500)
    # the clinic's own workflows
    clinic.AlreadyInvoiced: (CONFLICT, None),
    clinic.VisitNotBillable: (CONFLICT, None),
    clinic.NotDispensable: (BAD_REQUEST, None),
    # Django model validation reached from a service
    DjangoValidationError: (BAD_REQUEST, None),
}


def _extra(exc: Exception) -> dict[str, Any]:
    """Facts a client can act on, beyond the message."""
    if isinstance(exc, stock.InsufficientStockError):
        return {"requested": exc.requested, "available": exc.available}
    if isinstance(exc, encounters.TransitionNotAllowedError):
        return {"allowed": list(exc.allowed)}
    if isinstance(exc, budget.SpendingRefusedError):
        return {"rule": exc.rule}
    if isinstance(exc, encounters.TransitionBlockedError):
        return {"reasons": [issue.message for issue in exc.reasons]}
    if isinstance(exc, settlements.OverpaymentError):
        return {"requested": str(exc.requested.amount), "open": str(exc.open.amount)}
    if isinstance(exc, settlements.RefundExceedsPaymentError):
        return {"requested": str(exc.requested.amount), "refundable": str(exc.refundable.amount)}
    if isinstance(exc, settlements.CurrencyMismatchError):
        return {"expected": exc.expected, "got": exc.got}
    return {}


#: Messages that replace the exception's own, which names internal state (the scoped key).
PUBLIC_MESSAGES: dict[type[Exception], str] = {
    IdempotencyConflictError: "This Idempotency-Key was used with another request; use a new key for a new request.",
    IdempotencyInProgressError: "A request with this Idempotency-Key is still running; retry in a moment.",
}


def _messages(exc: Exception) -> Any:
    if isinstance(exc, DjangoValidationError):
        return exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
    return None


def _named(body: Any, name: str) -> dict[str, Any]:
    """``body`` as an object with the ``error`` name (a list of messages goes under ``detail``)."""
    if not isinstance(body, dict):
        body = {"detail": body}
    return {**body, "error": name}


def _drf_name(exc: Exception) -> str:
    for cls in (IdempotencyConflictError, IdempotencyInProgressError):
        if isinstance(exc, cls):
            return cls.__name__
    if isinstance(exc, Http404):
        return "NotFound"
    if isinstance(exc, PermissionDenied):
        return "PermissionDenied"
    return type(exc).__name__


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's ``EXCEPTION_HANDLER``: the table above first, then DRF's own handling."""
    if isinstance(exc, (PermissionDenied, Http404, drf_exceptions.APIException)):
        response = drf_exception_handler(exc, context)
        if response is not None:
            response.data = _named(response.data, _drf_name(exc))
        return response
    for cls in type(exc).__mro__:
        if cls in ERRORS:
            status_code, field = ERRORS[cls]
            break
    else:
        return None  # not a refusal we know: a bug, answered 500 by api_error_view
    structured = _messages(exc)
    public = next((message for cls, message in PUBLIC_MESSAGES.items() if isinstance(exc, cls)), None)
    if structured is not None:
        body = dict(structured)
    elif public is not None:
        body = {"detail": public}
    elif field is None:
        body = {"detail": str(exc)}
    else:
        body = {field: [str(exc)]}
    body["error"] = type(exc).__name__
    body.update(_extra(exc))
    return Response(body, status=status_code)


API_PREFIX = "/api/"
PAGE_ERRORS = {
    400: ("BadRequest", "The request could not be understood."),
    403: ("PermissionDenied", "You do not have permission to perform this action."),
    404: ("NotFound", "Not found."),
    500: ("ServerError", "The server failed; the error is logged with the request id."),
}


def api_error_view(status_code: int, page_view: Any):
    """A ``handler400``/``403``/``404``/``500``: JSON in the API's shape under ``/api/``, the page elsewhere."""

    def view(request, exception=None):
        if request.path.startswith(API_PREFIX):
            name, message = PAGE_ERRORS[status_code]
            return JsonResponse({"detail": message, "error": name}, status=status_code)
        return page_view(request) if exception is None or status_code == 500 else page_view(request, exception)

    return view
