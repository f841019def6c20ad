"""Budgets, their buckets and monthly allocations (configuration), and budget transactions (append-only facts)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from django_basemodels.constraints import PartialUniqueConstraint
from django_basemodels.fields import CaseSensitiveCharField, ObjectIdField
from django_basemodels.generic import GenericForeignKey
from django_basemodels.guarantees import AppendOnly, FrozenColumns, RowTrigger
from django_basemodels.models import OrgOwned, TimeStampedModel, UUIDModel
from django_budget import guarantees as sql
from django_budget.choices import BucketKind, Priority, TransactionKind
from django_budget.exceptions import CurrencyLockedError, TransactionImmutableError
from django_budget.querysets import BucketQuerySet, BudgetQuerySet, BudgetTransactionQuerySet
from django_decisioning.mixins import TimeSemanticsMixin
from django_money import MoneyAttribute

MAX_DIGITS, DECIMAL_PLACES = 19, 4  # every amount column: numeric(19, 4)
CURRENCY_LENGTH = 8  # ISO 4217 codes have 3 letters; MONEY_CUSTOM_CURRENCIES allows up to 8


def _first_day(value: Any) -> Any:
    # Month arithmetic (carry-over, date checks) relies on months being stored as their first day.
    return value.replace(day=1) if isinstance(value, dt.date) else value


class Budget(UUIDModel, TimeStampedModel, OrgOwned):
    """A budget in one currency, optionally owned by any model (a household, an organisation, a user).

    A budget belongs to one organization (``org``, stored as ``org_key``; ``""``: none), and so does
    everything in it: its buckets, allocations and transactions are reached through it and carry no
    column of their own. A budget has no natural key (two budgets may share a name), so the column
    serves the listings of one organization (``Budget.objects.for_org(org)``, ``budgets(org=...)``).

    Every amount of its buckets, allocations and transactions is in ``currency``, which never
    changes once the budget is saved (``save()`` raises ``CurrencyLockedError``; the database refuses
    raw SQL too, ``Meta.guarantees``).
    """

    name = models.CharField(max_length=200)
    currency = models.CharField(max_length=CURRENCY_LENGTH)
    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    owner_id = ObjectIdField(blank=True, default="")
    owner = GenericForeignKey("owner_type", "owner_id")

    objects = BudgetQuerySet.as_manager()

    _loaded_currency: str | None = None  # the currency read from the database, which save() keeps

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["owner_type", "owner_id"], name="django_budget_owner_idx"),
            models.Index(fields=["org_key", "name"], name="django_budget_org_name_idx"),
        ]
        constraints = [models.CheckConstraint(condition=~Q(currency=""), name="django_budget_budget_currency")]
        guarantees = [FrozenColumns("currency", name="currency_locked", message=sql.CURRENCY_LOCKED)]

    def __str__(self) -> str:
        return f"{self.name} ({self.currency})"

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any, *args: Any, **kwargs: Any) -> Budget:
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        instance._loaded_currency = instance.__dict__.get("currency")
        return instance

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save the budget; raises ``CurrencyLockedError`` when the currency of a saved budget was changed."""
        loaded = self._loaded_currency
        if not self._state.adding and loaded is not None and self.currency != loaded:
            raise CurrencyLockedError(
                f"The currency of budget {self.name!r} is {loaded}: it cannot become {self.currency}."
            )
        super().save(*args, **kwargs)
        self._loaded_currency = self.currency

    save.alters_data = True  # type: ignore[attr-defined]


class Bucket(UUIDModel, TimeStampedModel):
    """A labelled part of a budget with a monthly limit (configuration: editable through the services).

    ``start_month`` is the first month the bucket counts in; rollover carry-over is summed from
    there. An archived bucket takes no new expense nor allocation and leaves the snapshots of
    the months after the one it was archived in. Its name is unique among the live buckets of its
    budget, and it belongs to the budget's organization.
    """

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="buckets")
    name = CaseSensitiveCharField(max_length=100)
    kind = models.CharField(max_length=20, choices=BucketKind.choices)
    priority = models.CharField(max_length=1, choices=Priority.choices, default=Priority.B)
    monthly_limit_amount = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    monthly_limit_currency = models.CharField(max_length=CURRENCY_LENGTH)
    monthly_limit = MoneyAttribute(amount_field="monthly_limit_amount", currency_field="monthly_limit_currency")
    rollover = models.BooleanField(default=False)
    start_month = models.DateField(help_text="First day of the first month the bucket counts in.")
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = BucketQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "name", "id"]
        constraints = [
            PartialUniqueConstraint(
                fields=["budget", "name"],
                condition=Q(archived_at__isnull=True),
                name="django_budget_bucket_live_name",
                violation_error_message="The budget already has a bucket with this name.",
            ),
            models.CheckConstraint(condition=Q(monthly_limit_amount__gte=0), name="django_budget_bucket_limit"),
            models.CheckConstraint(condition=Q(kind__in=BucketKind.values), name="django_budget_bucket_kind"),
            models.CheckConstraint(condition=Q(priority__in=Priority.values), name="django_budget_bucket_priority"),
        ]
        guarantees = [
            RowTrigger(
                name="currency_of_budget",
                events=["insert", "update"],
                body=sql.BUCKET_CURRENCY,
                description="refuses a monthly limit in another currency than the budget's",
                protects_existing_rows=False,
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save the bucket with ``start_month`` moved to the first day of its month (any day names its month)."""
        self.start_month = _first_day(self.start_month)
        super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]


class MonthlyAllocation(UUIDModel, TimeStampedModel):
    """The limit of one bucket for one month, replacing its monthly limit for that month only.

    Configuration, not a fact: ``set_allocation`` overwrites it in place and ``clear_allocation``
    removes it. ``month`` is the first day of the month.
    """

    bucket = models.ForeignKey(Bucket, on_delete=models.CASCADE, related_name="allocations")
    month = models.DateField()
    amount = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    currency = models.CharField(max_length=CURRENCY_LENGTH)
    money = MoneyAttribute(amount_field="amount", currency_field="currency")

    class Meta:
        ordering = ["month", "bucket"]
        constraints = [
            models.UniqueConstraint(fields=["bucket", "month"], name="django_budget_allocation_bucket_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="django_budget_allocation_amount"),
        ]
        guarantees = [
            RowTrigger(
                name="currency_of_budget",
                events=["insert", "update"],
                body=sql.ALLOCATION_CURRENCY,
                description="refuses an allocation in another currency than its bucket's budget",
                protects_existing_rows=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.bucket} {self.month:%Y-%m}: {self.money}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save the allocation with ``month`` moved to the first day of its month."""
        self.month = _first_day(self.month)
        super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]


class BudgetTransaction(UUIDModel, TimeSemanticsMixin):
    """An income or an expense: an append-only fact. A void is another fact whose ``reverses`` is set.

    ``amount`` is always positive, in the budget's currency; ``date`` decides the month it counts
    in, and ``effective_at`` is the start of that day (a void copies both from the transaction
    it reverses, so the month it corrects is the original's); ``recorded_at`` is set by the server.
    An expense has a bucket and a priority A-D; an income has neither. ``save()`` of a saved row,
    ``delete()`` and queryset ``update()``/``delete()`` raise ``TransactionImmutableError``; the database
    refuses raw SQL UPDATE and DELETE, and the statements that replace a row (``REPLACE``, upserts),
    on SQLite, PostgreSQL and MariaDB/MySQL (``Meta.guarantees``), and an insert in another
    currency than the budget's.

    ``idempotency_key`` is the key of the call that wrote the row (a posting, or a void), unique per
    budget among postings (with ``split_index``) and among all voids: a retry of the call finds its rows
    here after django-decisioning's key row has expired. ``request_fingerprint`` tells whether the
    retry is the same request. A void's key is unique per database on purpose (``unique_per_database``),
    whatever the organization of the budget: it is a client's request key, as django-decisioning's
    ``run_once`` key under the same scope is. A transaction belongs to its budget's organization.
    """

    unique_per_database: ClassVar[dict[tuple[str, ...], str]] = {
        ("idempotency_key",): (
            "the key of a void_transaction request, which clients generate as a random token: one void per key "
            "in the database, whatever the organization, as django-decisioning's run_once key of the same scope"
        )
    }

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(max_length=10, choices=TransactionKind.choices)
    amount = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    currency = models.CharField(max_length=CURRENCY_LENGTH)
    money = MoneyAttribute(amount_field="amount", currency_field="currency")
    date = models.DateField(db_index=True)
    bucket = models.ForeignKey(Bucket, on_delete=models.PROTECT, null=True, blank=True, related_name="transactions")
    priority = models.CharField(max_length=1, choices=Priority.choices, blank=True)
    description = models.CharField(max_length=255, blank=True)
    idempotency_key = CaseSensitiveCharField(max_length=255, null=True, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True, help_text="sha256 of the posting request")
    split_group = models.UUIDField(null=True, blank=True, db_index=True, help_text="Shared by the parts of a split.")
    split_index = models.PositiveSmallIntegerField(default=0)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal", editable=False
    )
    reason = models.TextField(blank=True, help_text="Why the transaction was voided (void facts only).")
    # What caused the transaction (an obligation, an invoice, a deal): any model. A void names the same.
    reference_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    reference_id = ObjectIdField(blank=True, default="", db_default="", editable=False)
    reference = GenericForeignKey("reference_type", "reference_id")
    decision = models.ForeignKey(
        "django_decisioning.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = BudgetTransactionQuerySet.as_manager()  # type: ignore[misc]  # a narrower manager than the mixin's

    class Meta:
        ordering = ["date", "recorded_at", "split_index", "id"]
        permissions = [("void_budgettransaction", "Can void budget transactions")]
        indexes = [
            models.Index(fields=["budget", "bucket", "date"], name="django_budget_tx_bucket_date"),
            models.Index(fields=["reference_type", "reference_id"], name="django_budget_tx_reference"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="django_budget_tx_amount_positive"),
            models.CheckConstraint(
                condition=(Q(kind=TransactionKind.INCOME) & Q(bucket__isnull=True) & Q(priority=""))
                | (Q(kind=TransactionKind.EXPENSE) & Q(bucket__isnull=False) & Q(priority__in=Priority.values)),
                name="django_budget_tx_kind_shape",
                violation_error_message="An expense has a bucket and a priority; an income has neither.",
            ),
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True) & Q(reason="")) | (Q(reverses__isnull=False) & ~Q(reason="")),
                name="django_budget_tx_void_shape",
                violation_error_message="A void has a reason; a posting has none.",
            ),
            # The key of a posting names its rows in its budget (one per part of a split); the key of
            # a void names the void. Postings and voids keep apart key spaces: a void may reuse a
            # posting's key.
            PartialUniqueConstraint(
                fields=["budget", "idempotency_key", "split_index"],
                condition=Q(idempotency_key__isnull=False, reverses__isnull=True),
                name="django_budget_tx_idempotency_key",
            ),
            PartialUniqueConstraint(
                fields=["idempotency_key"],
                condition=Q(idempotency_key__isnull=False, reverses__isnull=False),
                name="django_budget_void_idempotency_key",
            ),
        ]
        guarantees = [
            AppendOnly(message=sql.APPEND_ONLY),
            RowTrigger(
                name="currency_of_budget",
                events=["insert"],
                body=sql.TX_CURRENCY,
                description="refuses a transaction in another currency than its budget's",
                protects_existing_rows=False,
            ),
        ]

    def __str__(self) -> str:
        prefix = "void of " if self.reverses_id else ""
        return f"{prefix}{self.kind} {self.amount} {self.currency} on {self.date}"

    @property
    def is_reversal(self) -> bool:
        """Whether this fact is a void (it reverses another transaction)."""
        return self.reverses_id is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert the fact; saving a saved transaction raises ``TransactionImmutableError``."""
        if not self._state.adding:
            raise TransactionImmutableError(
                "Budget transactions are append-only: void a transaction instead of editing it."
            )
        super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TransactionImmutableError(
            "Budget transactions are append-only: void a transaction instead of deleting it."
        )

    delete.alters_data = True  # type: ignore[attr-defined]
