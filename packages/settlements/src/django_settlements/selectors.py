"""Read paths: balances between parties and within groups, what is open or paid on an obligation, what is left to
refund, the credit in use under a limit, and the budget's ``obligations_covered`` hook.

Balances are per currency and never converted. Every read takes ``as_of`` (business time: facts effective by
then) and ``known_at`` (record time: facts recorded by then), both aware and optional, and balances take
``org`` (``ANY_ORG`` by default: every organization; ``None``: no organization; or one organization).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, models, router
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.module_loading import import_string

from django_basemodels.arguments import is_saved, require_aware
from django_basemodels.fields import canonical_object_id
from django_basemodels.tenancy import ANY_ORG, OrgLike, _AnyOrg
from django_money import Money
from django_money.currencies import normalize_currency
from django_money.exceptions import MoneyError
from django_settlements import conf
from django_settlements.amounts import as_money, exact_sum, in_units, to_decimal, typed, vendor_of
from django_settlements.choices import CreditMovementKind, SettlementKind
from django_settlements.exceptions import InvalidSettlementError, SettlementsConfigurationError
from django_settlements.models import CreditLimit, CreditMovement, Obligation, Settlement
from django_settlements.simplify import Transfer, simplify_debts

PartyKey = tuple[int, str]
_TICK = dt.timedelta(microseconds=1)


def balance(
    party: models.Model,
    counterparty: models.Model,
    *,
    currency: str,
    as_of: dt.datetime | None = None,
    known_at: dt.datetime | None = None,
    org: OrgLike | _AnyOrg = ANY_ORG,
) -> Money:
    """What ``counterparty`` owes ``party`` in ``currency``: positive when ``party`` is owed, negative when it owes.

    Obligations between the two count for their creditor, payments between them for their payer (a refund goes
    back, so it counts for its payer too), cancellations and reversals negatively from their ``effective_at``.
    Two queries. Raises ``InvalidSettlementError`` for an unsaved party, an unknown currency or a naive time.
    """
    return group_balances([party, counterparty], currency=currency, as_of=as_of, known_at=known_at, org=org)[party]


def balances(
    party: models.Model,
    counterparty: models.Model,
    *,
    as_of: dt.datetime | None = None,
    known_at: dt.datetime | None = None,
    org: OrgLike | _AnyOrg = ANY_ORG,
) -> dict[str, Money]:
    """``balance(party, counterparty)`` in every currency they have dealt in, by currency code (sorted).

    A currency whose balance came back to zero is listed with zero. Two queries.
    """
    parties = _parties([party, counterparty])
    nets = _nets(parties, currency=None, as_of=as_of, known_at=known_at, org=org)
    mine = _party_key(party)
    return {code: as_money(by_party.get(mine, Decimal(0)), code) for code, by_party in sorted(nets.items())}


def group_balances(
    parties: Iterable[models.Model],
    *,
    currency: str,
    as_of: dt.datetime | None = None,
    known_at: dt.datetime | None = None,
    org: OrgLike | _AnyOrg = ANY_ORG,
) -> dict[Any, Money]:
    """The net balance of each of ``parties`` within the group, in ``currency``: positive when owed, negative when
    owing. Only obligations and settlements between two members count; the balances sum to zero.

    Feed them to ``simplify_debts`` for the fewest transfers that settle the group (``suggest_settlements``).
    The same row given twice counts once. Two queries.
    """
    code = _currency(currency)
    members = _parties(parties)
    nets = _nets(members, currency=code, as_of=as_of, known_at=known_at, org=org).get(code, {})
    return {member: as_money(nets.get(key, Decimal(0)), code) for key, member in members.items()}


def suggest_settlements(
    parties: Iterable[models.Model],
    *,
    currency: str,
    as_of: dt.datetime | None = None,
    known_at: dt.datetime | None = None,
    org: OrgLike | _AnyOrg = ANY_ORG,
) -> list[Transfer]:
    """The fewest transfers that settle the group's balances in ``currency``:
    ``simplify_debts(group_balances(...))``."""
    return simplify_debts(group_balances(parties, currency=currency, as_of=as_of, known_at=known_at, org=org))


def open_amount(
    obligation: Obligation, *, as_of: dt.datetime | None = None, known_at: dt.datetime | None = None
) -> Money:
    """What is left to pay on ``obligation``: its amount less what is paid on it, nothing once it is cancelled.

    As of ``as_of`` and known at ``known_at``: an obligation not yet in effect (or not yet recorded) then has
    nothing open. One query.
    """
    paid, cancelled = _paid(obligation, as_of=as_of, known_at=known_at)
    if cancelled or not _in_window(obligation, as_of, known_at):
        return as_money(Decimal(0), obligation.currency)
    return as_money(obligation.amount - paid, obligation.currency)


def paid_amount(
    obligation: Obligation, *, as_of: dt.datetime | None = None, known_at: dt.datetime | None = None
) -> Money:
    """What is paid on ``obligation``: its payments less their refunds and reversals. One query."""
    paid, _ = _paid(obligation, as_of=as_of, known_at=known_at)
    return as_money(paid, obligation.currency)


def refundable_amount(payment: Settlement) -> Money:
    """What is left to refund of ``payment``: its amount less its standing refunds; nothing once it is reversed."""
    from django_settlements.services.payments import refundable_of  # the one rule, beside the refunds

    if payment.kind != SettlementKind.PAYMENT:
        raise InvalidSettlementError(f"Only a payment is refunded, not a {payment.kind}.")
    return refundable_of(payment, router.db_for_read(Settlement))


def open_obligations(
    *,
    debtor: models.Model | None = None,
    creditor: models.Model | None = None,
    due_by: dt.date | None = None,
    currency: str | None = None,
    as_of: dt.datetime | None = None,
    known_at: dt.datetime | None = None,
    org: OrgLike | _AnyOrg = ANY_ORG,
) -> models.QuerySet[Obligation]:
    """The obligations with something left to pay, of ``debtor`` and to ``creditor`` when given, due on or before
    ``due_by``, in ``currency``, as of ``as_of`` and known at ``known_at``: a queryset ordered by due date, each
    row annotated with ``open_units`` (read it with ``open_amount`` or ``django_settlements.amounts.to_decimal``).
    """
    queryset = Obligation.objects.for_org(org).originals()
    if as_of is not None or known_at is not None:
        queryset = queryset.window(as_of=as_of, known_at=known_at)
    if debtor is not None:
        queryset = queryset.owed_by(_saved(debtor, "debtor"))
    if creditor is not None:
        queryset = queryset.owed_to(_saved(creditor, "creditor"))
    if due_by is not None:
        queryset = queryset.filter(due_on__lte=due_by)
    if currency is not None:
        queryset = queryset.filter(currency=_currency(currency))
    return queryset.open(as_of=as_of, known_at=known_at).order_by("due_on", "recorded_at", "id")


def credit_in_use(credit_limit: CreditLimit, *, using: str | None = None) -> Money:
    """The credit in use under ``credit_limit``: what is left of its reservations, and what its consumptions turned
    into obligations still open (unpaid, not cancelled). Every recorded fact counts, whatever its effective time.
    Two queries."""
    using = using or router.db_for_read(CreditMovement)
    vendor = vendor_of(using)
    signed = Case(
        When(kind=CreditMovementKind.RESERVE, then=typed(in_units("amount", vendor), vendor)),
        default=typed(-in_units("amount", vendor), vendor),
    )
    reserved = (
        CreditMovement.objects.using(using)
        .filter(credit_limit=credit_limit)
        .aggregate(total=exact_sum(signed, vendor))["total"]
    )
    consumed = (
        Obligation.objects.using(using)
        .filter(credit_consumption__credit_limit=credit_limit)
        .with_open_amount()
        .aggregate(total=exact_sum(F("open_units"), vendor))["total"]
    )
    return as_money(to_decimal(reserved, vendor) + to_decimal(consumed, vendor), credit_limit.currency)


def available_credit(credit_limit: CreditLimit) -> Money:
    """The limit less the credit in use; negative when a lowered limit or a reopened debt left it over the limit."""
    return credit_limit.limit - credit_in_use(credit_limit)  # type: ignore[operator]


def remaining_of_reservation(reservation: CreditMovement, *, using: str | None = None) -> Money:
    """What is left of ``reservation`` to release or consume. One query."""
    using = using or router.db_for_read(CreditMovement)
    vendor = vendor_of(using)
    row = CreditMovement.objects.using(using).filter(pk=reservation.pk).with_remaining().values("remaining_units").get()  # type: ignore[misc]
    return as_money(to_decimal(row["remaining_units"], vendor), reservation.currency)


def obligations_covered(*, budget: Any, date: dt.date) -> bool:
    """Whether nothing the budget's debtor owes, due on or before ``date``, is still open at the end of that day.

    For django-budget's ``BUDGET_OBLIGATIONS_COVERED`` (``"django_settlements.obligations_covered"``), which
    ``block_discretionary_until_obligations_covered`` calls as ``covered(budget=budget, date=date)``. The
    debtor is ``budget`` itself, or the party ``SETTLEMENTS_BUDGET_DEBTOR`` (the dotted path of
    ``debtor(budget) -> party``) returns for it (a household, a person). An obligation counts when it is in effect
    by the end of ``date`` (in the current time zone) and what is paid on it by then, as known now, leaves
    something open; a cancelled one does not count. Obligations of every organization count: the debtor is one
    party wherever it owes. One query (and the debtor function's).

    Raises ``SettlementsConfigurationError`` when the setting cannot be imported or the debtor is not a saved
    model instance, ``InvalidSettlementError`` when ``date`` is not a date.
    """
    if isinstance(date, dt.datetime) or not isinstance(date, dt.date):
        raise InvalidSettlementError(f"date must be a date, not {type(date).__name__}.")
    function = budget_debtor_function()
    debtor = function(budget) if function is not None else budget
    if not is_saved(debtor):
        where = f"SETTLEMENTS_BUDGET_DEBTOR ({conf.budget_debtor()})" if function is not None else "the budget"
        raise SettlementsConfigurationError(
            f"The debtor of {budget!r} given by {where} is {debtor!r}, not a saved model instance."
        )
    end = timezone.make_aware(dt.datetime.combine(date + dt.timedelta(days=1), dt.time.min)) - _TICK
    return not (
        Obligation.objects.originals()
        .owed_by(debtor)
        .filter(due_on__lte=date, effective_at__lte=end)
        .open(as_of=end)
        .exists()
    )


def budget_debtor_function() -> Callable[[Any], Any] | None:
    """The callable ``SETTLEMENTS_BUDGET_DEBTOR`` names, or ``None`` when it is unset.

    Raises ``SettlementsConfigurationError`` when it is not a dotted path, cannot be imported or is not callable.
    """
    value = conf.budget_debtor()
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise SettlementsConfigurationError(
            f"SETTLEMENTS_BUDGET_DEBTOR must be the dotted path of debtor(budget) -> party, not {value!r}."
        )
    try:
        function = import_string(value)
    except ImportError as exc:
        raise SettlementsConfigurationError(f"SETTLEMENTS_BUDGET_DEBTOR = {value!r} cannot be imported: {exc}") from exc
    if not callable(function):
        raise SettlementsConfigurationError(
            f"SETTLEMENTS_BUDGET_DEBTOR = {value!r} is a {type(function).__name__}, not a callable."
        )
    return function


# -- balances ---------------------------------------------------------------------------------------------


def _saved(value: Any, name: str) -> models.Model:
    if not is_saved(value):
        raise InvalidSettlementError(f"{name} must be a saved model instance, not {value!r}.")
    return value


def _currency(currency: Any) -> str:
    try:
        return normalize_currency(currency)
    except (TypeError, MoneyError) as exc:
        raise InvalidSettlementError(f"{currency!r} is not a known currency: {exc}") from exc


def _party_key(party: models.Model) -> PartyKey:
    return ContentType.objects.get_for_model(party).pk, canonical_object_id(party.pk)


def _parties(parties: Iterable[models.Model]) -> dict[PartyKey, Any]:
    """The parties by their generic key (content type, canonical id); the first instance of a row wins."""
    if isinstance(parties, (str, bytes, models.Model)) or not isinstance(parties, Iterable):
        raise InvalidSettlementError(f"parties must be a list of saved model instances, not {type(parties).__name__}.")
    members: dict[PartyKey, Any] = {}
    for index, party in enumerate(parties):
        members.setdefault(_party_key(_saved(party, f"parties[{index}]")), party)
    return members


def _among(name: str, keys: Iterable[PartyKey]) -> Q:
    """Rows whose generic key ``name`` points at one of ``keys``."""
    by_type: dict[int, list[str]] = {}
    for type_id, object_id in keys:
        by_type.setdefault(type_id, []).append(object_id)
    return reduce(
        or_,
        (Q(**{f"{name}_type_id": type_id, f"{name}_id__in": ids}) for type_id, ids in sorted(by_type.items())),
        Q(pk__in=[]),
    )


def _nets(
    members: dict[PartyKey, Any],
    *,
    currency: str | None,
    as_of: dt.datetime | None,
    known_at: dt.datetime | None,
    org: OrgLike | _AnyOrg,
) -> dict[str, dict[PartyKey, Decimal]]:
    """The net balance of each member within the group, by currency: owed obligations less owing ones, payments
    made less payments received (reversals and cancellations negative)."""
    using = router.db_for_read(Obligation) or DEFAULT_DB_ALIAS
    vendor = vendor_of(using)
    nets: dict[str, dict[PartyKey, Decimal]] = {}

    def add(currency_code: str, key: PartyKey, amount: Decimal) -> None:
        per_party = nets.setdefault(currency_code, {})
        per_party[key] = per_party.get(key, Decimal(0)) + amount

    sources: list[tuple[Any, str, str, Any]] = [
        # (facts, the party it counts for, the party it counts against, the signed amount)
        (
            Obligation.objects.using(using),
            "creditor",
            "debtor",
            Case(
                When(reverses__isnull=True, then=typed(in_units("amount", vendor), vendor)),
                default=typed(-in_units("amount", vendor), vendor),
            ),
        ),
        (
            Settlement.objects.using(using),
            "payer",
            "payee",
            Case(
                When(kind=SettlementKind.REVERSAL, then=typed(-in_units("amount", vendor), vendor)),
                default=typed(in_units("amount", vendor), vendor),
            ),
        ),
    ]
    for facts, counts_for, counts_against, signed in sources:
        rows = (
            facts.for_org(org)
            .window(as_of=as_of, known_at=known_at)
            .filter(_among(counts_for, members), _among(counts_against, members))
        )
        if currency is not None:
            rows = rows.filter(currency=currency)
        totals = (
            rows.order_by()
            .values(
                f"{counts_for}_type_id",
                f"{counts_for}_id",
                f"{counts_against}_type_id",
                f"{counts_against}_id",
                "currency",
            )
            .annotate(total=exact_sum(signed, vendor))
        )
        for row in totals:
            amount = to_decimal(row["total"], vendor)
            add(row["currency"], (row[f"{counts_for}_type_id"], row[f"{counts_for}_id"]), amount)
            add(row["currency"], (row[f"{counts_against}_type_id"], row[f"{counts_against}_id"]), -amount)
    return nets


# -- obligations ------------------------------------------------------------------------------------------


def _paid(obligation: Obligation, *, as_of: dt.datetime | None, known_at: dt.datetime | None) -> tuple[Decimal, bool]:
    if not isinstance(obligation, Obligation) or not is_saved(obligation):
        raise InvalidSettlementError(f"obligation must be a saved Obligation, not {obligation!r}.")
    if obligation.reverses_id is not None:
        raise InvalidSettlementError("This is a cancellation: nothing is paid or open on it.")
    queryset = Obligation.objects.filter(pk=obligation.pk)
    row = queryset.with_open_amount(as_of=as_of, known_at=known_at).values("paid_units", "is_cancelled").get()  # type: ignore[misc]
    return to_decimal(row["paid_units"], vendor_of(queryset.db)), row["is_cancelled"]


def _in_window(fact: Any, as_of: dt.datetime | None, known_at: dt.datetime | None) -> bool:
    if as_of is not None and fact.effective_at > require_aware(as_of, name="as_of", allow_none=False):
        return False
    return known_at is None or fact.recorded_at <= require_aware(known_at, name="known_at", allow_none=False)


__all__ = [
    "available_credit",
    "balance",
    "balances",
    "budget_debtor_function",
    "credit_in_use",
    "group_balances",
    "obligations_covered",
    "open_amount",
    "open_obligations",
    "paid_amount",
    "refundable_amount",
    "remaining_of_reservation",
    "suggest_settlements",
]
