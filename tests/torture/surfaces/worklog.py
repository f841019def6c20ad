"""django-worklog: ``start_session(user, context, *, effective_at=, idempotency_key=)``, the switch."""

from __future__ import annotations

from django_parties.models import Person
from django_worklog.models import WorkSession
from django_worklog.services import start_session
from tests.torture.surfaces import BackdatePlan, RetryPlan, SnapshotPlan, Surface, fresh


def second_patient() -> Person:
    return Person.objects.create(given_name="Grace", family_name="Hopper")


class StartSession(Surface):
    id = "worklog.start_session"
    call = "start_session(user, context, *, effective_at=, idempotency_key=)"
    not_applicable = {
        "reversal": (
            "a work session is a timer of one's own work: it is stopped (stop_session, a second fact with its "
            "own record time, stop_recorded_at), never undone; its start stays the record of when work began"
        ),
        "delegation": (
            "the user whose time is counted is the one who starts it: start_session takes no by=/on_behalf_of "
            "and records no Decision, so there is no principal to capture"
        ),
    }
    notes = {
        "retry": "`idempotency_key`: one switch; repeats return the session it started (not stopped again)",
        "backdate": (
            "`effective_at` a day ago (the start of the session); `WorkSession.objects.running_at(when, known_at=)`"
        ),
        "snapshot": "a session holds its user, context key and times as its own columns; the context is renamed",
    }

    def retry(self, world):
        start_session(world.clerk, world.patient)  # running on one context: the call switches to another
        other = second_patient()

        def call():
            return start_session(fresh(world.clerk), fresh(other), idempotency_key="torture-switch")

        def check_after():
            running = WorkSession.objects.filter(user=world.clerk, stopped_at__isnull=True)
            assert [session.context for session in running] == [other]

        return RetryPlan(call=call, count=WorkSession.objects.filter(user=world.clerk).count, check_after=check_after)

    def backdate(self, world, effective_at):
        session = start_session(world.clerk, world.patient, effective_at=effective_at)
        session.refresh_from_db()
        mine = WorkSession.objects.filter(user=world.clerk)
        return BackdatePlan(
            fact=session,
            queryset=WorkSession.objects.all(),
            effective_at=session.effective_at,
            recorded_at=session.recorded_at,
            view=lambda when, known_at: mine.running_at(when, known_at=known_at).count(),
            before=0,
            after=1,
            known_before=0,
        )

    def snapshot(self, world):
        session = start_session(world.clerk, world.patient)
        expected = (world.clerk.pk, world.patient.pk, session.started_at)
        return SnapshotPlan(
            records=[(session, expected)],
            reconstruct=lambda row: (row.user_id, row.context.pk, row.started_at),
            mutate=lambda: Person.objects.filter(pk=world.patient.pk).update(given_name="Augusta"),
            live=lambda: fresh(world.patient).given_name,
        )


SURFACES = [StartSession()]
