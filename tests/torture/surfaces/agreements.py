"""django-agreements: ``create_agreement``, ``amend_agreement`` and ``terminate_agreement``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.utils import timezone

from django_agreements import NotAuthorizedError, TermsNotInForceError, decode_terms
from django_agreements.models import Agreement, AgreementVersion
from django_agreements.selectors import current_terms, terms_as_of
from django_agreements.services import (
    AMEND_ACTION,
    CREATE_ACTION,
    TERMINATE_ACTION,
    amend_agreement,
    create_agreement,
    terminate_agreement,
)
from django_catalog.models import CatalogItem
from django_decisioning.models import Decision
from django_money import Money
from django_parties.models import Organization
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

TERMS = {"unit_price": Decimal("25.00"), "cap": Money("500.00", "USD"), "tests": ["blood"]}
NEW_TERMS = {"unit_price": Decimal("22.50"), "cap": Money("500.00", "USD"), "tests": ["blood"]}


def sales_user():
    """Who enters the agreements: their agreed_by (authorised by the default policy for their own agreements)."""
    return get_user_model().objects.create_user(username="sales")


def lab_contract(world, *, effective_at: dt.datetime | None = None, **options) -> SimpleNamespace:
    """The patient (a Person) and the clinic (an Organization) agree on the price of the blood test."""
    item = blood_test()
    options.setdefault("agreed_by", sales_user())
    agreement = create_agreement(
        party_a=world.patient,
        party_b=world.principal,
        scope_type="lab_tests",
        scope_object=item,
        terms=TERMS,
        effective_at=effective_at,
        **options,
    )
    return SimpleNamespace(agreement=agreement, item=item, agreed_by=options["agreed_by"])


def terms_at(agreement, when, known_at):
    """The terms in force, or None when none are (not started, terminated, not yet known)."""
    try:
        return terms_as_of(agreement.pk, when, known_at=known_at)
    except TermsNotInForceError:
        return None


def mutate_live_data(world, contract) -> None:
    CatalogItem.objects.filter(pk=contract.item.pk).update(price_amount=Decimal("40.0000"), display_name="Panel")
    Organization.objects.filter(pk=world.principal.pk).update(name="Clinic North-East")


def live_data(world, contract) -> tuple:
    return (fresh(contract.item).price_amount, fresh(contract.item).display_name, fresh(world.principal).name)


def reconstruct_version(row) -> tuple:
    """What a version (or its Decision) says: kind, reason and the terms, decoded from the stored form."""
    if isinstance(row, Decision):
        return (row.evidence["kind"], row.evidence["reason"], decode_terms(row.evidence["terms"]))
    return (row.kind, row.reason, row.decoded_terms)


def check_version_delegation(version: AgreementVersion, actor, principal) -> None:
    """The version repeats its decision's actor and principal, and its queryset finds it."""
    stored = AgreementVersion.objects.get(pk=version.pk)
    assert (stored.author, stored.on_behalf_of, stored.is_delegated) == (actor, principal, True)
    found = AgreementVersion.objects.by_author(actor).on_behalf_of(principal).delegated().filter(pk=stored.pk)
    assert found.exists(), "by_author().on_behalf_of().delegated() does not find the version"


def decision_for(action: str, agreement) -> Decision:
    return Decision.objects.for_action(action).for_target(agreement).get()


class CreateAgreement(Surface):
    id = "agreements.create_agreement"
    call = "create_agreement(party_a=, party_b=, scope_type=, terms=, agreed_by=, on_behalf_of=, effective_at=, ...)"
    notes = {
        "retry": "`idempotency_key`: one `Agreement` (one version 1, one `Decision`); repeats return it",
        "backdate": (
            "`effective_at` a day ago; `terms_as_of(agreement, when, known_at=)` and `AgreementVersion.objects.as_of`"
        ),
        "reversal": (
            "the undo of an agreement is `terminate_agreement(by=)`: `NotAuthorizedError` for a user who neither "
            "agreed it nor holds `django_agreements.terminate_agreement` (held through an RBAC role); a "
            "termination version; version 1 byte-identical (the `Agreement` header's `valid_to` is set)"
        ),
        "delegation": (
            "`agreed_by=`/`on_behalf_of=` on the `Decision` `django_agreements.create_agreement` (and on the version)"
        ),
        "snapshot": (
            "exact `Decimal`/`Money` terms on version 1 and in its `Decision`; the scope item is repriced, "
            "the party renamed"
        ),
    }

    def retry(self, world):
        item = blood_test()
        sales = sales_user()

        def call():
            return create_agreement(
                party_a=fresh(world.patient),
                party_b=fresh(world.principal),
                scope_type="lab_tests",
                scope_object=fresh(item),
                terms=dict(TERMS),
                agreed_by=fresh(sales),
                idempotency_key="torture-contract-1",
            )

        def check_after():
            assert AgreementVersion.objects.count() == Decision.objects.for_action(CREATE_ACTION).count() == 1

        return RetryPlan(call=call, count=Agreement.objects.count, check_after=check_after)

    def backdate(self, world, effective_at):
        contract = lab_contract(world, effective_at=effective_at)
        version = AgreementVersion.objects.get(agreement=contract.agreement)
        return BackdatePlan(
            fact=version,
            queryset=AgreementVersion.objects.all(),
            effective_at=version.effective_at,
            recorded_at=version.recorded_at,
            view=lambda when, known_at: terms_at(contract.agreement, when, known_at),
            before=None,
            after=TERMS,
            known_before=None,
        )

    def reversal(self, world):
        contract = lab_contract(world)
        original = AgreementVersion.objects.get(agreement=contract.agreement)

        def undo(by, on_behalf_of):
            return terminate_agreement(
                fresh(contract.agreement), reason="Patient left", by=by, on_behalf_of=on_behalf_of
            )

        return ReversalPlan(
            original=original,
            undo=undo,
            refusal=NotAuthorizedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda termination: termination.decision,
            view=lambda: terms_at(contract.agreement, timezone.now(), None),
            view_after_undo=None,
        )

    def delegation(self, world):
        contract = lab_contract(world, agreed_by=world.clerk, on_behalf_of=world.principal)
        check_version_delegation(
            AgreementVersion.objects.get(agreement=contract.agreement), world.clerk, world.principal
        )
        return DelegationPlan(record=decision_for(CREATE_ACTION, contract.agreement))

    def snapshot(self, world):
        contract = lab_contract(world)
        version = AgreementVersion.objects.get(agreement=contract.agreement)
        expected = ("original", "", TERMS)
        return SnapshotPlan(
            records=[(version, expected), (decision_for(CREATE_ACTION, contract.agreement), expected)],
            reconstruct=reconstruct_version,
            mutate=lambda: mutate_live_data(world, contract),
            live=lambda: live_data(world, contract),
        )


class AmendAgreement(Surface):
    id = "agreements.amend_agreement"
    call = "amend_agreement(agreement, new_terms=, reason=, by=, on_behalf_of=, effective_at=, idempotency_key=)"
    notes = {
        "retry": "`idempotency_key`: one amendment version; repeats return it",
        "backdate": (
            "agreement from 3 days ago, amendment effective a day ago: `terms_as_of(when, known_at=)` gives the "
            "old terms before it, and as known before it was recorded"
        ),
        "reversal": (
            "no undo verb: an amendment restoring the previous terms; `NotAuthorizedError` without "
            "`django_agreements.amend_agreement`; the amendment stays byte-identical"
        ),
        "delegation": (
            "`by=`/`on_behalf_of=` on the `Decision` `django_agreements.amend_agreement` (and on the version)"
        ),
        "snapshot": "the amendment's terms and reason, on the version and in its `Decision`; live data edited",
    }

    def retry(self, world):
        contract = lab_contract(world)

        def call():
            return amend_agreement(
                fresh(contract.agreement),
                new_terms=dict(NEW_TERMS),
                reason="Volume discount",
                by=fresh(contract.agreed_by),
                idempotency_key="torture-discount-1",
            )

        def check_after():
            assert current_terms(contract.agreement) == NEW_TERMS

        return RetryPlan(call=call, count=AgreementVersion.objects.count, check_after=check_after)

    def backdate(self, world, effective_at):
        contract = lab_contract(world, effective_at=effective_at - dt.timedelta(days=2))
        version = amend_agreement(
            contract.agreement,
            new_terms=NEW_TERMS,
            reason="Discount agreed on the phone, entered late",
            by=contract.agreed_by,
            effective_at=effective_at,
        )
        version.refresh_from_db()
        return BackdatePlan(
            fact=version,
            queryset=AgreementVersion.objects.all(),
            effective_at=version.effective_at,
            recorded_at=version.recorded_at,
            view=lambda when, known_at: terms_at(contract.agreement, when, known_at),
            before=TERMS,
            after=NEW_TERMS,
            known_before=TERMS,
        )

    def reversal(self, world):
        contract = lab_contract(world)
        amendment = amend_agreement(contract.agreement, new_terms=NEW_TERMS, reason="Discount", by=contract.agreed_by)

        def undo(by, on_behalf_of):
            return amend_agreement(
                fresh(contract.agreement),
                new_terms=TERMS,
                reason="Discount withdrawn",
                by=by,
                on_behalf_of=on_behalf_of,
            )

        return ReversalPlan(
            original=amendment,
            undo=undo,
            refusal=NotAuthorizedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda version: version.decision,
            view=lambda: current_terms(contract.agreement),
            view_after_undo=TERMS,
        )

    def delegation(self, world):
        contract = lab_contract(world, agreed_by=world.clerk)
        version = amend_agreement(
            contract.agreement, new_terms=NEW_TERMS, reason="Discount", by=world.clerk, on_behalf_of=world.principal
        )
        check_version_delegation(version, world.clerk, world.principal)
        return DelegationPlan(record=decision_for(AMEND_ACTION, contract.agreement))

    def snapshot(self, world):
        contract = lab_contract(world)
        version = amend_agreement(contract.agreement, new_terms=NEW_TERMS, reason="Discount", by=contract.agreed_by)
        expected = ("amendment", "Discount", NEW_TERMS)
        return SnapshotPlan(
            records=[(version, expected), (version.decision, expected)],
            reconstruct=reconstruct_version,
            mutate=lambda: mutate_live_data(world, contract),
            live=lambda: live_data(world, contract),
        )


class TerminateAgreement(Surface):
    id = "agreements.terminate_agreement"
    call = "terminate_agreement(agreement, reason=, by=, on_behalf_of=, effective_at=, idempotency_key=)"
    not_applicable = {
        "reversal": (
            "a termination is final by design (AgreementTerminatedError for any later amendment or termination): "
            "to resume, create a new agreement; the termination itself is the undo checked under "
            "agreements.create_agreement"
        ),
    }
    notes = {
        "retry": "`idempotency_key`: one termination version; repeats return it, after the termination too",
        "backdate": (
            "agreement from 3 days ago terminated with effect a day ago: `terms_as_of` gives the terms before it, "
            "none at it, and the terms as known before it was recorded"
        ),
        "delegation": (
            "`by=`/`on_behalf_of=` on the `Decision` `django_agreements.terminate_agreement` (and on the version)"
        ),
        "snapshot": (
            "the termination's kind and reason, and the terms it ended (read from the versions only); live data edited"
        ),
    }

    def retry(self, world):
        contract = lab_contract(world)

        def call():
            return terminate_agreement(
                fresh(contract.agreement),
                reason="Patient left",
                by=fresh(contract.agreed_by),
                idempotency_key="torture-end-1",
            )

        def check_after():
            assert terms_at(contract.agreement, timezone.now(), None) is None

        return RetryPlan(call=call, count=AgreementVersion.objects.terminations().count, check_after=check_after)

    def backdate(self, world, effective_at):
        contract = lab_contract(world, effective_at=effective_at - dt.timedelta(days=2))
        version = terminate_agreement(
            contract.agreement, reason="Patient left", by=contract.agreed_by, effective_at=effective_at
        )
        version.refresh_from_db()
        return BackdatePlan(
            fact=version,
            queryset=AgreementVersion.objects.all(),
            effective_at=version.effective_at,
            recorded_at=version.recorded_at,
            view=lambda when, known_at: terms_at(contract.agreement, when, known_at),
            before=TERMS,
            after=None,
            known_before=TERMS,
        )

    def delegation(self, world):
        contract = lab_contract(world)
        version = terminate_agreement(
            contract.agreement, reason="Patient left", by=world.manager, on_behalf_of=world.principal
        )
        check_version_delegation(version, world.manager, world.principal)
        return DelegationPlan(record=decision_for(TERMINATE_ACTION, contract.agreement), actor=world.manager)

    def snapshot(self, world):
        contract = lab_contract(world)
        started = contract.agreement.valid_from
        version = terminate_agreement(contract.agreement, reason="Patient left", by=contract.agreed_by)

        def reconstruct(row):
            # The terms that ended: read from the versions only, as of before the termination.
            kind, reason = (
                (row.evidence["kind"], row.evidence["reason"]) if isinstance(row, Decision) else (row.kind, row.reason)
            )
            return (kind, reason, terms_at(contract.agreement, started, None))

        expected = ("termination", "Patient left", TERMS)
        return SnapshotPlan(
            records=[(version, expected), (version.decision, expected)],
            reconstruct=reconstruct,
            mutate=lambda: mutate_live_data(world, contract),
            live=lambda: live_data(world, contract),
        )


SURFACES = [CreateAgreement(), AmendAgreement(), TerminateAgreement()]
