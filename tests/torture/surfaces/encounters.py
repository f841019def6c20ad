"""django-encounters: ``transition(encounter, to_state, ...)``."""

from __future__ import annotations

import datetime as dt

from django_encounters import TransitionBlockedError
from django_encounters.models import EncounterDefinition, EncounterTransition
from django_encounters.services import create_encounter, transition
from django_parties.models import Person
from tests.torture.surfaces import (
    BackdatePlan,
    DelegationPlan,
    RetryPlan,
    ReversalPlan,
    SnapshotPlan,
    Surface,
    fresh,
)

DEFINITION = "torture_visit"


def visit_definition() -> EncounterDefinition:
    definition, _ = EncounterDefinition.objects.get_or_create(
        key=DEFINITION,
        defaults={
            "states": ["pending", "active", "review", "completed"],
            "transitions": {"pending": ["active"], "active": ["review"], "review": ["active", "completed"]},
            "initial_state": "pending",
            "terminal_states": ["completed"],
            "validator_paths": ["tests.torture.validators.StaffOnlyReopen"],
        },
    )
    return definition


def new_visit(world, *, started_at: dt.datetime | None = None):
    visit_definition()
    return create_encounter(DEFINITION, subject=world.patient, created_by=world.clerk, started_at=started_at)


def check_transition_delegation(record: EncounterTransition, actor, principal) -> None:
    """What ``assert_delegation_captured`` checks of a Decision, for the transition that is the decision here."""
    stored = EncounterTransition.objects.get(pk=record.pk)
    assert stored.by_user == actor, f"by_user is {stored.by_user!r}, expected {actor!r}"
    assert stored.on_behalf_of == principal, f"on_behalf_of is {stored.on_behalf_of!r}, expected {principal!r}"
    assert stored.is_delegated, "the transition is not marked as delegated"
    found = EncounterTransition.objects.by_user(actor).on_behalf_of(principal).delegated().filter(pk=stored.pk)
    assert found.exists(), "by_user().on_behalf_of().delegated() does not find the transition"


class Transition(Surface):
    id = "encounters.transition"
    call = "transition(encounter, to_state, by_user=, on_behalf_of=, effective_at=, idempotency_key=)"
    notes = {
        "retry": "`idempotency_key`: one `EncounterTransition`; repeats return it (`replayed=True`)",
        "backdate": "`effective_at` a day ago (the visit started 3 days ago); `encounter.state_at(when, known_at=)`",
        "reversal": (
            "no undo: a move back is a new transition (`review` -> `active`); authority is the definition's "
            "validator (`tests/torture/validators.py`: staff only), refused with `TransitionBlockedError`"
        ),
        "delegation": "on the `EncounterTransition` itself (`by_user`, `on_behalf_of`, `.delegated()`): no `Decision`",
        "snapshot": "state names and metadata are stored on the transition; the definition and subject are edited",
    }

    def retry(self, world):
        encounter = new_visit(world)

        def call():
            return transition(
                fresh(encounter), "active", by_user=fresh(world.clerk), idempotency_key="torture-move-1"
            ).transition

        def check_after():
            assert fresh(encounter).state == "active"

        return RetryPlan(call=call, count=EncounterTransition.objects.count, check_after=check_after)

    def backdate(self, world, effective_at):
        encounter = new_visit(world, started_at=effective_at - dt.timedelta(days=2))
        record = transition(encounter, "active", by_user=world.clerk, effective_at=effective_at).transition
        record.refresh_from_db()

        def view(when, known_at):
            return fresh(encounter).state_at(when, known_at=known_at)

        return BackdatePlan(
            fact=record,
            effective_at=record.effective_at,
            recorded_at=record.recorded_at,
            view=view,
            before="pending",
            after="active",
            known_before="pending",
        )

    def reversal(self, world):
        encounter = new_visit(world)
        transition(encounter, "active", by_user=world.clerk)
        review = transition(encounter, "review", by_user=world.clerk).transition

        def undo(by, on_behalf_of):
            return transition(fresh(encounter), "active", by_user=by, on_behalf_of=on_behalf_of).transition

        return ReversalPlan(
            original=review,
            undo=undo,
            refusal=TransitionBlockedError,
            unauthorized=world.clerk,
            authorized=world.manager,
            delegation_of=lambda move_back: move_back,
            delegation_check=check_transition_delegation,
            view=lambda: fresh(encounter).state,
            view_after_undo="active",
        )

    def delegation(self, world):
        encounter = new_visit(world)
        record = transition(encounter, "active", by_user=world.clerk, on_behalf_of=world.principal).transition
        return DelegationPlan(record=record, check=check_transition_delegation)

    def snapshot(self, world):
        encounter = new_visit(world)
        record = transition(
            encounter, "active", by_user=world.clerk, metadata={"room": "2B", "triage": "urgent"}
        ).transition
        moved_at = fresh(record).effective_at
        definition = visit_definition()

        def reconstruct(row):
            return {
                "from": row.from_state,
                "to": row.to_state,
                "by": row.by_user_id,
                "metadata": row.metadata,
                "state then": row.encounter.state_at(moved_at),
            }

        def mutate():
            definition.states = ["pending", "active", "on_hold", "review", "completed"]
            definition.transitions = {
                "pending": ["active", "on_hold"],
                "active": ["on_hold", "review"],
                "on_hold": ["active"],
                "review": ["active", "completed"],
            }
            definition.validator_paths = []
            definition.save()
            Person.objects.filter(pk=world.patient.pk).update(given_name="Augusta")

        def live():
            return (fresh(definition).transitions, fresh(world.patient).given_name)

        return SnapshotPlan(
            records=[
                (
                    record,
                    {
                        "from": "pending",
                        "to": "active",
                        "by": world.clerk.pk,
                        "metadata": {"room": "2B", "triage": "urgent"},
                        "state then": "active",
                    },
                )
            ],
            reconstruct=reconstruct,
            mutate=mutate,
            live=live,
        )


SURFACES = [Transition()]
