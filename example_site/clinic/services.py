"""The clinic's workflows: where the domain packages meet (they may not import each other).

Each service takes keyword arguments, runs in one ``transaction.atomic()``, checks before its first
write, and calls the packages' services explicitly (no signals). ``idempotency_key`` is handed on
to every package service that takes one, so a retried request changes nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from clinic.exceptions import AlreadyInvoiced, NotDispensable, VisitNotBillable
from clinic.models import ClinicSettings, Invoice, InvoiceLine
from clinic.organizations import clinic_org, of_clinic
from django_budget.services import post_income
from django_catalog.models import CatalogItem, WorkItem
from django_catalog.services import complete_work_item, record_dispense, start_work_item
from django_documents import attach_document
from django_encounters.models import Encounter
from django_encounters.services import transition
from django_ledger import EntrySpec
from django_ledger.models import Account
from django_ledger.services import post_transaction
from django_money import Money
from django_sequence import next_sequence
from django_stock.models import Location, StockItem, StockMovement
from django_stock.services import issue

BILLABLE_STATE = "awaiting_billing"
BILLED_STATE = "billed"


def _scoped_key(idempotency_key: str | None, step: str) -> str | None:
    # One request may call several keyed services; each gets its own key derived from the request's.
    return f"{idempotency_key}:{step}" if idempotency_key else None


@transaction.atomic
def dispense_work_item(
    *, work_item: WorkItem, location: Location, by: Any, idempotency_key: str | None = None
) -> list[StockMovement]:
    """Hand out the medicine of a pharmacy work item: stock issued FEFO, dispense recorded, item completed.

    Returns the stock movements (one per lot used, earliest expiry first). Raises ``NotDispensable``
    (not a stock item, closed, or no stock item with its SKU), ``django_stock.InsufficientStockError``
    (nothing written), and the catalog's and stock's other typed errors.
    """
    if work_item.catalog_item.kind != CatalogItem.Kind.STOCK_ITEM:
        raise NotDispensable(f"{work_item.display_name} is a service, not a medicine.")
    if not work_item.is_open:
        raise NotDispensable(f"{work_item.display_name} is {work_item.status}: only open work items are dispensed.")
    stock_item = of_clinic(StockItem.objects.filter(sku=work_item.catalog_item.stock_sku)).first()
    if stock_item is None:
        raise NotDispensable(f"The clinic has no stock item with the SKU {work_item.catalog_item.stock_sku!r}.")
    movements = issue(
        location=location,
        item=stock_item,
        quantity=work_item.quantity,
        reference=work_item,
        by=by,
        reason=f"dispensed: {work_item.display_name}",
        idempotency_key=_scoped_key(idempotency_key, "stock-issue"),
    )
    record_dispense(work_item=work_item, by=by, quantity=work_item.quantity)
    if work_item.status == WorkItem.Status.PENDING:
        start_work_item(work_item, by=by)
    complete_work_item(work_item, by=by)
    return movements


@transaction.atomic
def bill_visit(*, encounter: Encounter, by: Any, idempotency_key: str | None = None) -> Invoice:
    """Invoice a visit waiting for billing: number, posting, budget income, document, visit ``billed``.

    The lines are the visit's completed work items at the prices snapshotted when their basket was
    committed. The invoice number comes from the ``invoice`` sequence (gapless: taken in this
    transaction, given back if anything fails). The posting debits receivables and credits service
    and medicine revenue; the total is the month's income in the clinic's budget; a text copy of
    the invoice is kept as an immutable document (retained ten years). Raises
    ``VisitNotBillable``, ``AlreadyInvoiced``, and the packages' errors.
    """
    clinic = ClinicSettings.get_instance()
    encounter = Encounter.objects.select_for_update().get(pk=encounter.pk)
    if Invoice.objects.filter(encounter=encounter).exists():
        raise AlreadyInvoiced(f"Visit {encounter.pk} has an invoice already.")
    if encounter.state != BILLABLE_STATE:
        raise VisitNotBillable(f"The visit is {encounter.state!r}; only visits {BILLABLE_STATE!r} are billed.")
    work_items = list(
        WorkItem.objects.for_encounter(encounter)
        .filter(status=WorkItem.Status.COMPLETED)
        .select_related("basket_item", "catalog_item")
        .order_by("basket__committed_at", "basket_item__created_at")
    )
    lines = []
    revenue: dict[str, Decimal] = defaultdict(Decimal)
    for work_item in work_items:
        basket_item = work_item.basket_item
        if basket_item.price_amount_snapshot is None:
            continue  # free of charge
        unit_price = Money(basket_item.price_amount_snapshot, basket_item.price_currency_snapshot)
        if unit_price.currency != clinic.currency:
            raise VisitNotBillable(
                f"{work_item.display_name} is priced in {unit_price.currency}, not {clinic.currency}."
            )
        amount = unit_price * work_item.quantity
        lines.append((work_item, unit_price, amount))
        revenue[work_item.catalog_item.kind] += amount.amount
    total = Money.sum([amount for _, _, amount in lines], currency=clinic.currency)
    if total.is_zero():
        raise VisitNotBillable("The visit has no completed work item with a price.")

    codes = [clinic.receivables_account_code, clinic.service_revenue_account_code, clinic.medicine_revenue_account_code]
    accounts = {account.code: account for account in of_clinic(Account.objects.filter(code__in=codes))}
    revenue_accounts: dict[str, Account] = {
        CatalogItem.Kind.SERVICE: accounts[clinic.service_revenue_account_code],
        CatalogItem.Kind.STOCK_ITEM: accounts[clinic.medicine_revenue_account_code],
    }
    now = timezone.now()
    org = clinic_org()
    number = next_sequence(clinic.invoice_sequence_scope, org=org, at=now)  # the clinic's own counter
    patient = encounter.subject
    invoice = Invoice.objects.create(
        org=org, number=number, encounter=encounter, patient=patient, total=total, issued_at=now, issued_by=by
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            work_item=work_item,
            description=work_item.display_name,
            kind=work_item.catalog_item.kind,
            quantity=work_item.quantity,
            unit_price_amount=unit_price.amount,
            amount=amount.amount,
        )
        for work_item, unit_price, amount in lines
    )
    invoice.ledger_transaction = post_transaction(
        entries=[
            EntrySpec.debit(accounts[clinic.receivables_account_code], total.amount, source=invoice),
            *(
                EntrySpec.credit(revenue_accounts[kind], amount, source=invoice)
                for kind, amount in sorted(revenue.items())
            ),
        ],
        description=f"Invoice {number} to {patient}",
        effective_at=now,
        metadata={"invoice": number, "encounter": str(encounter.pk)},
        by=by,
        idempotency_key=_scoped_key(idempotency_key, "ledger-post"),
    )
    if clinic.budget is not None:
        invoice.budget_transaction = post_income(
            budget=clinic.budget,
            amount=total.amount,
            date=timezone.localdate(now),
            description=f"Invoice {number}",
            idempotency_key=_scoped_key(idempotency_key, "budget-income"),
            by=by,
        )
    invoice.save(update_fields=["ledger_transaction", "budget_transaction", "updated_at"])
    transition(
        encounter,
        BILLED_STATE,
        by_user=by,
        metadata={"invoice": number},
        idempotency_key=_scoped_key(idempotency_key, "transition"),
    )
    # Last: the file is stored at once, so nothing after it may fail and roll the row back.
    attach_document(
        target=invoice,
        file=ContentFile(_invoice_text(invoice, clinic).encode(), name=f"{number}.txt"),
        uploaded_by=by,
        retention_policy="invoice",
    )
    return invoice


def _invoice_text(invoice: Invoice, clinic: ClinicSettings) -> str:
    total = invoice.total
    assert total is not None  # set when the invoice is created
    lines = [
        f"{clinic.name}",
        f"Invoice {invoice.number}, {invoice.issued_at:%Y-%m-%d}",
        f"To: {invoice.patient}",
        "",
        *(
            f"{line.quantity:>3} x {line.description:<40} {line.amount:>12.2f} {invoice.total_currency}"
            for line in invoice.lines.all()
        ),
        "",
        f"{'Total':<46} {total.quantized().amount:>12} {invoice.total_currency}",
    ]
    return "\n".join(lines) + "\n"
