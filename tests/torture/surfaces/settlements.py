"""django-settlements: obligations (``record_obligation``, ``cancel_obligation``), money (``record_payment``,
``record_refund``, ``reverse_settlement``) and credit (``set_credit_limit``, ``reserve_credit``,
``release_credit``, ``consume_credit``).

The patient (a ``Person``) owes the clinic (the principal, an ``Organization``) for a blood test; the clinic
lets the patient owe it up to a limit on credit. Every amount is a ``Money`` in EUR.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from django_basemodels.fields import canonical_object_id
from django_catalog.models import CatalogItem
from django_decisioning.models import Decision
from django_decisioning.testing import assert_backdate_coherent
from django_money import Money
from django_parties.models import Organization, Person
from django_settlements import (
    CreditLimitNotPermittedError,
    InvalidSettlementError,
    NotReversibleError,
    ObligationCancelledError,
    ReversalNotPermittedError,
    balance,
    cancel_obligation,
    consume_credit,
    credit_in_use,
    open_amount,
    open_obligations,
    record_obligation,
    record_payment,
    record_refund,
    refundable_amount,
    release_credit,
    remaining_of_reservation,
    reserve_credit,
    reverse_settlement,
    set_credit_limit,
)
from django_settlements.choices import CreditMovementKind
from django_settlements.models import Allocation, CreditLimit, CreditMovement, Obligation, Settlement
from tests.torture.surfaces import (
    BackdatePlan,
    DelegationPlan,
    RetryPlan,
    ReversalPlan,
    SnapshotPlan,
    Surface,
    fresh,
)
from tests.torture.surfaces.catalog import blood_test

TICK = dt.timedelta(microseconds=1)
ZERO = Money("0.00", "EUR")
BILLED = Money("120.00", "EUR")  # the blood test the patient owes the clinic
PAID = Money("50.00", "EUR")  # a payment on it
DEPOSIT = Money("100.00", "EUR")  # a larger payment, partly refunded
REFUNDED = Money("30.00", "EUR")
LIMIT = Money("1000.00", "EUR")  # the credit the clinic gives the patient
RAISED = Money("1500.00", "EUR")
RESERVED = Money("400.00", "EUR")  # a treatment plan booked on credit
RELEASED = Money("100.00", "EUR")  # one session of it called off
CONSUMED = Money("250.00", "EUR")  # the sessions delivered
NAMES = ("Ada Lovelace", "Clinic North")  # the debtor's and the creditor's names when the decision was taken

NO_BUSINESS_TIME = (
    "{service} takes no effective_at: a credit movement is a real-time control, effective when it is recorded "
    "(effective_at = recorded_at, filled on insert), and credit_in_use/available_credit count every recorded "
    "movement whatever its time (no as_of), so there is nothing to backdate; {instead}"
)
BUSINESS_STEP = (
    "{what} is not undone by an authority: {instead}, a business step of the order as ordinary as the {fact} "
    "(no permission, by the package's design: SETTLEMENTS_REVERSE_PERMISSION guards reversals and "
    "cancellations only); the {fact} stays an append-only CreditMovement (Meta.guarantees append_only)"
)


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def decision_for(service: str, target) -> Decision:
    """The one Decision ``django_settlements.<service>`` recorded about ``target``."""
    return Decision.objects.for_action(f"django_settlements.{service}").for_target(target).get()


def decisions_of(service: str):
    return Decision.objects.for_action(f"django_settlements.{service}").count


def owed(world, when: dt.datetime | None = None, known_at: dt.datetime | None = None) -> Money:
    """What the patient owes the clinic, through the package's ``balance``."""
    return balance(fresh(world.principal), fresh(world.patient), currency="EUR", as_of=when, known_at=known_at)


def bill(world, *, effective_at: dt.datetime | None = None, **options) -> Obligation:
    """The patient owes the clinic BILLED for a blood test (the reference)."""
    options.setdefault("reference", blood_test())
    return record_obligation(
        debtor=world.patient,
        creditor=world.principal,
        amount=BILLED,
        description="Blood test",
        effective_at=effective_at,
        **options,
    )


def pay(world, obligation: Obligation, amount: Money = PAID, **options) -> Settlement:
    return record_payment(
        payer=world.patient, payee=world.principal, amount=amount, obligations=[obligation], **options
    )


def allocations_of(*settlements: Settlement) -> list[Allocation]:
    return list(Allocation.objects.filter(settlement__in=[s.pk for s in settlements]))


def party_names(row: Decision, *names: str) -> tuple[str, ...]:
    return tuple(row.evidence[name]["str"] for name in names)


def rename_parties(world) -> None:
    Person.objects.filter(pk=world.patient.pk).update(given_name="Augusta", family_name="King")
    Organization.objects.filter(pk=world.principal.pk).update(name="Clinic North-East")


def live_names(world) -> tuple[str, str]:
    return (fresh(world.patient).name, fresh(world.principal).name)


def refused(call, error) -> bool:
    """Whether ``call()`` is refused with ``error``."""
    try:
        call()
    except error:
        return True
    return False


def credit_line(world, **options) -> CreditLimit:
    """The clinic lets the patient owe it up to LIMIT on credit."""
    return set_credit_limit(creditor=world.principal, debtor=world.patient, limit=LIMIT, **options)


def reservation_on(world, **options) -> SimpleNamespace:
    """A limit, and RESERVED of it held for a treatment plan (the reference)."""
    limit = credit_line(world)
    plan = blood_test()
    reservation = reserve_credit(limit, amount=RESERVED, reference=plan)
    return SimpleNamespace(limit=limit, plan=plan, reservation=reservation)


def movements(kind: str):
    return CreditMovement.objects.filter(kind=kind).count


def movement_evidence(row: Decision) -> tuple:
    evidence = row.evidence
    return (
        evidence["kind"],
        Money(evidence["amount"], evidence["currency"]),
        Decimal(evidence["limit"]),
        evidence["reservation"],
        evidence["obligation"],
    )


class RecordObligation(Surface):
    id = "settlements.record_obligation"
    call = (
        "record_obligation(debtor=, creditor=, amount=, due_on=, reference=, description=, effective_at=, org=, by=, "
        "on_behalf_of=, idempotency_key=)"
    )
    notes = {
        "retry": "`idempotency_key` (also stored on the obligation): one `Obligation`; repeats return it; owed once",
        "backdate": (
            "`effective_at` a day ago (`due_on` its local day); `Obligation.objects.as_of`, `balance(as_of=, "
            "known_at=)` and `open_amount(as_of=, known_at=)`"
        ),
        "reversal": (
            "`cancel_obligation(obligation, reason=, by=)`: `ReversalNotPermittedError` without "
            "`django_settlements.reverse_settlement` (held through an RBAC role), nothing written; a new "
            "cancellation row; nothing owed or open any more"
        ),
        "delegation": "`by=`/`on_behalf_of=` record a `Decision` `django_settlements.record_obligation`",
        "snapshot": (
            "the obligation keeps parties, amount, due date and reference; its `Decision` the parties' names and the "
            "amount; both parties are renamed, the referenced item repriced"
        ),
    }

    def retry(self, world):
        item = blood_test()

        def call():
            return record_obligation(
                debtor=fresh(world.patient),
                creditor=fresh(world.principal),
                amount=BILLED,
                reference=fresh(item),
                description="Blood test",
                idempotency_key="torture-bill-1",
            )

        def check_after():
            assert owed(world) == BILLED
            assert Obligation.objects.get().idempotency_key == "torture-bill-1"

        return RetryPlan(call=call, count=Obligation.objects.count, check_after=check_after)

    def backdate(self, world, effective_at):
        obligation = bill(world, effective_at=effective_at)
        obligation.refresh_from_db()

        def check_fact():
            assert_backdate_coherent(obligation, Obligation.objects.all())
            assert obligation.due_on == timezone.localdate(effective_at), "due_on is not the local day it arose"
            overdue = open_obligations(debtor=world.patient, due_by=obligation.due_on, as_of=effective_at)
            assert list(overdue) == [obligation]
            assert not open_obligations(debtor=world.patient, as_of=effective_at - TICK).exists()

        return BackdatePlan(
            fact=obligation,
            check_fact=check_fact,
            effective_at=obligation.effective_at,
            recorded_at=obligation.recorded_at,
            view=lambda when, known_at: (
                owed(world, when, known_at),
                open_amount(obligation, as_of=when, known_at=known_at),
            ),
            before=(ZERO, ZERO),
            after=(BILLED, BILLED),
            known_before=(ZERO, ZERO),
        )

    def reversal(self, world):
        obligation = bill(world)

        def undo(by, on_behalf_of):
            return cancel_obligation(fresh(obligation), reason="Test not done", by=by, on_behalf_of=on_behalf_of)

        return ReversalPlan(
            original=obligation,
            undo=undo,
            refusal=ReversalNotPermittedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda cancellation: decision_for("cancel_obligation", obligation),
            view=lambda: (owed(world), open_amount(fresh(obligation))),
            view_after_undo=(ZERO, ZERO),
        )

    def delegation(self, world):
        obligation = bill(world, by=world.clerk, on_behalf_of=world.principal)
        return DelegationPlan(record=decision_for("record_obligation", obligation))

    def snapshot(self, world):
        item = blood_test()
        obligation = bill(world, reference=item, by=world.clerk)
        patient_type = ContentType.objects.get_for_model(Person).pk
        item_type = ContentType.objects.get_for_model(CatalogItem).pk

        def reconstruct(row):
            if isinstance(row, Decision):
                evidence = row.evidence
                amount = Money(evidence["amount"], evidence["currency"])
                return (*party_names(row, "debtor", "creditor"), amount, evidence["due_on"], evidence["description"])
            return (
                row.debtor_type_id,
                row.debtor_id,
                row.money,
                row.due_on,
                row.description,
                row.reference_type_id,
                row.reference_id,
            )

        def mutate():
            rename_parties(world)
            CatalogItem.objects.filter(pk=item.pk).update(price_amount=Decimal("40.0000"), display_name="Blood panel")

        return SnapshotPlan(
            records=[
                (
                    obligation,
                    (
                        patient_type,
                        canonical_object_id(world.patient.pk),
                        BILLED,
                        timezone.localdate(),
                        "Blood test",
                        item_type,
                        canonical_object_id(item.pk),
                    ),
                ),
                (
                    decision_for("record_obligation", obligation),
                    (*NAMES, BILLED, timezone.localdate().isoformat(), "Blood test"),
                ),
            ],
            reconstruct=reconstruct,
            mutate=mutate,
            live=lambda: (*live_names(world), fresh(item).price_amount),
        )


class CancelObligation(Surface):
    id = "settlements.cancel_obligation"
    call = "cancel_obligation(obligation, reason=, by=, on_behalf_of=, effective_at=, idempotency_key=)"
    not_applicable = {
        "reversal": (
            "a cancellation is final, by the package's design: cancel_obligation of a cancellation is "
            "NotReversibleError (record the obligation again; probed under Retry), and the database refuses any "
            "change of it (Obligation append_only); the cancellation itself is the undo checked under "
            "settlements.record_obligation and settlements.consume_credit"
        ),
    }
    notes = {
        "retry": (
            "`idempotency_key`: one cancellation (and one `Decision`); repeats return it (without a key a repeat is "
            "`AlreadyReversedError`); the obligation takes no payment (`ObligationCancelledError`), the "
            "cancellation cannot be cancelled (`NotReversibleError`)"
        ),
        "backdate": (
            "an obligation of 3 days ago cancelled with `effective_at` a day ago; `balance` and `open_amount` "
            "(`as_of=`, `known_at=`) show it owed before, and as known before the cancellation was recorded"
        ),
        "delegation": "`by=`/`on_behalf_of=` on the `Decision` `django_settlements.cancel_obligation` (target: it)",
        "snapshot": (
            "the cancellation copies amount, due date and parties; the `Decision` keeps the parties' names, the "
            "amount and the reason; both parties are renamed"
        ),
    }

    def retry(self, world):
        obligation = bill(world)

        def call():
            return cancel_obligation(
                fresh(obligation), reason="Test not done", by=fresh(world.manager), idempotency_key="torture-void-1"
            )

        def check_after():
            [cancellation] = Obligation.objects.cancellations()
            assert (owed(world), open_amount(obligation)) == (ZERO, ZERO)
            assert decisions_of("cancel_obligation")() == 1
            assert refused(lambda: pay(world, fresh(obligation)), ObligationCancelledError)
            assert refused(lambda: cancel_obligation(cancellation, reason="Undo", by=world.manager), NotReversibleError)

        return RetryPlan(
            call=call,
            count=Obligation.objects.cancellations().filter(reverses=obligation).count,
            check_after=check_after,
        )

    def backdate(self, world, effective_at):
        obligation = bill(world, effective_at=effective_at - dt.timedelta(days=2))
        cancellation = cancel_obligation(
            obligation, reason="Test not done", by=world.manager, effective_at=effective_at
        )
        cancellation.refresh_from_db()
        return BackdatePlan(
            fact=cancellation,
            queryset=Obligation.objects.all(),
            effective_at=cancellation.effective_at,
            recorded_at=cancellation.recorded_at,
            view=lambda when, known_at: (
                owed(world, when, known_at),
                open_amount(obligation, as_of=when, known_at=known_at),
            ),
            before=(BILLED, BILLED),
            after=(ZERO, ZERO),
            known_before=(BILLED, BILLED),
        )

    def delegation(self, world):
        obligation = bill(world)
        cancel_obligation(obligation, reason="Test not done", by=world.manager, on_behalf_of=world.principal)
        return DelegationPlan(record=decision_for("cancel_obligation", obligation), actor=world.manager)

    def snapshot(self, world):
        obligation = bill(world)
        cancellation = cancel_obligation(obligation, reason="Test not done", by=world.manager)

        def reconstruct(row):
            if isinstance(row, Decision):
                evidence = row.evidence
                amount = Money(evidence["amount"], evidence["currency"])
                return (*party_names(row, "debtor", "creditor"), amount, evidence["reason"])
            return (row.reverses_id, row.money, row.due_on, row.debtor_id, row.creditor_id, row.reason)

        return SnapshotPlan(
            records=[
                (
                    cancellation,
                    (
                        obligation.pk,
                        BILLED,
                        obligation.due_on,
                        canonical_object_id(world.patient.pk),
                        canonical_object_id(world.principal.pk),
                        "Test not done",
                    ),
                ),
                (decision_for("cancel_obligation", obligation), (*NAMES, BILLED, "Test not done")),
            ],
            reconstruct=reconstruct,
            mutate=lambda: rename_parties(world),
            live=lambda: live_names(world),
        )


class RecordPayment(Surface):
    id = "settlements.record_payment"
    call = (
        "record_payment(payer=, payee=, amount=, obligations=, allocation=, reference=, description=, effective_at=, "
        "org=, by=, on_behalf_of=, idempotency_key=)"
    )
    notes = {
        "retry": (
            "`idempotency_key` (also stored on the payment): one payment, one allocation; repeats return it; "
            "`open_amount` and `balance` count it once"
        ),
        "backdate": (
            "an obligation of 3 days ago paid with `effective_at` a day ago; `Settlement.objects.as_of`, "
            "`open_amount` and `balance` (`as_of=`, `known_at=`)"
        ),
        "reversal": (
            "`reverse_settlement(payment, reason=, by=)`: `ReversalNotPermittedError` without "
            "`django_settlements.reverse_settlement` (held through an RBAC role), nothing written; a new reversal "
            "mirroring the allocation; the payment, its allocation and the obligation byte-identical; all open again"
        ),
        "delegation": "`by=`/`on_behalf_of=` record a `Decision` `django_settlements.record_payment`",
        "snapshot": (
            "amount and allocations on the payment and in its `Decision` (with the parties' names); both parties are "
            "renamed, the referenced item repriced"
        ),
    }

    def retry(self, world):
        obligation = bill(world)

        def call():
            return record_payment(
                payer=fresh(world.patient),
                payee=fresh(world.principal),
                amount=PAID,
                obligations=[fresh(obligation)],
                idempotency_key="torture-pay-1",
            )

        def check_after():
            assert (open_amount(obligation), owed(world)) == (BILLED - PAID, BILLED - PAID)
            assert [row.money for row in Allocation.objects.all()] == [PAID]

        return RetryPlan(call=call, count=Settlement.objects.payments().count, check_after=check_after)

    def backdate(self, world, effective_at):
        obligation = bill(world, effective_at=effective_at - dt.timedelta(days=2))
        payment = pay(world, obligation, effective_at=effective_at)
        payment.refresh_from_db()
        return BackdatePlan(
            fact=payment,
            queryset=Settlement.objects.all(),
            effective_at=payment.effective_at,
            recorded_at=payment.recorded_at,
            view=lambda when, known_at: (
                open_amount(obligation, as_of=when, known_at=known_at),
                owed(world, when, known_at),
            ),
            before=(BILLED, BILLED),
            after=(BILLED - PAID, BILLED - PAID),
            known_before=(BILLED, BILLED),
        )

    def reversal(self, world):
        obligation = bill(world)
        payment = pay(world, obligation)

        def undo(by, on_behalf_of):
            return reverse_settlement(fresh(payment), reason="Cheque bounced", by=by, on_behalf_of=on_behalf_of)

        return ReversalPlan(
            original=payment,
            also_preserved=[obligation, *allocations_of(payment)],
            undo=undo,
            refusal=ReversalNotPermittedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda reversal: decision_for("reverse_settlement", payment),
            view=lambda: (open_amount(fresh(obligation)), owed(world)),
            view_after_undo=(BILLED, BILLED),
        )

    def delegation(self, world):
        payment = pay(world, bill(world), by=world.clerk, on_behalf_of=world.principal)
        return DelegationPlan(record=decision_for("record_payment", payment))

    def snapshot(self, world):
        item = blood_test()
        obligation = bill(world, reference=item)
        payment = pay(world, obligation, by=world.clerk)

        def reconstruct(row):
            if isinstance(row, Decision):
                evidence = row.evidence
                parts = [(line["obligation"], Decimal(line["amount"])) for line in evidence["allocations"]]
                return (*party_names(row, "payer", "payee"), Money(evidence["amount"], evidence["currency"]), parts)
            parts = [(str(line.obligation_id), line.amount) for line in row.allocations.all()]
            return (row.kind, row.payer_id, row.payee_id, row.money, parts)

        def mutate():
            rename_parties(world)
            CatalogItem.objects.filter(pk=item.pk).update(price_amount=Decimal("40.0000"))

        parts = [(str(obligation.pk), PAID.amount)]
        return SnapshotPlan(
            records=[
                (
                    payment,
                    (
                        "payment",
                        canonical_object_id(world.patient.pk),
                        canonical_object_id(world.principal.pk),
                        PAID,
                        parts,
                    ),
                ),
                (decision_for("record_payment", payment), (*NAMES, PAID, parts)),
            ],
            reconstruct=reconstruct,
            mutate=mutate,
            live=lambda: (*live_names(world), fresh(item).price_amount),
        )


class RecordRefund(Surface):
    id = "settlements.record_refund"
    call = (
        "record_refund(payment, amount=, reason=, obligation=, reference=, effective_at=, by=, on_behalf_of=, "
        "idempotency_key=)"
    )
    notes = {
        "retry": (
            "`idempotency_key` (also stored on the refund): one refund; repeats return it; `refundable_amount` and "
            "`open_amount` count it once"
        ),
        "backdate": (
            "a payment of 3 days ago refunded with `effective_at` a day ago; `Settlement.objects.as_of`, "
            "`open_amount` and `balance` (`as_of=`, `known_at=`) reopen the obligation from then"
        ),
        "reversal": (
            "`reverse_settlement(refund, reason=, by=)`: `ReversalNotPermittedError` without "
            "`django_settlements.reverse_settlement`, nothing written; a new reversal; the refund, the payment and "
            "their allocations byte-identical; refundable and open amounts back"
        ),
        "delegation": "`by=`/`on_behalf_of=` record a `Decision` `django_settlements.record_refund`",
        "snapshot": (
            "the `Decision` keeps what was paid, what was refundable then, the amount and the reason; another refund "
            "lowers what is refundable now, the clinic is renamed"
        ),
    }

    def retry(self, world):
        obligation = bill(world)
        payment = pay(world, obligation, DEPOSIT)

        def call():
            return record_refund(
                fresh(payment), amount=REFUNDED, reason="Overcharged", idempotency_key="torture-refund-1"
            )

        def check_after():
            assert refundable_amount(payment) == DEPOSIT - REFUNDED
            assert open_amount(obligation) == BILLED - DEPOSIT + REFUNDED

        return RetryPlan(call=call, count=Settlement.objects.refunds().count, check_after=check_after)

    def backdate(self, world, effective_at):
        three_days_ago = effective_at - dt.timedelta(days=2)
        obligation = bill(world, effective_at=three_days_ago)
        payment = pay(world, obligation, DEPOSIT, effective_at=three_days_ago)
        refund = record_refund(payment, amount=REFUNDED, reason="Overcharged", effective_at=effective_at)
        refund.refresh_from_db()
        before = BILLED - DEPOSIT
        return BackdatePlan(
            fact=refund,
            queryset=Settlement.objects.all(),
            effective_at=refund.effective_at,
            recorded_at=refund.recorded_at,
            view=lambda when, known_at: (
                open_amount(obligation, as_of=when, known_at=known_at),
                owed(world, when, known_at),
            ),
            before=(before, before),
            after=(before + REFUNDED, before + REFUNDED),
            known_before=(before, before),
        )

    def reversal(self, world):
        obligation = bill(world)
        payment = pay(world, obligation, DEPOSIT)
        refund = record_refund(payment, amount=REFUNDED, reason="Overcharged")

        def undo(by, on_behalf_of):
            return reverse_settlement(fresh(refund), reason="Refund failed", by=by, on_behalf_of=on_behalf_of)

        return ReversalPlan(
            original=refund,
            also_preserved=[payment, obligation, *allocations_of(payment, refund)],
            undo=undo,
            refusal=ReversalNotPermittedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda reversal: decision_for("reverse_settlement", refund),
            view=lambda: (refundable_amount(fresh(payment)), open_amount(fresh(obligation))),
            view_after_undo=(DEPOSIT, BILLED - DEPOSIT),
        )

    def delegation(self, world):
        payment = pay(world, bill(world), DEPOSIT)
        refund = record_refund(payment, amount=REFUNDED, by=world.clerk, on_behalf_of=world.principal)
        return DelegationPlan(record=decision_for("record_refund", refund))

    def snapshot(self, world):
        obligation = bill(world)
        payment = pay(world, obligation, DEPOSIT)
        refund = record_refund(payment, amount=REFUNDED, reason="Overcharged", by=world.clerk)

        def reconstruct(row):
            if isinstance(row, Decision):
                evidence = row.evidence
                return (
                    Money(evidence["paid"], evidence["currency"]),
                    Money(evidence["refundable_before"], evidence["currency"]),
                    Money(evidence["amount"], evidence["currency"]),
                    evidence["reason"],
                )
            return (row.kind, row.refund_of_id, row.payer_id, row.payee_id, row.money, row.reason)

        def mutate():
            record_refund(payment, amount=eur("20.00"), reason="Discount")
            Organization.objects.filter(pk=world.principal.pk).update(name="Clinic North-East")

        return SnapshotPlan(
            records=[
                (
                    refund,
                    (
                        "refund",
                        payment.pk,
                        canonical_object_id(world.principal.pk),
                        canonical_object_id(world.patient.pk),
                        REFUNDED,
                        "Overcharged",
                    ),
                ),
                (decision_for("record_refund", refund), (DEPOSIT, DEPOSIT, REFUNDED, "Overcharged")),
            ],
            reconstruct=reconstruct,
            mutate=mutate,
            live=lambda: (refundable_amount(fresh(payment)), fresh(world.principal).name),
        )


class ReverseSettlement(Surface):
    id = "settlements.reverse_settlement"
    call = "reverse_settlement(settlement, reason=, by=, on_behalf_of=, effective_at=, idempotency_key=)"
    not_applicable = {
        "reversal": (
            "a reversal is final, by the package's design: reverse_settlement of a reversal is NotReversibleError "
            "(record the payment or refund again; probed under Retry), and the database refuses any change of it "
            "(Settlement append_only); reverse_settlement is itself the undo checked under the Reversal of "
            "settlements.record_payment and settlements.record_refund"
        ),
    }
    notes = {
        "retry": (
            "`idempotency_key`: one reversal (and one `Decision`); repeats return it (without a key a repeat is "
            "`AlreadyReversedError`); the obligation is open again, the reversal cannot be reversed "
            "(`NotReversibleError`)"
        ),
        "backdate": (
            "a payment of 3 days ago reversed with `effective_at` a day ago; `open_amount` and `balance` "
            "(`as_of=`, `known_at=`) show it paid before, and as known before the reversal was recorded"
        ),
        "delegation": "`by=`/`on_behalf_of=` on the `Decision` `django_settlements.reverse_settlement` (target: it)",
        "snapshot": (
            "the reversal copies kind, amount and parties; the `Decision` keeps the original's kind, amount, reason "
            "and allocations; both parties are renamed"
        ),
    }

    def retry(self, world):
        obligation = bill(world)
        payment = pay(world, obligation)

        def call():
            return reverse_settlement(
                fresh(payment), reason="Cheque bounced", by=fresh(world.manager), idempotency_key="torture-bounce-1"
            )

        def check_after():
            [reversal] = Settlement.objects.reversals()
            assert (open_amount(obligation), owed(world)) == (BILLED, BILLED)
            assert decisions_of("reverse_settlement")() == 1
            assert refused(lambda: reverse_settlement(reversal, reason="Undo", by=world.manager), NotReversibleError)

        return RetryPlan(
            call=call, count=Settlement.objects.reversals().filter(reverses=payment).count, check_after=check_after
        )

    def backdate(self, world, effective_at):
        three_days_ago = effective_at - dt.timedelta(days=2)
        obligation = bill(world, effective_at=three_days_ago)
        payment = pay(world, obligation, effective_at=three_days_ago)
        reversal = reverse_settlement(payment, reason="Cheque bounced", by=world.manager, effective_at=effective_at)
        reversal.refresh_from_db()
        return BackdatePlan(
            fact=reversal,
            queryset=Settlement.objects.all(),
            effective_at=reversal.effective_at,
            recorded_at=reversal.recorded_at,
            view=lambda when, known_at: (
                open_amount(obligation, as_of=when, known_at=known_at),
                owed(world, when, known_at),
            ),
            before=(BILLED - PAID, BILLED - PAID),
            after=(BILLED, BILLED),
            known_before=(BILLED - PAID, BILLED - PAID),
        )

    def delegation(self, world):
        payment = pay(world, bill(world))
        reverse_settlement(payment, reason="Cheque bounced", by=world.manager, on_behalf_of=world.principal)
        return DelegationPlan(record=decision_for("reverse_settlement", payment), actor=world.manager)

    def snapshot(self, world):
        obligation = bill(world)
        payment = pay(world, obligation)
        reversal = reverse_settlement(payment, reason="Cheque bounced", by=world.manager)

        def reconstruct(row):
            if isinstance(row, Decision):
                evidence = row.evidence
                parts = [
                    (line["obligation"], Decimal(line["amount"]), line["direction"]) for line in evidence["allocations"]
                ]
                amount = Money(evidence["amount"], evidence["currency"])
                return (evidence["kind"], amount, evidence["reason"], parts)
            parts = [(str(line.obligation_id), line.amount, line.direction) for line in row.allocations.all()]
            return (row.kind, row.reverses_id, row.payer_id, row.money, row.reason, parts)

        return SnapshotPlan(
            records=[
                (
                    reversal,
                    (
                        "reversal",
                        payment.pk,
                        canonical_object_id(world.patient.pk),
                        PAID,
                        "Cheque bounced",
                        [(str(obligation.pk), PAID.amount, -1)],
                    ),
                ),
                (
                    decision_for("reverse_settlement", payment),
                    ("payment", PAID, "Cheque bounced", [(str(obligation.pk), PAID.amount, 1)]),
                ),
            ],
            reconstruct=reconstruct,
            mutate=lambda: rename_parties(world),
            live=lambda: live_names(world),
        )


class SetCreditLimit(Surface):
    id = "settlements.set_credit_limit"
    call = "set_credit_limit(creditor=, debtor=, limit=, org=, by=, on_behalf_of=, idempotency_key=)"
    not_applicable = {
        "backdate": (
            "set_credit_limit takes no effective_at and a CreditLimit is configuration, updated in place (no as_of): "
            "the limit in force is the one reserve_credit reads under the limit's row lock when it is called; "
            "the changes are kept in the Decisions (previous and new limit, effective when recorded), checked "
            "under Snapshot"
        ),
    }
    notes = {
        "retry": (
            "`idempotency_key`: one change (one `Decision`), one `CreditLimit`; repeats return it, and a repeat after "
            "a later change returns the limit without setting it back"
        ),
        "reversal": (
            "the raise is set back by `set_credit_limit(...)` again: `CreditLimitNotPermittedError` without "
            "`django_settlements.change_creditlimit` (`SETTLEMENTS_CREDIT_LIMIT_PERMISSION`, held through an RBAC "
            "role), nothing written; a new `Decision`, the raise's own kept"
        ),
        "delegation": "`by=`/`on_behalf_of=` record a `Decision` `django_settlements.set_credit_limit`",
        "snapshot": (
            "the `Decision` keeps the parties' names and the previous and new limits; the limit is changed again, "
            "both parties renamed"
        ),
    }

    def retry(self, world):
        limit = credit_line(world)

        def call():
            return set_credit_limit(
                creditor=fresh(world.principal),
                debtor=fresh(world.patient),
                limit=RAISED,
                by=fresh(world.manager),
                idempotency_key="torture-limit-1",
            )

        def check_after():
            assert (CreditLimit.objects.count(), fresh(limit).limit) == (1, RAISED)
            set_credit_limit(creditor=world.principal, debtor=world.patient, limit=LIMIT)
            assert call() == limit and fresh(limit).limit == LIMIT, "the repeat set the limit again"

        return RetryPlan(call=call, count=decisions_of("set_credit_limit"), check_after=check_after)

    def reversal(self, world):
        limit = credit_line(world)
        set_credit_limit(creditor=world.principal, debtor=world.patient, limit=RAISED, by=world.manager)
        changes = Decision.objects.for_action("django_settlements.set_credit_limit").for_target(limit)
        raised = changes.get()

        def undo(by, on_behalf_of):
            seen = list(changes.values_list("pk", flat=True))
            set_credit_limit(
                creditor=fresh(world.principal),
                debtor=fresh(world.patient),
                limit=LIMIT,
                by=by,
                on_behalf_of=on_behalf_of,
            )
            return changes.exclude(pk__in=seen).get()

        return ReversalPlan(
            original=raised,
            undo=undo,
            refusal=CreditLimitNotPermittedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda change: change,
            view=lambda: fresh(limit).limit,
            view_after_undo=LIMIT,
        )

    def delegation(self, world):
        limit = credit_line(world, by=world.manager, on_behalf_of=world.principal)
        return DelegationPlan(record=decision_for("set_credit_limit", limit), actor=world.manager)

    def snapshot(self, world):
        limit = credit_line(world)
        set_credit_limit(creditor=world.principal, debtor=world.patient, limit=RAISED, by=world.manager)

        def reconstruct(row):
            evidence = row.evidence
            return (
                *party_names(row, "creditor", "debtor"),
                evidence["currency"],
                Decimal(evidence["previous"]),
                Decimal(evidence["limit"]),
            )

        def mutate():
            set_credit_limit(creditor=world.principal, debtor=world.patient, limit=eur("300.00"))
            rename_parties(world)

        return SnapshotPlan(
            records=[(decision_for("set_credit_limit", limit), (*reversed(NAMES), "EUR", LIMIT.amount, RAISED.amount))],
            reconstruct=reconstruct,
            mutate=mutate,
            live=lambda: (fresh(limit).limit, *live_names(world)),
        )


class ReserveCredit(Surface):
    id = "settlements.reserve_credit"
    call = "reserve_credit(credit_limit, amount=, reference=, by=, on_behalf_of=, idempotency_key=)"
    not_applicable = {
        "backdate": NO_BUSINESS_TIME.format(
            service="reserve_credit",
            instead="a debt that arose earlier is record_obligation(effective_at=), checked under "
            "settlements.record_obligation",
        ),
        "reversal": BUSINESS_STEP.format(
            what="a reservation",
            instead="it is released (release_credit: the order called off) or consumed (consume_credit: "
            "delivered), each a new movement checked under its own surface",
            fact="reservation",
        ),
    }
    notes = {
        "retry": (
            "`idempotency_key` (also stored on the reservation): one reservation; repeats return it; "
            "`credit_in_use` counts it once"
        ),
        "delegation": "`by=`/`on_behalf_of=` record a `Decision` `django_settlements.reserve_credit`",
        "snapshot": (
            "the reservation keeps amount and reference; its `Decision` the limit and the credit in use it was "
            "checked against; the limit is raised and more credit reserved"
        ),
    }

    def retry(self, world):
        limit = credit_line(world)
        plan = blood_test()

        def call():
            return reserve_credit(
                fresh(limit), amount=RESERVED, reference=fresh(plan), idempotency_key="torture-order-1"
            )

        def check_after():
            assert credit_in_use(limit) == RESERVED

        return RetryPlan(call=call, count=movements(CreditMovementKind.RESERVE), check_after=check_after)

    def delegation(self, world):
        limit = credit_line(world)
        reservation = reserve_credit(limit, amount=RESERVED, by=world.clerk, on_behalf_of=world.principal)
        return DelegationPlan(record=decision_for("reserve_credit", reservation))

    def snapshot(self, world):
        limit = credit_line(world)
        reserve_credit(limit, amount=RELEASED)  # credit already in use when the reservation is checked
        plan = blood_test()
        reservation = reserve_credit(limit, amount=RESERVED, reference=plan, by=world.clerk)
        plan_type = ContentType.objects.get_for_model(CatalogItem).pk

        def reconstruct(row):
            if isinstance(row, Decision):
                return (*movement_evidence(row), Decimal(row.evidence["in_use_before"]))
            return (row.kind, row.money, row.credit_limit_id, row.reference_type_id, row.reference_id)

        def mutate():
            set_credit_limit(creditor=world.principal, debtor=world.patient, limit=RAISED)
            reserve_credit(limit, amount=CONSUMED)

        return SnapshotPlan(
            records=[
                (reservation, ("reserve", RESERVED, limit.pk, plan_type, canonical_object_id(plan.pk))),
                (
                    decision_for("reserve_credit", reservation),
                    ("reserve", RESERVED, LIMIT.amount, None, None, RELEASED.amount),
                ),
            ],
            reconstruct=reconstruct,
            mutate=mutate,
            live=lambda: (fresh(limit).limit, credit_in_use(limit)),
        )


class ReleaseCredit(Surface):
    id = "settlements.release_credit"
    call = "release_credit(reservation, amount=, reason=, by=, on_behalf_of=, idempotency_key=)"
    not_applicable = {
        "backdate": NO_BUSINESS_TIME.format(
            service="release_credit", instead="the release gives the credit back from when it is recorded"
        ),
        "reversal": BUSINESS_STEP.format(
            what="a release",
            instead="the credit it gave back is held again by a new reservation (reserve_credit, checked against "
            "the limit; a release of a release is InvalidSettlementError, probed under Retry)",
            fact="release",
        ),
    }
    notes = {
        "retry": (
            "`idempotency_key` (also stored on the release): one release; repeats return it (without a key each "
            "repeat would release more); `remaining_of_reservation` and `credit_in_use` count it once"
        ),
        "delegation": "`by=`/`on_behalf_of=` record a `Decision` `django_settlements.release_credit`",
        "snapshot": (
            "the release keeps amount, reservation and reason; its `Decision` the limit; the limit is raised and "
            "more of the reservation released"
        ),
    }

    def retry(self, world):
        s = reservation_on(world)

        def call():
            return release_credit(
                fresh(s.reservation), amount=RELEASED, reason="Session called off", idempotency_key="torture-cancel-1"
            )

        def check_after():
            left = RESERVED - RELEASED
            assert (remaining_of_reservation(s.reservation), credit_in_use(s.limit)) == (left, left)
            release = CreditMovement.objects.get(kind=CreditMovementKind.RELEASE)
            assert refused(lambda: release_credit(release), InvalidSettlementError)

        return RetryPlan(call=call, count=movements(CreditMovementKind.RELEASE), check_after=check_after)

    def delegation(self, world):
        s = reservation_on(world)
        release = release_credit(s.reservation, amount=RELEASED, by=world.clerk, on_behalf_of=world.principal)
        return DelegationPlan(record=decision_for("release_credit", release))

    def snapshot(self, world):
        s = reservation_on(world)
        release = release_credit(s.reservation, amount=RELEASED, reason="Session called off", by=world.clerk)

        def reconstruct(row):
            if isinstance(row, Decision):
                return movement_evidence(row)
            return (row.kind, row.money, row.reservation_id, row.reason)

        def mutate():
            set_credit_limit(creditor=world.principal, debtor=world.patient, limit=RAISED)
            release_credit(s.reservation, amount=RELEASED, reason="Another session called off")

        return SnapshotPlan(
            records=[
                (release, ("release", RELEASED, s.reservation.pk, "Session called off")),
                (
                    decision_for("release_credit", release),
                    ("release", RELEASED, LIMIT.amount, str(s.reservation.pk), None),
                ),
            ],
            reconstruct=reconstruct,
            mutate=mutate,
            live=lambda: (fresh(s.limit).limit, remaining_of_reservation(s.reservation)),
        )


class ConsumeCredit(Surface):
    id = "settlements.consume_credit"
    call = "consume_credit(reservation, amount=, due_on=, description=, by=, on_behalf_of=, idempotency_key=)"
    not_applicable = {
        "backdate": NO_BUSINESS_TIME.format(
            service="consume_credit",
            instead="the obligation it creates is effective when recorded too (due_on is when it must be paid); a "
            "debt that arose earlier is record_obligation(effective_at=), checked under settlements.record_obligation",
        ),
    }
    notes = {
        "retry": (
            "`idempotency_key` (stored on the consumption): one consumption and one obligation; repeats return it; "
            "`credit_in_use` counts the rest of the reservation and the debt once"
        ),
        "reversal": (
            "the debt a consumption created is undone by `cancel_obligation(consumption.obligation, reason=, by=)`: "
            "`ReversalNotPermittedError` without `django_settlements.reverse_settlement`, nothing written; the "
            "consumption, its reservation and the debt byte-identical; credit in use and balance back to zero"
        ),
        "delegation": "`by=`/`on_behalf_of=` record a `Decision` `django_settlements.consume_credit`",
        "snapshot": (
            "the debt keeps parties, amount, due date and the reservation's reference; the `Decision` the amount, "
            "limit, reservation and debt; the limit is raised, the parties renamed, the item repriced, the debt paid"
        ),
    }

    def retry(self, world):
        s = reservation_on(world)
        due = timezone.localdate() + dt.timedelta(days=30)

        def call():
            return consume_credit(
                fresh(s.reservation),
                amount=CONSUMED,
                due_on=due,
                description="Sessions delivered",
                idempotency_key="torture-deliver-1",
            )

        def check_after():
            [debt] = Obligation.objects.all()
            assert (debt.money, debt.due_on, open_amount(debt)) == (CONSUMED, due, CONSUMED)
            assert remaining_of_reservation(s.reservation) == RESERVED - CONSUMED
            assert credit_in_use(s.limit) == RESERVED  # the rest of the reservation, and the unpaid debt
            assert owed(world) == CONSUMED

        return RetryPlan(call=call, count=movements(CreditMovementKind.CONSUME), check_after=check_after)

    def reversal(self, world):
        s = reservation_on(world)
        consumption = consume_credit(s.reservation, description="Sessions delivered")
        debt = consumption.obligation

        def undo(by, on_behalf_of):
            return cancel_obligation(
                fresh(debt), reason="Delivered to another patient", by=by, on_behalf_of=on_behalf_of
            )

        return ReversalPlan(
            original=consumption,
            also_preserved=[s.reservation, debt],
            undo=undo,
            refusal=ReversalNotPermittedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda cancellation: decision_for("cancel_obligation", debt),
            view=lambda: (credit_in_use(fresh(s.limit)), owed(world)),
            view_after_undo=(ZERO, ZERO),
        )

    def delegation(self, world):
        s = reservation_on(world)
        consumption = consume_credit(s.reservation, by=world.clerk, on_behalf_of=world.principal)
        return DelegationPlan(record=decision_for("consume_credit", consumption))

    def snapshot(self, world):
        s = reservation_on(world)
        due = timezone.localdate() + dt.timedelta(days=30)
        consumption = consume_credit(
            s.reservation, amount=CONSUMED, due_on=due, description="Sessions delivered", by=world.clerk
        )
        debt = consumption.obligation
        plan_type = ContentType.objects.get_for_model(CatalogItem).pk

        def reconstruct(row):
            if isinstance(row, Decision):
                return movement_evidence(row)
            return (
                row.debtor_id,
                row.creditor_id,
                row.money,
                row.due_on,
                row.description,
                row.reference_type_id,
                row.reference_id,
            )

        def mutate():
            set_credit_limit(creditor=world.principal, debtor=world.patient, limit=RAISED)
            rename_parties(world)
            CatalogItem.objects.filter(pk=s.plan.pk).update(price_amount=Decimal("40.0000"))
            pay(world, debt, CONSUMED)

        return SnapshotPlan(
            records=[
                (
                    debt,
                    (
                        canonical_object_id(world.patient.pk),
                        canonical_object_id(world.principal.pk),
                        CONSUMED,
                        due,
                        "Sessions delivered",
                        plan_type,
                        canonical_object_id(s.plan.pk),
                    ),
                ),
                (
                    decision_for("consume_credit", consumption),
                    ("consume", CONSUMED, LIMIT.amount, str(s.reservation.pk), str(debt.pk)),
                ),
            ],
            reconstruct=reconstruct,
            mutate=mutate,
            live=lambda: (
                fresh(s.limit).limit,
                *live_names(world),
                fresh(s.plan).price_amount,
                open_amount(fresh(debt)),
            ),
        )


SURFACES = [
    RecordObligation(),
    CancelObligation(),
    RecordPayment(),
    RecordRefund(),
    ReverseSettlement(),
    SetCreditLimit(),
    ReserveCredit(),
    ReleaseCredit(),
    ConsumeCredit(),
]
