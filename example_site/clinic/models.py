"""The clinic's own data: its settings (one row) and the invoices it issues for visits.

Everything else (patients, visits, orders, stock, books) lives in the packages; these two models
only hold what is specific to this vertical.
"""

from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models

from django_basemodels.models import BaseModel, OrgOwned
from django_basemodels.querysets import AliveManager
from django_basemodels.tenancy import unique_per_org
from django_money import MoneyAttribute
from django_singleton.models import SingletonModel

AMOUNT: dict[str, Any] = {"max_digits": 19, "decimal_places": 4}


class ClinicSettings(SingletonModel):
    """The clinic's configuration, read with ``ClinicSettings.get_instance()`` (cached per request)."""

    name = models.CharField(max_length=200, default="Riverside Clinic")
    organization = models.ForeignKey(
        "django_parties.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The clinic as a party: its modules, agreements and budget belong to it.",
    )
    budget = models.ForeignKey(
        "django_budget.Budget", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    currency = models.CharField(max_length=3, default="EUR")
    pharmacy_location_code = models.CharField(
        max_length=50, default="PHARM", help_text="Stock location medicines are dispensed from."
    )
    visit_definition_key = models.CharField(max_length=100, default="clinic_visit")
    invoice_sequence_scope = models.CharField(max_length=100, default="invoice")
    receivables_account_code = models.CharField(max_length=20, default="1100")
    service_revenue_account_code = models.CharField(max_length=20, default="4000")
    medicine_revenue_account_code = models.CharField(max_length=20, default="4100")

    class Meta:
        verbose_name = "clinic settings"
        verbose_name_plural = "clinic settings"

    def __str__(self) -> str:
        return self.name


class Invoice(BaseModel, OrgOwned):
    """An invoice for one visit (an encounter), numbered by django-sequence and posted to the ledger.

    It belongs to the clinic's organization (``org``): the number is unique per organization, as the
    sequence that issues it counts per organization.
    """

    if TYPE_CHECKING:
        # The django-stubs plugin cannot resolve BaseModel's default manager (its base class is built by a
        # call), nor, without it, the reverse relations of this model's keys (Person.invoices).
        _default_manager: ClassVar[AliveManager]

    number = models.CharField(max_length=50)
    encounter = models.OneToOneField("django_encounters.Encounter", on_delete=models.PROTECT, related_name="invoice")
    patient = models.ForeignKey("django_parties.Person", on_delete=models.PROTECT, related_name="invoices")
    total_amount = models.DecimalField(**AMOUNT)
    total_currency = models.CharField(max_length=3)
    total = MoneyAttribute(amount_field="total_amount", currency_field="total_currency")
    # Set right after the posting, in the same transaction (the entries name the invoice as their source).
    ledger_transaction = models.OneToOneField(
        "django_ledger.Transaction", on_delete=models.PROTECT, null=True, related_name="clinic_invoice"
    )
    budget_transaction = models.OneToOneField(
        "django_budget.BudgetTransaction", on_delete=models.PROTECT, null=True, related_name="+"
    )
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-issued_at"]
        constraints = [unique_per_org("number", name="clinic_invoice_number_per_org")]

    def __str__(self) -> str:
        return self.number


class InvoiceLine(models.Model):
    """One billed work item: what was ordered, at the price snapshotted when the basket was committed."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    work_item = models.OneToOneField("django_catalog.WorkItem", on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    quantity = models.PositiveIntegerField()
    unit_price_amount = models.DecimalField(**AMOUNT)
    amount = models.DecimalField(**AMOUNT)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.description}"
