"""django-rbac: ``assign_role(...)``, undone by ``revoke_role(...)``, and ``revoke_role`` itself, given back by a new
``assign_role``; both record a ``Decision``."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.utils import timezone

from django_basemodels.fields import canonical_object_id
from django_decisioning.models import Decision
from django_rbac import EscalationError, decisions
from django_rbac import services as rbac
from django_rbac.models import Role, UserRole
from tests.torture.surfaces import (
    BackdatePlan,
    DelegationPlan,
    RetryPlan,
    ReversalPlan,
    SnapshotPlan,
    Surface,
    fresh,
)

TICK = dt.timedelta(microseconds=1)


def staff_setup(world) -> SimpleNamespace:
    """A "staff" role below the manager's level, and a new nurse the manager may appoint."""
    staff = rbac.create_role(
        by=world.root, name="Staff", slug="staff", hierarchy_level=20, module_permissions=["practice.view"]
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
    call = "assign_role(by=, user=, role=, scope=, valid_from=, valid_to=, on_behalf_of=, idempotency_key=)"
    notes = {
        "retry": (
            "`idempotency_key` (decisioning's `run_idempotent`): one `UserRole` and one `Decision` `rbac.assign`; "
            "repeats return it (without a key a repeat is `DuplicateAssignmentError`)"
        ),
        "backdate": (
            '`valid_from` a day ago; `UserRole.objects.as_of()`; "as known at" uses `created_at` as the record time '
            "(validity-period records have no `known_at`)"
        ),
        "reversal": (
            "`revoke_role(by=, user_role=, on_behalf_of=)`: `EscalationError` for a peer, nothing written; an "
            "assignment is a validity-period record, so revoking closes its period (`valid_to`, `revoked_by`, "
            "`updated_at`, and nothing else: user, role, scope, start and `assigned_by` are checked unchanged) and "
            "the reversal fact is a new `Decision` `django_rbac.revoke_role` (evidence: the assignment "
            "and its previous end)"
        ),
        "delegation": (
            "`by=`/`on_behalf_of=` on the `Decision` `django_rbac.assign_role` (`decisions.grant_decision()`)"
        ),
        "snapshot": (
            "slug, level and permissions as granted, in the `django_rbac.assign_role` `Decision`'s evidence "
            "and read back "
            "through `user_role.granted`; the role is re-levelled and given other permissions with `update_role`"
        ),
    }

    def retry(self, world):
        s = staff_setup(world)

        def call():
            return rbac.assign_role(
                by=fresh(world.manager),
                user=fresh(s.nurse),
                role=fresh(s.staff),
                on_behalf_of=fresh(world.principal),
                idempotency_key="appoint-nurse-1",
            )

        def check_after():
            [assignment] = UserRole.objects.filter(user=s.nurse)
            assert Decision.objects.for_action(decisions.ASSIGN_ACTION).for_target(assignment).count() == 1
            assert holds(s, timezone.now(), None)

        return RetryPlan(call=call, count=UserRole.objects.filter(user=s.nurse).count, check_after=check_after)

    def backdate(self, world, effective_at):
        s = staff_setup(world)
        assignment = rbac.assign_role(by=world.manager, user=s.nurse, role=s.staff, valid_from=effective_at)
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
        assignment = rbac.assign_role(by=world.manager, user=s.nurse, role=s.staff)
        # Someone without authority over the nurse: another holder of the same low role.
        peer = get_user_model().objects.create_user(username="peer")
        rbac.assign_role(by=world.manager, user=peer, role=s.staff)

        def undo(by, on_behalf_of):
            [ended] = rbac.revoke_role(by=by, user_role=fresh(assignment), on_behalf_of=on_behalf_of)
            return decisions.revocations(ended).get()

        return ReversalPlan(
            original=assignment,
            undo=undo,
            refusal=EscalationError,
            unauthorized=fresh(peer),
            authorized=world.manager,
            delegation_of=lambda revocation: revocation,
            view=lambda: holds(s, timezone.now(), None),
            view_after_undo=False,
            period_fields=("valid_to", "revoked_by_id", "updated_at"),
        )

    def delegation(self, world):
        s = staff_setup(world)
        assignment = rbac.assign_role(by=world.manager, user=s.nurse, role=s.staff, on_behalf_of=world.principal)
        return DelegationPlan(record=decisions.grant_decision(assignment), actor=world.manager)

    def snapshot(self, world):
        s = staff_setup(world)
        assignment = rbac.assign_role(by=world.manager, user=s.nurse, role=s.staff)
        decision = decisions.grant_decision(assignment)

        def reconstruct(row):
            # What was granted, from the record only: the decision's evidence (UserRole.granted reads the same).
            if isinstance(row, Decision):
                role = row.evidence["role"]
                return (role["slug"], role["hierarchy_level"], role["module_permissions"], row.actor_id)
            granted = row.granted
            return (granted.slug, granted.hierarchy_level, list(granted.module_permissions), row.assigned_by_id)

        def mutate():
            rbac.update_role(by=world.root, role=fresh(s.staff), hierarchy_level=50, module_permissions=["practice.*"])

        def live():
            role = Role.objects.get(pk=s.staff.pk)
            return (role.hierarchy_level, role.module_permissions)

        expected = ("staff", 20, ["practice.view"], world.manager.pk)
        return SnapshotPlan(
            records=[(decision, expected), (assignment, expected)],
            reconstruct=reconstruct,
            mutate=mutate,
            live=live,
        )


class RevokeRole(Surface):
    id = "rbac.revoke_role"
    call = "revoke_role(by=, user_role=|user=, role=, scope=, at=, on_behalf_of=, idempotency_key=)"
    not_applicable = {
        "backdate": (
            "a revocation cannot be backdated: revoke_role refuses an `at` in the past (InvalidAssignmentError, "
            '"the past stays as it was"), since the user could act until now; `at` is now or later (a scheduled '
            "end, the Decision's effective_at). The assignment's backdatable time is its start, "
            "assign_role(valid_from=) (rbac.assign_role's Backdate)"
        ),
    }
    notes = {
        "retry": (
            "`idempotency_key` (decisioning's `run_once`): one `Decision` `django_rbac.revoke_role`; repeats return "
            "the ended assignments (without a key a repeat is `RoleNotAssignedError`); the nurse no longer holds the "
            "role"
        ),
        "reversal": (
            "no undo of a revocation: the closed period is history. The role is given back by a new "
            "`assign_role(by=, user=, role=, on_behalf_of=)`, under the same authority (`EscalationError` for a "
            "peer, nothing written): a new `UserRole` from now and its `Decision` `django_rbac.assign_role`; the "
            "revocation `Decision` and the closed assignment are checked unchanged, column for column"
        ),
        "delegation": "`by=`/`on_behalf_of=` on the `Decision` `django_rbac.revoke_role` (`decisions.revocations()`)",
        "snapshot": (
            "the revocation `Decision`'s evidence keeps the role as stored then (slug, level, module permissions), "
            "the previous end and `assigned_by`; the assignment keeps its end and `revoked_by`; the role is "
            "re-levelled and given other permissions with `update_role`"
        ),
    }

    def retry(self, world):
        s = staff_setup(world)
        assignment = rbac.assign_role(by=world.manager, user=s.nurse, role=s.staff)

        def call():
            return rbac.revoke_role(
                by=fresh(world.manager),
                user_role=fresh(assignment),
                on_behalf_of=fresh(world.principal),
                idempotency_key="dismiss-nurse-1",
            )

        def check_after():
            ended = fresh(assignment)
            assert ended.valid_to is not None and ended.revoked_by_id == world.manager.pk
            assert not holds(s, timezone.now(), None)

        return RetryPlan(call=call, count=decisions.revocations(assignment).count, check_after=check_after)

    def reversal(self, world):
        s = staff_setup(world)
        assignment = rbac.assign_role(by=world.manager, user=s.nurse, role=s.staff)
        # Someone without authority over the nurse: another holder of the same low role.
        peer = get_user_model().objects.create_user(username="peer")
        rbac.assign_role(by=world.manager, user=peer, role=s.staff)
        rbac.revoke_role(by=world.manager, user_role=assignment)

        def undo(by, on_behalf_of):
            return rbac.assign_role(by=by, user=fresh(s.nurse), role=fresh(s.staff), on_behalf_of=on_behalf_of)

        return ReversalPlan(
            original=decisions.revocations(assignment).get(),
            also_preserved=[assignment],  # the closed period: every column, its end included
            undo=undo,
            refusal=EscalationError,
            unauthorized=fresh(peer),
            authorized=world.manager,
            delegation_of=decisions.grant_decision,
            view=lambda: holds(s, timezone.now(), None),
            view_after_undo=True,
        )

    def delegation(self, world):
        s = staff_setup(world)
        assignment = rbac.assign_role(by=world.manager, user=s.nurse, role=s.staff)
        rbac.revoke_role(by=world.manager, user_role=assignment, on_behalf_of=world.principal)
        return DelegationPlan(record=decisions.revocations(assignment).get(), actor=world.manager)

    def snapshot(self, world):
        s = staff_setup(world)
        assignment = rbac.assign_role(by=world.manager, user=s.nurse, role=s.staff)
        rbac.revoke_role(by=world.manager, user_role=assignment)
        revocation = decisions.revocations(assignment).get()

        def reconstruct(row):
            if isinstance(row, Decision):
                evidence = row.evidence
                role = evidence["role"]
                return (
                    role["slug"],
                    role["hierarchy_level"],
                    role["module_permissions"],
                    evidence["previous_valid_to"],
                    evidence["assigned_by"],
                    row.actor_id,
                )
            return (row.valid_to, row.revoked_by_id)

        def mutate():
            rbac.update_role(by=world.root, role=fresh(s.staff), hierarchy_level=50, module_permissions=["practice.*"])

        def live():
            role = Role.objects.get(pk=s.staff.pk)
            return (role.hierarchy_level, role.module_permissions)

        return SnapshotPlan(
            records=[
                (
                    revocation,
                    ("staff", 20, ["practice.view"], None, canonical_object_id(world.manager.pk), world.manager.pk),
                ),
                (assignment, (revocation.effective_at, world.manager.pk)),
            ],
            reconstruct=reconstruct,
            mutate=mutate,
            live=live,
        )


SURFACES = [AssignRole(), RevokeRole()]
