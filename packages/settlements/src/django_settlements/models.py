"""Obligations, settlements and their allocations, credit limits and credit movements.

Obligations, settlements, allocations and credit movements are facts: inserted once, never updated nor
deleted (``save()`` of a saved row, ``delete()`` and queryset ``update()``/``delete()`` raise
``ImmutableFactError``; the database refuses raw SQL, ``Meta.guarantees``). A fact is undone by another fact:
an obligation by its cancellation, a payment or a refund by its reversal. A credit limit is configuration,
changed through ``set_credit_limit``. Workflows live in ``services``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q

from django_basemodels.constraints import PartialUniqueConstraint
from django_basemodels.fields import CaseSensitiveCharField, ObjectIdField
from django_basemodels.generic import GenericForeignKey
from django_basemodels.guarantees import AppendOnly, FrozenColumns, RowTrigger
from django_basemodels.models import OrgOwned, TimeStampedModel, UUIDModel
from django_basemodels.tenancy import unique_per_org
from django_decisioning.mixins import TimeSemanticsMixin
from django_money import Money, MoneyAttribute
from django_settlements import guarantees as sql
from django_settlements.choices import CreditMovementKind, SettlementKind
from django_settlements.exceptions import ImmutableFactError
from django_settlements.querysets import (
    AllocationQuerySet,
    CreditLimitQuerySet,
    CreditMovementQuerySet,
    ObligationQuerySet,
    SettlementQuerySet,
)

MAX_DIGITS, DECIMAL_PLACES = 19, 4  # every amount column: numeric(19, 4)
CURRENCY_LENGTH = 8  # ISO 4217 codes have 3 letters; MONEY_CUSTOM_CURRENCIES allows up to 8

IDEMPOTENCY_KEYS_ARE_GLOBAL = "client request keys: random tokens, unique per service scope whatever the organization"


def _party(name: str) -> tuple[models.ForeignKey, ObjectIdField, GenericForeignKey]:
    """The three attributes of a required generic key to any model: ``<name>_type``, ``<name>_id``, ``<name>``."""
    return (
        models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", db_index=False, editable=False),
        ObjectIdField(editable=False),
        GenericForeignKey(f"{name}_type", f"{name}_id"),
    )


def _reference() -> tuple[models.ForeignKey, ObjectIdField, GenericForeignKey]:
    """An optional generic key ``reference`` to what a fact is about (a sale, an invoice, an order)."""
    return (
        models.ForeignKey(
            ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
        ),
        ObjectIdField(blank=True, default="", editable=False),
        GenericForeignKey("reference_type", "reference_id"),
    )


def _not_to_itself(first: str, second: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=~(Q(**{f"{first}_type": F(f"{second}_type")}) & Q(**{f"{first}_id": F(f"{second}_id")})),
        name=name,
        violation_error_message=f"The {first} and the {second} must be two parties.",
    )


def _idempotency_key_constraint(name: str) -> PartialUniqueConstraint:
    return PartialUniqueConstraint(
        fields=["idempotency_scope", "idempotency_key"], condition=Q(idempotency_key__isnull=False), name=name
    )


def _shown(amount: Any, currency: str) -> str:
    """A stored amount in its currency's minor unit (``12.50 EUR``), or ``?`` before it is set."""
    try:
        return str(Money(amount, currency).quantized())
    except (TypeError, ValueError):
        return "?"


class Fact(models.Model):
    """Abstract: an append-only row. ``save()`` inserts it; saving it again or deleting it raises
    ``ImmutableFactError``."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert the fact; raises ``ImmutableFactError`` for a fact already saved."""
        if not self._state.adding:
            raise ImmutableFactError(
                f"{type(self).__name__} {self.pk} is a fact: it is never changed; record its reversal instead."
            )
        super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Always raises ``ImmutableFactError``: facts are never deleted."""
        raise ImmutableFactError(
            f"{type(self).__name__} {self.pk} is a fact: it is never deleted; record its reversal instead."
        )

    delete.alters_data = True  # type: ignore[attr-defined]


class RecordedFact(Fact):
    """Abstract: a fact a service records, with the user who recorded it and the idempotency key it was given.

    ``idempotency_scope`` and ``idempotency_key`` hold the key the service was called with (the service's name
    and the caller's key), unique together: a retry finds the fact here even after django-decisioning's key
    row was purged; ``request_fingerprint`` tells whether it repeats the same request. ``created_by`` is the
    user given as ``by`` (``None``: the system).
    """

    idempotency_scope = CaseSensitiveCharField(max_length=100, null=True, blank=True, editable=False)
    idempotency_key = CaseSensitiveCharField(max_length=255, null=True, blank=True, editable=False)
    request_fingerprint = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    unique_per_database: ClassVar[dict[tuple[str, ...], str]] = {
        ("idempotency_scope", "idempotency_key"): IDEMPOTENCY_KEYS_ARE_GLOBAL,
    }

    class Meta:
        abstract = True


class Obligation(UUIDModel, TimeSemanticsMixin, OrgOwned, RecordedFact):
    """A debt: ``debtor`` owes ``creditor`` ``money`` (a positive ``Money``), due on ``due_on``, for ``reference``.

    Parties and reference are generic keys (any model, UUID, integer or text keys). ``effective_at`` is when the
    debt arose (may be backdated), ``recorded_at`` when it was recorded (the server's time). A cancellation is
    another row of this table whose ``reverses`` is the obligation it cancels: same parties, amount, currency,
    due date and organization, with a ``reason``; it counts negatively from its own ``effective_at``. An
    obligation is cancelled at most once. An obligation belongs to one organization (``org_key``).
    """

    debtor_type, debtor_id, debtor = _party("debtor")
    creditor_type, creditor_id, creditor = _party("creditor")
    amount = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, editable=False)
    currency = CaseSensitiveCharField(max_length=CURRENCY_LENGTH, editable=False)
    money = MoneyAttribute(amount_field="amount", currency_field="currency")
    due_on = models.DateField(editable=False, help_text="The day the debt must be paid by.")
    description = models.CharField(max_length=255, blank=True, default="", editable=False)
    reference_type, reference_id, reference = _reference()
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="cancellation", editable=False
    )
    reason = models.TextField(blank=True, default="", editable=False, help_text="Why the obligation was cancelled.")

    objects = ObligationQuerySet.as_manager()  # type: ignore[misc]  # a narrower manager than the mixin's

    class Meta:
        ordering = ["due_on", "recorded_at", "id"]
        indexes = [
            models.Index(fields=["debtor_type", "debtor_id", "due_on"], name="settlements_obl_debtor"),
            models.Index(fields=["creditor_type", "creditor_id"], name="settlements_obl_creditor"),
            models.Index(fields=["reference_type", "reference_id"], name="settlements_obl_reference"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="django_settlements_obligation_amount"),
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True) & Q(reason="")) | (Q(reverses__isnull=False) & ~Q(reason="")),
                name="django_settlements_obligation_cancellation",
                violation_error_message="A cancellation has a reason; an obligation has none.",
            ),
            _not_to_itself("debtor", "creditor", "django_settlements_obligation_two_parties"),
            _idempotency_key_constraint("django_settlements_obligation_idempotency_key"),
        ]
        guarantees = [
            AppendOnly(message=sql.OBLIGATION_APPEND_ONLY),
            RowTrigger(
                name="cancellation_mirrors",
                events=["insert"],
                body=sql.CANCELLATION_MIRRORS,
                description="refuses a cancellation that is not a copy of the obligation it cancels "
                "(parties, amount, currency, due date, organization), or of a cancellation",
                protects_existing_rows=False,
            ),
        ]

    def __str__(self) -> str:
        prefix = "cancellation of " if self.reverses_id else ""
        return f"{prefix}{_shown(self.amount, self.currency)} due {self.due_on}"

    @property
    def is_cancellation(self) -> bool:
        """Whether this row cancels another obligation."""
        return self.reverses_id is not None


class Settlement(UUIDModel, TimeSemanticsMixin, OrgOwned, RecordedFact):
    """Money that moved between two parties: a payment, a refund, or the reversal of either.

    A ``payment``: ``payer`` paid ``payee`` ``money``; its ``allocations`` say which obligations it settles (none:
    an advance, or a transfer between people). A ``refund`` gives back part or all of a payment (``refund_of``):
    it goes the other way (its payer is the payment's payee) and never exceeds what is left of the payment.
    A ``reversal`` (``reverses``) undoes a payment or refund recorded in error: same parties and amount,
    counted negatively from its own ``effective_at``; a fact is reversed at most once.
    """

    kind = CaseSensitiveCharField(max_length=10, choices=SettlementKind.choices, editable=False)
    payer_type, payer_id, payer = _party("payer")
    payee_type, payee_id, payee = _party("payee")
    amount = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, editable=False)
    currency = CaseSensitiveCharField(max_length=CURRENCY_LENGTH, editable=False)
    money = MoneyAttribute(amount_field="amount", currency_field="currency")
    description = models.CharField(max_length=255, blank=True, default="", editable=False)
    reference_type, reference_id, reference = _reference()
    refund_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="refunds", editable=False
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal", editable=False
    )
    reason = models.TextField(blank=True, default="", editable=False)

    objects = SettlementQuerySet.as_manager()  # type: ignore[misc]  # a narrower manager than the mixin's

    class Meta:
        ordering = ["recorded_at", "id"]
        permissions = [("reverse_settlement", "Can reverse payments and refunds and cancel obligations")]
        indexes = [
            models.Index(fields=["payer_type", "payer_id"], name="settlements_set_payer"),
            models.Index(fields=["payee_type", "payee_id"], name="settlements_set_payee"),
            models.Index(fields=["reference_type", "reference_id"], name="settlements_set_reference"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="django_settlements_settlement_amount"),
            models.CheckConstraint(
                condition=(Q(kind=SettlementKind.PAYMENT) & Q(refund_of__isnull=True) & Q(reverses__isnull=True))
                | (Q(kind=SettlementKind.REFUND) & Q(refund_of__isnull=False) & Q(reverses__isnull=True))
                | (
                    Q(kind=SettlementKind.REVERSAL)
                    & Q(refund_of__isnull=True)
                    & Q(reverses__isnull=False)
                    & ~Q(reason="")
                ),
                name="django_settlements_settlement_kind",
                violation_error_message="A refund names its payment, a reversal what it reverses and why.",
            ),
            _not_to_itself("payer", "payee", "django_settlements_settlement_two_parties"),
            _idempotency_key_constraint("django_settlements_settlement_idempotency_key"),
        ]
        guarantees = [
            AppendOnly(message=sql.SETTLEMENT_APPEND_ONLY),
            RowTrigger(
                name="mirrors_its_original",
                events=["insert"],
                body=sql.SETTLEMENT_MIRRORS,
                description="refuses a refund that does not go back between its payment's parties in its currency "
                "and organization, and a reversal that is not a copy of the payment or refund it reverses",
                protects_existing_rows=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {_shown(self.amount, self.currency)}"


class Allocation(UUIDModel, Fact):
    """The part of a settlement that counts toward one obligation.

    ``direction`` is ``1`` when the money went to the obligation's creditor (a payment, the reversal of a
    refund) and ``-1`` when it came back (a refund, the reversal of a payment): what is paid on an obligation
    is the sum of ``amount * direction``. It belongs to its settlement's organization.
    """

    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="allocations", editable=False)
    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="allocations", editable=False)
    amount = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, editable=False)
    currency = CaseSensitiveCharField(max_length=CURRENCY_LENGTH, editable=False)
    money = MoneyAttribute(amount_field="amount", currency_field="currency")
    direction = models.SmallIntegerField(editable=False)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["settlement", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="django_settlements_allocation_amount"),
            models.CheckConstraint(condition=Q(direction__in=[1, -1]), name="django_settlements_allocation_direction"),
            models.UniqueConstraint(fields=["settlement", "obligation"], name="django_settlements_allocation_once"),
        ]
        guarantees = [
            AppendOnly(message=sql.ALLOCATION_APPEND_ONLY),
            RowTrigger(
                name="matches_its_settlement",
                events=["insert"],
                body=sql.ALLOCATION_MATCHES,
                description="refuses an allocation in another currency than its settlement and obligation, to an "
                "obligation of other parties, a cancellation, or with the wrong direction for its settlement",
                protects_existing_rows=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{'+' if self.direction == 1 else '-'}{_shown(self.amount, self.currency)}"

    @property
    def signed_money(self) -> Money:
        """The allocation's effect on what is paid on its obligation (negative for money that came back)."""
        return Money(self.amount * self.direction, self.currency)


class CreditLimit(UUIDModel, TimeStampedModel, OrgOwned):
    """How much ``creditor`` lets ``debtor`` owe it on credit, in one currency: configuration, not a fact.

    The credit in use is what is reserved (open reservations) plus what was consumed and is still unpaid (the open
    amount of the obligations its consumptions created); a reservation that would take it over ``limit`` is
    refused. One limit per creditor, debtor and currency within an organization; its parties, currency and
    organization are fixed (``Meta.guarantees``). The limit itself changes through ``set_credit_limit``.
    """

    creditor_type, creditor_id, creditor = _party("creditor")
    debtor_type, debtor_id, debtor = _party("debtor")
    currency = CaseSensitiveCharField(max_length=CURRENCY_LENGTH, editable=False)
    limit_amount = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    limit = MoneyAttribute(amount_field="limit_amount", currency_field="currency")

    objects = CreditLimitQuerySet.as_manager()

    class Meta:
        ordering = ["org_key", "currency", "id"]
        constraints = [
            unique_per_org(
                "creditor_type",
                "creditor_id",
                "debtor_type",
                "debtor_id",
                "currency",
                name="django_settlements_creditlimit_per_org",
            ),
            models.CheckConstraint(condition=Q(limit_amount__gte=0), name="django_settlements_creditlimit_amount"),
            _not_to_itself("creditor", "debtor", "django_settlements_creditlimit_two_parties"),
        ]
        indexes = [models.Index(fields=["debtor_type", "debtor_id"], name="settlements_limit_debtor")]
        guarantees = [
            FrozenColumns(
                "creditor_type_id",
                "creditor_id",
                "debtor_type_id",
                "debtor_id",
                "currency",
                "org_key",
                name="parties_fixed",
                message=sql.LIMIT_PARTIES_FIXED,
            )
        ]

    def __str__(self) -> str:
        return f"credit limit of {_shown(self.limit_amount, self.currency)}"


class CreditMovement(UUIDModel, TimeSemanticsMixin, RecordedFact):
    """A change to the credit in use under a limit: a reservation, its release, or its consumption.

    A ``reserve`` holds ``money`` of the limit (an order placed on credit); a ``release`` gives back part or all of
    a reservation (``reservation``: the order was cancelled); a ``consume`` turns part or all of one into an
    ``obligation`` of the debtor to the creditor (the order was delivered), which stays in use until paid.
    What is left of a reservation is its amount less its releases and consumptions. A movement belongs to its
    limit's organization.
    """

    credit_limit = models.ForeignKey(CreditLimit, on_delete=models.PROTECT, related_name="movements", editable=False)
    kind = CaseSensitiveCharField(max_length=10, choices=CreditMovementKind.choices, editable=False)
    amount = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, editable=False)
    currency = CaseSensitiveCharField(max_length=CURRENCY_LENGTH, editable=False)
    money = MoneyAttribute(amount_field="amount", currency_field="currency")
    reservation = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="settled_by", editable=False
    )
    obligation = models.OneToOneField(
        Obligation, on_delete=models.PROTECT, null=True, blank=True, related_name="credit_consumption", editable=False
    )
    reference_type, reference_id, reference = _reference()
    reason = models.TextField(blank=True, default="", editable=False)

    objects = CreditMovementQuerySet.as_manager()  # type: ignore[misc]  # a narrower manager than the mixin's

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="django_settlements_creditmovement_amount"),
            models.CheckConstraint(
                condition=(
                    Q(kind=CreditMovementKind.RESERVE) & Q(reservation__isnull=True) & Q(obligation__isnull=True)
                )
                | (Q(kind=CreditMovementKind.RELEASE) & Q(reservation__isnull=False) & Q(obligation__isnull=True))
                | (Q(kind=CreditMovementKind.CONSUME) & Q(reservation__isnull=False) & Q(obligation__isnull=False)),
                name="django_settlements_creditmovement_kind",
                violation_error_message="A release names its reservation; a consumption also its obligation.",
            ),
            _idempotency_key_constraint("django_settlements_creditmovement_idempotency_key"),
        ]
        guarantees = [
            AppendOnly(message=sql.CREDIT_MOVEMENT_APPEND_ONLY),
            RowTrigger(
                name="within_its_reservation",
                events=["insert"],
                body=sql.MOVEMENT_MATCHES,
                description="refuses a movement in another currency than its limit, and a release or consumption "
                "of a reservation of another limit",
                protects_existing_rows=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {_shown(self.amount, self.currency)}"
