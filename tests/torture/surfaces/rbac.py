"""django-rbac: ``assign_role(assigner=, user=, role=, scope=, valid_from=, valid_to=)``."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.utils import timezone

from django_rbac import DuplicateAssignmentError, EscalationError
from django_rbac import services as rbac
from django_rbac.models import Role, UserRole
from tests.torture.surfaces import (
    BackdatePlan,
    Gap,
    PreservationFailure,
    RetryPlan,
    ReversalPlan,
    SnapshotFollowedLiveData,
    SnapshotPlan,
    Surface,
    fresh,
)

TICK = dt.timedelta(microseconds=1)


def staff_setup(world) -> SimpleNamespace:
    """A "staff" role below the manager's level, and a new nurse the manager may appoint."""
    staff = rbac.create_role(
        actor=world.root, name="Staff", slug="staff", hierarchy_level=20, module_permissions=["practice.view"]
    )
    nurse = get_user_model().objects.create_user(username="nurse")
    return SimpleNamespace(staff=staff, nurse=nurse)


def holds(s: SimpleNamespace, when: dt.datetime, known_at: dt.datetime | None) -> bool:
    """Whether the nurse held the role at ``when`` (as recorded by ``known_at``, by the row's ``created_at``)."""
    rows = UserRole.objects.as_of(when).filter(user=s.nurse, role=s.staff)
    if known_at is not None:
        rows = rows.filter(created_at__lte=known_at)
    return rows.exists()


class AssignRole(Surface):
    id = "rbac.assign_role"
    call = "assign_role(assigner=, user=, role=, scope=, valid_from=, valid_to=)"
    not_applicable = {
        "delegation": (
            "assign_role records no Decision: assigned_by is the actor and there is no on_behalf_of; "
            "django-rbac does not depend on django-decisioning"
        ),
    }
    known_gaps = {
        "retry": Gap(
            "assign_role takes no idempotency key: the second identical call raises DuplicateAssignmentError "
            "instead of returning the assignment; one effect (a partial unique constraint), but a retry gets an error",
            DuplicateAssignmentError,
        ),
        "reversal": Gap(
            "revoke_role is authority-checked (EscalationError, nothing written: passes) but ends the assignment "
            "by editing it in place (valid_to, revoked_by, updated_at) and returns that same row: no new fact, "
            "the original is not preserved",
            PreservationFailure,
        ),
        "snapshot": Gap(
            "a UserRole keeps only a foreign key to the Role: the level and permissions granted are read from the "
            "live Role, so update_role rewrites what every past assignment granted (no snapshot, no Decision evidence)",
            SnapshotFollowedLiveData,
        ),
    }
    notes = {
        "backdate": (
            '`valid_from` a day ago; `UserRole.objects.as_of()`; "as known at" uses `created_at` as the record time '
            "(validity-period records have no `known_at`)"
        ),
    }

    def retry(self, world):
        s = staff_setup(world)
        return RetryPlan(
            call=lambda: rbac.assign_role(assigner=fresh(world.manager), user=fresh(s.nurse), role=fresh(s.staff)),
            count=UserRole.objects.filter(user=s.nurse).count,
        )

    def backdate(self, world, effective_at):
        s = staff_setup(world)
        assignment = rbac.assign_role(assigner=world.manager, user=s.nurse, role=s.staff, valid_from=effective_at)
        assignment.refresh_from_db()

        def check_fact():
            assert assignment.valid_from == effective_at
            assert assignment.created_at > assignment.valid_from
            assert UserRole.objects.current().filter(pk=assignment.pk).exists()

        return BackdatePlan(
            fact=assignment,
            effective_at=assignment.valid_from,
            recorded_at=assignment.created_at,
            view=lambda when, known_at: holds(s, when, known_at),
            before=False,
            after=True,
            known_before=False,
            check_fact=check_fact,
        )

    def reversal(self, world):
        s = staff_setup(world)
        assignment = rbac.assign_role(assigner=world.manager, user=s.nurse, role=s.staff)
        # Someone without authority over the nurse: another holder of the same low role.
        peer = get_user_model().objects.create_user(username="peer")
        rbac.assign_role(assigner=world.manager, user=peer, role=s.staff)

        def undo(by, on_behalf_of):
            return rbac.revoke_role(revoker=by, user_role=fresh(assignment))

        return ReversalPlan(
            original=assignment,
            undo=undo,
            refusal=EscalationError,
            unauthorized=fresh(peer),
            authorized=world.manager,
            view=lambda: holds(s, timezone.now(), None),
            view_after_undo=False,
        )

    def snapshot(self, world):
        s = staff_setup(world)
        assignment = rbac.assign_role(assigner=world.manager, user=s.nurse, role=s.staff)

        def reconstruct(row):
            # What was granted: only reachable through the live Role row.
            return (row.role.slug, row.role.hierarchy_level, sorted(row.role.module_permissions), row.assigned_by_id)

        def mutate():
            rbac.update_role(
                actor=world.root, role=fresh(s.staff), hierarchy_level=50, module_permissions=["practice.*"]
            )

        def live():
            role = Role.objects.get(pk=s.staff.pk)
            return (role.hierarchy_level, role.module_permissions)

        return SnapshotPlan(
            records=[(assignment, ("staff", 20, ["practice.view"], world.manager.pk))],
            reconstruct=reconstruct,
            mutate=mutate,
            live=live,
        )
