"""Ledger: accounts, posting, reversal, balances, trial balance. Module ``ledger``.

Only the clinic's organization's books: accounts are named by ``code`` among the clinic's accounts,
transactions are those of its accounts. Amounts are strings (``"12.50"``); a JSON float is refused.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.fields import ClinicSlugRelatedField, CurrencyField, JSONObjectField, MoneyAmountField, reason_text
from api.permissions import ModuleView, ModuleViewSet
from api.writes import validated, write
from clinic.organizations import clinic_org, of_clinic
from django_ledger import AccountType, EntrySpec, EntryType
from django_ledger.models import Account, Entry, Transaction
from django_ledger.selectors import balances, trial_balance
from django_ledger.services import open_account, post_transaction, reverse_transaction

MAX_ENTRIES = 100


class AccountSerializer(serializers.ModelSerializer):
    # A field named like Field.parent: the serializer's metaclass moves it out of the class.
    parent: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True
    )
    balance = serializers.SerializerMethodField()

    class Meta:
        model = Account
        fields = ["id", "code", "name", "account_type", "currency", "parent", "balance"]

    def get_balance(self, account: Account) -> str | None:
        balance = self.context.get("balances", {}).get(account)
        return None if balance is None else str(balance.amount)


class AccountInput(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=200)
    account_type = serializers.ChoiceField(choices=AccountType.choices)
    currency = CurrencyField()
    # A field named like Field.parent: the serializer's metaclass moves it out of the class.
    parent: serializers.SlugRelatedField[Any] = ClinicSlugRelatedField(  # type: ignore[assignment]
        slug_field="code", queryset=Account.objects.all(), required=False, allow_null=True
    )


class EntrySerializer(serializers.ModelSerializer):
    account: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Entry
        fields = ["id", "account", "entry_type", "amount", "currency"]


class TransactionSerializer(serializers.ModelSerializer):
    entries = EntrySerializer(many=True, read_only=True)

    class Meta:
        model = Transaction
        fields = ["id", "description", "metadata", "effective_at", "posted_at", "reverses", "reason", "entries"]


class EntryInput(serializers.Serializer):
    account: serializers.SlugRelatedField[Any] = ClinicSlugRelatedField(
        slug_field="code", queryset=Account.objects.all()
    )
    entry_type = serializers.ChoiceField(choices=EntryType.choices)
    amount = MoneyAmountField(min_value=Decimal("0.0001"))


class TransactionInput(serializers.Serializer):
    description = reason_text()
    effective_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    metadata = JSONObjectField(required=False, allow_null=True, default=None)
    # many=True makes a ListSerializer, which takes max_length; the stubs type the child's __init__.
    entries = EntryInput(many=True, allow_empty=False, max_length=MAX_ENTRIES)  # type: ignore[call-arg]


class ReverseInput(serializers.Serializer):
    reason = reason_text()


class TimeQuery(serializers.Serializer):
    as_of = serializers.DateTimeField(
        required=False, default=None, help_text="business time (ISO 8601): entries effective by then"
    )
    known_at = serializers.DateTimeField(
        required=False, default=None, help_text="record time (ISO 8601): entries posted by then"
    )


class BalanceRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    account_type = serializers.CharField()
    currency = serializers.CharField()
    balance = serializers.CharField()


class TrialBalanceSerializer(serializers.Serializer):
    is_balanced = serializers.BooleanField()
    rows = serializers.ListField(child=serializers.DictField())
    totals = serializers.DictField(child=serializers.DictField())


class AccountViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    """The chart of accounts with each account's balance; ``POST`` opens an account."""

    rbac_module = "ledger"
    queryset = Account.objects.select_related("parent").order_by("code")
    serializer_class = AccountSerializer
    lookup_field = "code"

    def get_queryset(self):
        return self.of_clinic(super().get_queryset())

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        data = AccountSerializer(page, many=True, context={"balances": balances(page or [])}).data
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        account = self.get_object()
        return Response(AccountSerializer(account, context={"balances": balances([account])}).data)

    @extend_schema(request=AccountInput, responses={201: AccountSerializer})
    def create(self, request):
        data = validated(AccountInput, request.data)

        def perform(key):
            account = open_account(**data, org=clinic_org())
            return account, AccountSerializer(account, context={"balances": balances([account])}).data

        return write(request, operation="ledger.open_account", perform=perform)


class TransactionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    """Posted transactions, newest first; ``POST`` posts one (debits must equal credits)."""

    rbac_module = "ledger"
    queryset = Transaction.objects.posted().prefetch_related("entries__account").order_by("-posted_at")
    serializer_class = TransactionSerializer

    def get_queryset(self):
        # A transaction belongs to the organization of its accounts (one organization per transaction).
        return self.of_clinic(super().get_queryset(), "entries__account__org_key").distinct()

    @extend_schema(request=TransactionInput, responses={201: TransactionSerializer})
    def create(self, request):
        data = validated(TransactionInput, request.data)
        entries = [EntrySpec(entry["account"], entry["amount"], entry["entry_type"]) for entry in data.pop("entries")]

        def perform(key):
            posted = post_transaction(entries=entries, **data, by=request.user, idempotency_key=key)
            return posted, TransactionSerializer(self.get_queryset().get(pk=posted.pk)).data

        return write(request, operation="ledger.post_transaction", perform=perform)

    @extend_schema(request=ReverseInput, responses={201: TransactionSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Post the mirror image of a transaction (409 if it was reversed already; 403 without the permission)."""
        original = self.get_object()
        data = validated(ReverseInput, request.data)

        def perform(key):
            reversal = reverse_transaction(original, reason=data["reason"], by=request.user, idempotency_key=key)
            return reversal, TransactionSerializer(self.get_queryset().get(pk=reversal.pk)).data

        return write(request, operation="ledger.reverse_transaction", perform=perform)


class BalancesView(ModuleView):
    """Every account's balance, positive on its normal side."""

    rbac_module = "ledger"
    filters = TimeQuery

    @extend_schema(responses=BalanceRowSerializer(many=True))
    def get(self, request):
        query = self.filter_values()
        accounts = list(of_clinic(Account.objects.order_by("code")))
        found = balances(accounts, query.get("as_of"), known_at=query.get("known_at"))
        rows = [
            {
                "code": account.code,
                "name": account.name,
                "account_type": account.account_type,
                "currency": account.currency,
                "balance": str(found[account].amount),
            }
            for account in accounts
        ]
        return Response(rows)


def trial_balance_body(as_of=None, known_at=None) -> dict:
    """The trial balance as JSON (also rendered by the trial balance page)."""
    report = trial_balance(as_of, known_at=known_at, org=clinic_org())
    return {
        "is_balanced": report.is_balanced,
        "rows": [
            {
                "code": row.account.code,
                "name": row.account.name,
                "account_type": row.account.account_type,
                "currency": row.account.currency,
                "debits": str(row.debits.amount),
                "credits": str(row.credits.amount),
                "balance": str(row.balance.amount),
            }
            for row in report.rows
        ],
        "totals": {
            currency: {
                "debits": str(total.debits.amount),
                "credits": str(total.credits.amount),
                "difference": str(total.difference.amount),
            }
            for currency, total in report.totals.items()
        },
    }


class TrialBalanceView(ModuleView):
    """Debits and credits per account and totals per currency; ``is_balanced`` is always true."""

    rbac_module = "ledger"
    filters = TimeQuery

    @extend_schema(responses=TrialBalanceSerializer)
    def get(self, request):
        query = self.filter_values()
        return Response(trial_balance_body(query.get("as_of"), query.get("known_at")))
