"""``Account``, ``Transaction``, ``Entry`` and ``ClosingBalance``: the data of the ledger and the invariants each
row keeps.

Workflows (posting, reversing) live in ``services.py``; the guards here make the lower-level
ORM path (create a draft transaction, add entries, set ``posted_at`` and save) apply the same
checks, and the guarantees declared in each model's ``Meta.guarantees`` (their SQL is in
``guarantees.py``) make the database refuse what gets past them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router
from django.db import transaction as db_transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from django_basemodels.arguments import is_saved, require_aware
from django_basemodels.constraints import PartialUniqueConstraint
from django_basemodels.fields import CaseSensitiveCharField, ObjectIdField
from django_basemodels.generic import GenericForeignKey
from django_basemodels.guarantees import AppendOnly, FrozenColumns, ImmutableWhen, Refuse, RowTrigger
from django_basemodels.models import OrgOwned, TimeStampedModel, UUIDModel
from django_basemodels.tenancy import unique_per_org
from django_decisioning import UnsupportedValueError, to_json_value
from django_ledger import guarantees as sql
from django_ledger.choices import AccountType, EntryType
from django_ledger.exceptions import (
    AlreadyReversedError,
    CrossOrgTransactionError,
    CurrencyMismatchError,
    ImmutableEntryError,
    ImmutableFactError,
    ImmutableTransactionError,
    InvalidAccountError,
    InvalidMetadataError,
    InvalidReversalError,
    InvalidTransactionError,
    NotPostedError,
    PeriodClosedError,
    TooFewEntriesError,
    UnbalancedTransactionError,
)
from django_ledger.querysets import (
    AccountQuerySet,
    EntryQuerySet,
    TransactionQuerySet,
    locked_for_writing,
    signed_sum,
    sum_to_decimal,
)
from django_ledger.specs import DECIMAL_PLACES, MAX_DIGITS, parse_amount, parse_entry_type
from django_money import Money, MoneyAttribute, MoneyError

# django-money codes are 3 (ISO 4217) to 8 (MONEY_CUSTOM_CURRENCIES) characters.
CURRENCY_MAX_LENGTH = 8


# The example site's audit-log tracking swaps the managers of tracked models at runtime for classes the
# django-stubs plugin cannot look up (django.db.models.manager.TrackedManager...); the declared ones are right.
class Account(UUIDModel, TimeStampedModel, OrgOwned):  # type: ignore[django-manager-missing]
    """An account of the chart of accounts, kept in one currency, of one organization (or none).

    ``code`` is unique per organization (``org_key``, ``""`` for no organization, so without
    organizations it is unique database-wide). ``currency`` is fixed once the account exists;
    ``account_type`` decides the normal side (debit for assets and expenses, credit for
    liabilities, equity and revenue) and may change only while the account has no entries.
    ``owner`` is an optional generic key (any model, UUID or integer key); ``parent`` builds a
    tree (no cycles) within the account's organization. ``closed_through`` (empty until
    ``close_books``) only moves forward: no entry effective at or before it is posted on the account.
    """

    code = CaseSensitiveCharField(max_length=50)
    name = models.CharField(max_length=200)
    account_type = CaseSensitiveCharField(max_length=20, choices=AccountType.choices)
    currency = CaseSensitiveCharField(max_length=CURRENCY_MAX_LENGTH)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    owner_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    owner_id = ObjectIdField(blank=True, default="")
    owner = GenericForeignKey("owner_type", "owner_id")
    # Moved forward by close_books only (the database refuses moving it back): entries effective at or
    # before it are no longer posted on this account.
    closed_through = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="The books of this account are closed through this instant."
    )

    objects = AccountQuerySet.as_manager()  # type: ignore[django-manager-missing]  # see the class

    class Meta:
        ordering = ["code", "org_key"]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="django_ledger_account_owner")]
        constraints = [
            unique_per_org("code", name="django_ledger_account_code_per_org"),
            models.CheckConstraint(
                condition=Q(account_type__in=AccountType.values), name="django_ledger_account_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("id")), name="django_ledger_account_not_own_parent"
            ),
        ]
        guarantees = [
            FrozenColumns("currency", name="currency_is_fixed", message=sql.CURRENCY_IS_FIXED),
            RowTrigger(
                name="type_fixed_once_used",
                events=["update"],
                when=sql.ACCOUNT_TYPE_CHANGED,
                body=sql.ACCOUNT_TYPE_FIXED_ONCE_USED,
                description="refuses an UPDATE of account_type once the account has entries",
            ),
            Refuse(
                name="closed_through_moves_forward",
                events=["update"],
                when=sql.CLOSED_THROUGH_MOVED_BACK,
                message=sql.CLOSED_THROUGH_MOVES_FORWARD,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def normal_side(self) -> EntryType:
        """The side that increases this account's balance."""
        return AccountType(self.account_type).normal_side

    def zero(self) -> Money:
        """Zero in this account's currency."""
        return Money.zero(self.currency)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Validate and save. Raises ``InvalidAccountError`` for an empty code or name, an unknown type
        or currency, a parent cycle or a parent of another organization, an unsaved owner, a currency
        change, a type change once the account has entries, or an organization change once it has
        entries or sub-accounts."""
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        self._validate(using)
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            # closed_through is close_books' to move: a save of an instance loaded before a close leaves it alone.
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key and field.attname != "closed_through"
            ]
        super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]

    def _validate(self, using: str) -> None:
        for name in ("code", "name"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise InvalidAccountError(f"An account needs a non-empty {name}, not {value!r}.")
        if self.account_type not in AccountType.values:
            raise InvalidAccountError(
                f"account_type must be one of {', '.join(AccountType.values)}, not {self.account_type!r}."
            )
        try:
            self.currency = Money.zero(self.currency).currency
        except (MoneyError, TypeError, AttributeError) as exc:
            raise InvalidAccountError(f"{self.currency!r} is not a known currency: {exc}") from exc
        if self.owner_type_id is not None and not self.owner_id:
            raise InvalidAccountError("The owner has no primary key: save it before pointing at it.")
        self._validate_parent(using)
        if self._state.adding:
            return
        stored = (
            type(self)
            ._base_manager.using(using)
            .filter(pk=self.pk)
            .values("currency", "account_type", "org_key")
            .first()
        )
        if stored is not None and stored["org_key"] != self.org_key:
            self._validate_org_change(using)
        if stored is not None and stored["currency"] != self.currency:
            raise InvalidAccountError(
                f"The currency of account {self.code} is fixed ({stored['currency']}); open another account instead."
            )
        if (
            stored is not None
            and stored["account_type"] != self.account_type
            and Entry._base_manager.using(using).filter(account=self).exists()
        ):
            raise InvalidAccountError(f"Account {self.code} has entries: its type (and so its normal side) is fixed.")

    def _validate_parent(self, using: str) -> None:
        if self.parent_id is None:
            return
        if self.parent_id == self.pk:
            raise InvalidAccountError(f"Account {self.code} cannot be its own parent.")
        accounts = type(self)._base_manager.using(using)
        parent = accounts.filter(pk=self.parent_id).values_list("parent_id", "org_key").first()
        # No such row (the foreign key refuses it): no grandparent, no other organization.
        grandparent, parent_org_key = parent or (None, self.org_key)
        if parent_org_key != self.org_key:
            raise InvalidAccountError(
                f"The parent of account {self.code} belongs to another organization ({parent_org_key!r}, "
                f"not {self.org_key!r}): a chart of accounts stays within one organization."
            )
        seen = {self.pk, self.parent_id}
        ancestor: uuid.UUID | None = grandparent
        while ancestor is not None:
            if ancestor in seen:
                raise InvalidAccountError(f"Making this the parent of {self.code} would create a cycle.")
            seen.add(ancestor)
            ancestor = accounts.filter(pk=ancestor).values_list("parent_id", flat=True).first()

    def _validate_org_change(self, using: str) -> None:
        # Entries and sub-accounts belong to the account's organization: moving it would mix two.
        if Entry._base_manager.using(using).filter(account=self).exists():
            raise InvalidAccountError(f"Account {self.code} has entries: its organization is fixed.")
        if type(self)._base_manager.using(using).filter(parent=self).exists():
            raise InvalidAccountError(f"Account {self.code} has sub-accounts: its organization is fixed.")


class Transaction(UUIDModel):
    """A set of entries whose debits equal their credits in every currency.

    A transaction is created as a draft (``posted_at`` empty); entries are added to it; setting
    ``posted_at`` and saving posts it, which validates at least two entries and the balance per
    currency, stores the server's time as ``posted_at`` whatever was set, and fills an empty
    ``effective_at`` with it. A posted transaction is immutable: ``save()``, ``delete()`` and
    queryset ``update()``/``delete()`` raise ``ImmutableTransactionError``, and the database refuses
    raw SQL (``Meta.guarantees``). ``reverses`` points at the transaction this one reverses (at most one
    reversal per transaction). ``idempotency_scope`` and ``idempotency_key`` hold the key a service
    was called with (the service's name and the caller's key), unique together: one transaction per key.
    The entries of a transaction are on accounts of one organization (the services and posting check it).
    """

    description = models.TextField()
    metadata = models.JSONField(default=dict, blank=True)
    effective_at = models.DateTimeField(null=True, blank=True, help_text="When it is true in the business.")
    posted_at = models.DateTimeField(null=True, blank=True, editable=False, help_text="When it was posted.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal_transactions", db_index=False
    )
    reason = models.TextField(blank=True, default="", help_text="Why this transaction reverses another.")
    # Written with the draft's INSERT by the service that posts it, never by an UPDATE: a retry with the
    # same key finds the transaction here even after the django_decisioning key row was purged.
    idempotency_scope = CaseSensitiveCharField(
        max_length=100, null=True, blank=True, editable=False, help_text="The service the key was given to."
    )
    idempotency_key = CaseSensitiveCharField(
        max_length=255, null=True, blank=True, editable=False, help_text="The caller's idempotency key."
    )

    objects = TransactionQuerySet.as_manager()

    unique_per_database: ClassVar[dict[tuple[str, ...], str]] = {
        ("idempotency_scope", "idempotency_key"): "client request keys: random tokens, per service scope",
    }

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("reverse_transaction", "Can reverse posted transactions and entries")]
        constraints = [
            models.UniqueConstraint(fields=["reverses"], name="django_ledger_transaction_reversed_once"),
            PartialUniqueConstraint(
                fields=["idempotency_scope", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="django_ledger_transaction_idempotency_key",
            ),
            models.CheckConstraint(
                condition=Q(posted_at__isnull=True) | Q(effective_at__isnull=False),
                name="django_ledger_transaction_posted_effective",
            ),
        ]
        guarantees = [
            Refuse(
                name="inserted_as_draft",
                events=["insert"],
                when="NEW.posted_at IS NOT NULL",
                message=sql.INSERTED_AS_DRAFT,
            ),
            ImmutableWhen("OLD.posted_at IS NOT NULL", name="posted_is_final", message=sql.POSTED_TRANSACTION_IS_FINAL),
            RowTrigger(
                name="balanced_to_post",
                events=["update"],
                when=sql.POSTING,
                body=sql.TRANSACTION_BALANCED,
                description="refuses posting (posted_at from NULL to a value) with fewer than two entries, "
                "with debits different from credits in any currency, or effective at or before the "
                "closed_through of an account of its entries (read with a share lock)",
            ),
            RowTrigger(
                name="posting_stamps_entries",
                events=["update"],
                timing="after",
                when=sql.POSTING,
                body=sql.STAMP_ENTRIES,
                description="posting copies posted_at and effective_at onto the entries (recorded_at, effective_at) "
                "and writes their posted_units",
                protects_existing_rows=False,
            ),
        ]

    def __str__(self) -> str:
        state = f"posted {self.posted_at:%Y-%m-%d %H:%M}" if self.posted_at else "draft"
        return f"{self.description} ({state})"

    @property
    def is_posted(self) -> bool:
        """Whether the transaction is posted (as loaded)."""
        return self.posted_at is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save a draft, or post it when ``posted_at`` is set.

        Raises ``ImmutableTransactionError`` if the stored row is already posted; ``InvalidTransactionError``
        for an empty description, a naive datetime, or inserting a row that is already posted;
        ``InvalidMetadataError`` for metadata without an exact JSON form; and, when posting,
        ``TooFewEntriesError``, ``CrossOrgTransactionError`` (entries on accounts of two organizations)
        or ``UnbalancedTransactionError`` (nothing is written then).
        """
        self._validate_fields()
        if self._state.adding:
            if self.posted_at is not None:
                raise InvalidTransactionError(
                    "A transaction is saved as a draft first; add its entries, then set posted_at and save."
                )
            super().save(*args, **kwargs)
            return
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with db_transaction.atomic(using=using):
            stored = list(
                locked_for_writing(type(self)._base_manager.using(using).filter(pk=self.pk)).values_list(
                    "posted_at", flat=True
                )
            )
            if stored and stored[0] is not None:
                raise ImmutableTransactionError(
                    f"Transaction {self.pk} is posted: it cannot change; reverse it instead."
                )
            if self.posted_at is not None:
                if not stored:
                    raise InvalidTransactionError(f"Transaction {self.pk} does not exist: it cannot be posted.")
                self._validate_postable(using)
                self.posted_at = timezone.now()
                if self.effective_at is None:
                    self.effective_at = self.posted_at
            super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Delete a draft and its entries; raises ``ImmutableTransactionError`` for a posted transaction."""
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with db_transaction.atomic(using=using):
            posted_at = (
                locked_for_writing(type(self)._base_manager.using(using).filter(pk=self.pk))
                .values_list("posted_at", flat=True)
                .first()
            )
            if posted_at is not None or self.posted_at is not None:
                raise ImmutableTransactionError(
                    f"Transaction {self.pk} is posted: it is never deleted; reverse it instead."
                )
            Entry._base_manager.using(using).filter(transaction_id=self.pk).delete()
            return super().delete(*args, **kwargs)

    delete.alters_data = True  # type: ignore[attr-defined]

    def _validate_fields(self) -> None:
        if not isinstance(self.description, str) or not self.description.strip():
            raise InvalidTransactionError(f"A transaction needs a non-empty description, not {self.description!r}.")
        if not isinstance(self.reason, str):
            raise InvalidTransactionError(f"reason must be a string, not {type(self.reason).__name__}.")
        if not isinstance(self.metadata, Mapping):
            raise InvalidMetadataError(f"metadata must be a mapping, not {type(self.metadata).__name__}.")
        try:
            self.metadata = to_json_value(dict(self.metadata), path="metadata")
        except UnsupportedValueError as exc:
            raise InvalidMetadataError(str(exc)) from exc
        require_aware(self.effective_at, name="effective_at", error=InvalidTransactionError)
        require_aware(self.posted_at, name="posted_at", error=InvalidTransactionError)
        if (self.idempotency_key is None) != (self.idempotency_scope is None):
            raise InvalidTransactionError("idempotency_key and idempotency_scope are set together, or neither is.")

    def _validate_postable(self, using: str) -> None:
        vendor = connections[using].vendor
        rows = (
            Entry._base_manager.using(using)
            .filter(transaction_id=self.pk)
            .values("currency", "account__org_key")
            .annotate(
                net=signed_sum(EntryType.DEBIT, vendor=vendor),
                count=Count("pk"),
                closed_through=Max("account__closed_through"),
            )
            .order_by("currency", "account__org_key")
        )
        nets: dict[str, Decimal] = {}
        org_keys = set()
        count = 0
        closed_through = None
        for row in rows:
            if row["closed_through"] is not None and (closed_through is None or row["closed_through"] > closed_through):
                closed_through = row["closed_through"]
            nets[row["currency"]] = nets.get(row["currency"], Decimal(0)) + sum_to_decimal(row["net"], vendor=vendor)
            org_keys.add(row["account__org_key"])
            count += row["count"]
        if count < 2:
            raise TooFewEntriesError(f"Transaction {self.pk} has {count} entries: posting needs at least two.")
        if len(org_keys) > 1:
            raise CrossOrgTransactionError(
                f"Transaction {self.pk} has entries on accounts of {len(org_keys)} organizations "
                f"({', '.join(map(repr, sorted(org_keys)))}): a transaction stays within one organization.",
                org_keys=sorted(org_keys),
            )
        effective_at = self.effective_at or timezone.now()
        if closed_through is not None and effective_at <= closed_through:
            codes = sorted(
                Entry._base_manager.using(using)
                .filter(transaction_id=self.pk, account__closed_through__gte=effective_at)
                .values_list("account__code", flat=True)
                .distinct()
            )
            raise PeriodClosedError(
                f"Transaction {self.pk} is effective at {effective_at.isoformat()}, in the closed books of "
                f"{', '.join(codes)} (closed through {closed_through.isoformat()}): pass a later effective_at.",
                accounts=codes,
                closed_through=closed_through,
                effective_at=effective_at,
            )
        unbalanced = {currency: net for currency, net in nets.items() if net != 0}
        if unbalanced:
            detail = ", ".join(f"{currency}: debits exceed credits by {net}" for currency, net in unbalanced.items())
            raise UnbalancedTransactionError(f"Transaction {self.pk} does not balance ({detail}).")


class Entry(UUIDModel):
    """One leg of a transaction: a positive ``amount`` on the debit or credit side of an account.

    ``currency`` is the account's (copied when empty, ``CurrencyMismatchError`` when different).
    ``effective_at`` and ``recorded_at`` are the transaction's ``effective_at`` and ``posted_at``,
    copied onto the entry by the database when the transaction is posted (``recorded_at`` is
    empty while the transaction is a draft), so balances never join the transaction table. The posting
    also writes ``posted_units``: the amount in whole ten-thousandths, positive on the debit side and
    negative on the credit side (0 while a draft), so a balance is the bare ``SUM`` of one column of
    its index; the database refuses any other value, whoever writes it.
    ``reverses`` points at the entry this one reverses: same account, amount and currency, the
    other side; an entry is reversed at most once. ``source`` is a generic key to the business
    object the entry comes from.
    """

    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries", db_index=False)
    entry_type = CaseSensitiveCharField(max_length=6, choices=EntryType.choices)
    amount = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    currency = CaseSensitiveCharField(max_length=CURRENCY_MAX_LENGTH, blank=True)
    effective_at = models.DateTimeField(null=True, blank=True, editable=False)
    recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    posted_units = models.BigIntegerField(
        default=0,
        db_default=0,
        editable=False,
        help_text="Written by the posting: the amount in ten-thousandths, negative on the credit side.",
    )
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal_entries", db_index=False
    )
    source_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    source_id = ObjectIdField(blank=True, default="")
    source = GenericForeignKey("source_type", "source_id")

    money = MoneyAttribute(amount_field="amount", currency_field="currency")

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entries"
        indexes = [
            # Covers the balance aggregates: the account's range by effective_at, the bitemporal and
            # posted filters on recorded_at, and the summed columns, without visiting the table.
            models.Index(
                fields=["account", "effective_at", "recorded_at", "entry_type", "amount", "posted_units"],
                name="django_ledger_entry_balance",
            ),
            models.Index(fields=["source_type", "source_id"], name="django_ledger_entry_source"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="django_ledger_entry_amount_positive"),
            models.CheckConstraint(condition=Q(entry_type__in=EntryType.values), name="django_ledger_entry_type_valid"),
            models.CheckConstraint(
                condition=Q(recorded_at__isnull=True) | Q(effective_at__isnull=False),
                name="django_ledger_entry_recorded_effective",
            ),
            models.UniqueConstraint(fields=["reverses"], name="django_ledger_entry_reversed_once"),
        ]
        guarantees = [
            RowTrigger(
                name="added_to_a_draft",
                events=["insert"],
                body=sql.ENTRY_ADDED_TO_A_DRAFT,
                description="refuses an entry of a posted transaction, with recorded_at set or posted_units other "
                "than 0, in another currency than its account, or reversing what it does not mirror",
            ),
            RowTrigger(
                name="posted_is_final",
                events=["update"],
                body=sql.ENTRY_POSTED_IS_FINAL,
                description="refuses an UPDATE of an entry of a posted transaction (the posting stamping it "
                "excepted); an entry of a draft keeps the rules of added_to_a_draft",
            ),
            RowTrigger(
                name="posted_is_undeletable",
                events=["delete"],
                body=sql.ENTRY_POSTED_IS_UNDELETABLE,
                description="refuses a DELETE of an entry of a posted transaction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_type} {self.amount} {self.currency}"

    @property
    def is_posted(self) -> bool:
        """Whether the entry's transaction is posted (as loaded)."""
        return self.recorded_at is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save an entry of a draft transaction.

        Raises ``ImmutableEntryError`` when the stored entry belongs to a posted transaction,
        ``ImmutableTransactionError`` when its transaction is posted, ``InvalidAmountError``,
        ``InvalidEntryTypeError`` or ``CurrencyMismatchError`` for bad values, ``InvalidTransactionError`` for an
        unsaved transaction or account, and for a reversing entry ``NotPostedError``, ``InvalidReversalError``
        (not a mirror of the original) or ``AlreadyReversedError``.
        """
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        self._validate_values()
        with db_transaction.atomic(using=using):
            transactions = locked_for_writing(Transaction._base_manager.using(using))
            if not self._state.adding:
                stored = type(self)._base_manager.using(using).filter(pk=self.pk).values_list("transaction_id").first()
                if stored is not None and transactions.filter(pk=stored[0], posted_at__isnull=False).exists():
                    raise ImmutableEntryError(f"Entry {self.pk} belongs to a posted transaction: reverse it instead.")
            target = transactions.filter(pk=self.transaction_id).values_list("posted_at", "effective_at").first()
            if target is not None and target[0] is not None:
                raise ImmutableTransactionError(
                    f"Transaction {self.transaction_id} is posted: no entry can be added to it."
                )
            self.recorded_at = None
            self.effective_at = target[1] if target is not None else None
            if self.reverses_id is not None:
                self._validate_reversal(using, self.reverses_id)
            super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Delete an entry of a draft; raises ``ImmutableEntryError`` for an entry of a posted transaction."""
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with db_transaction.atomic(using=using):
            posted = (
                locked_for_writing(Transaction._base_manager.using(using))
                .filter(pk=self.transaction_id, posted_at__isnull=False)
                .exists()
            )
            if posted or self.recorded_at is not None:
                raise ImmutableEntryError(f"Entry {self.pk} belongs to a posted transaction: reverse it instead.")
            return super().delete(*args, **kwargs)

    delete.alters_data = True  # type: ignore[attr-defined]

    def _validate_values(self) -> None:
        if self.transaction_id is None or not is_saved(self.transaction):
            raise InvalidTransactionError("An entry needs a saved transaction.")
        if self.account_id is None or not is_saved(self.account):
            raise InvalidTransactionError("An entry needs a saved account.")
        currency = self.account.currency
        if self.currency and self.currency != currency:
            raise CurrencyMismatchError(
                f"An entry in {self.currency} cannot be posted to account {self.account.code}, kept in {currency}."
            )
        self.currency = currency
        self.entry_type = parse_entry_type(self.entry_type).value
        self.amount = parse_amount(self.amount, currency=currency)
        if self.source_type_id is not None and not self.source_id:
            raise InvalidTransactionError("The source has no primary key: save it before pointing at it.")

    def _validate_reversal(self, using: str, reverses_id: uuid.UUID) -> None:
        original = (
            type(self)
            ._base_manager.using(using)
            .filter(pk=reverses_id)
            .values("account_id", "amount", "currency", "entry_type", "recorded_at")
            .first()
        )
        if original is None or original["recorded_at"] is None:
            raise NotPostedError(f"Entry {self.reverses_id} is not posted: only posted entries are reversed.")
        mirrors = (
            original["account_id"] == self.account_id
            and original["currency"] == self.currency
            and original["amount"] == self.amount
            and original["entry_type"] != self.entry_type
        )
        if not mirrors:
            raise InvalidReversalError(
                f"A reversal of entry {self.reverses_id} has its account, amount and currency on the other side."
            )
        if type(self)._base_manager.using(using).filter(reverses_id=self.reverses_id).exclude(pk=self.pk).exists():
            raise AlreadyReversedError(f"Entry {self.reverses_id} is already reversed.")


class ClosingBalance(UUIDModel):
    """An account's posted debits and credits through ``closed_through``: a fact of a period close (``close_books``).

    ``debits`` and ``credits`` are those of every posted entry of the account with ``effective_at <=
    closed_through``; ``effective_at`` is ``closed_through`` and ``recorded_at`` the server's time of
    the close. Rows are inserted, never updated or deleted, and the database refuses one whose account
    is not closed through it or whose sums differ from the previous closing plus the entries of the
    period (``Meta.guarantees``); since no entry of a closed period is posted afterwards, a balance as
    known at any instant from ``recorded_at`` on may start from this row instead of the first entry.
    """

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="closing_balances", db_index=False)
    closed_through = models.DateTimeField(help_text="The entries effective at or before this instant are summed.")
    debits = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    credits = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    effective_at = models.DateTimeField(help_text="closed_through: when the sums are true in the business.")
    recorded_at = models.DateTimeField(help_text="When the books were closed.")

    class Meta:
        ordering = ["account", "closed_through"]
        constraints = [
            # Also the index of the reads: the latest closing of an account up to an instant.
            models.UniqueConstraint(fields=["account", "closed_through"], name="django_ledger_closing_per_instant"),
            models.CheckConstraint(
                condition=Q(effective_at=F("closed_through")), name="django_ledger_closing_effective_at"
            ),
            models.CheckConstraint(
                condition=Q(debits__gte=0, credits__gte=0), name="django_ledger_closing_sums_not_negative"
            ),
        ]
        guarantees = [
            AppendOnly(message=sql.CLOSING_IS_FINAL),
            RowTrigger(
                name="matches_the_entries",
                events=["insert"],
                body=sql.CLOSING_MATCHES,
                description="refuses a closing balance whose account is not closed through it, or whose debits "
                "and credits differ from the previous closing plus the posted entries of its period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} through {self.closed_through:%Y-%m-%d %H:%M}"

    @property
    def balance(self) -> Money:
        """The balance on the account's normal side through ``closed_through`` (as ``get_balance`` gives it)."""
        net = self.debits - self.credits
        return Money(net if self.account.normal_side == EntryType.DEBIT else -net, self.account.currency)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert the row; raises ``ImmutableFactError`` for a stored one (closing balances are facts)."""
        if not self._state.adding:
            raise ImmutableFactError(f"Closing balance {self.pk} is never changed.")
        super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Raises ``ImmutableFactError``: closing balances are never deleted."""
        raise ImmutableFactError(f"Closing balance {self.pk} is never deleted.")

    delete.alters_data = True  # type: ignore[attr-defined]
