"""Give a user a role and end it: ``assign_role`` and ``revoke_role``, each recorded as a ``Decision``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from django_basemodels.arguments import renamed_keywords, require_idempotency_key, require_saved
from django_basemodels.fields import canonical_object_id
from django_basemodels.generic import generic_key_values
from django_decisioning.services import record_decision, run_once
from django_rbac import selectors
from django_rbac.decisions import ASSIGN_ACTION, REVOKE_ACTION, assignment_evidence
from django_rbac.exceptions import DuplicateAssignmentError, InvalidAssignmentError, RoleNotAssignedError
from django_rbac.models import Role, UserRole
from django_rbac.services.rules import (
    check_assignment,
    check_grant,
    check_revocation,
    require_active_actor,
    stored_user,
)

ASSIGN_IDEMPOTENCY_SCOPE = "django_rbac.assign_role"
REVOKE_IDEMPOTENCY_SCOPE = "django_rbac.revoke_role"


def _reference(obj: Any) -> list[str | None] | None:
    # An object in a request fingerprint counts by model and key, never by its field values. The
    # shape of the fingerprints stored before 0.2, so a retry across the upgrade still matches.
    if obj is None:
        return None
    meta = getattr(obj, "_meta", None)
    pk = getattr(obj, "pk", None)
    return [
        meta.label_lower if meta is not None else type(obj).__name__,
        None if pk is None else canonical_object_id(pk),
    ]


def _check_arguments(on_behalf_of: Any, idempotency_key: Any) -> None:
    require_saved(on_behalf_of, name="on_behalf_of", error=InvalidAssignmentError, allow_none=True)
    require_idempotency_key(idempotency_key, error=InvalidAssignmentError)


@renamed_keywords(assigner="by")
def assign_role(
    *,
    by: Any,
    user: Any,
    role: Role,
    scope: models.Model | None = None,
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> UserRole:
    """Give ``user`` the ``role`` (everywhere, or for ``scope``) from ``valid_from`` (now) until ``valid_to`` (open).

    ``by`` is the acting user; ``user`` the one who receives the role. Records a ``Decision``
    ``django_rbac.assign_role`` (actor ``by``, principal ``on_behalf_of`` (any saved model
    instance, or ``None``), target the new ``UserRole``, ``effective_at`` its ``valid_from``) whose
    evidence snapshots the role as granted: slug, name, level, Django and module permissions, scope
    and period (``user_role.granted`` reads it back).

    With an ``idempotency_key`` (1 to 255 characters), a repeat of the same request (same ``by``,
    user, role, scope, period and principal) returns the first call's ``UserRole`` and writes
    nothing, also under concurrency (``django_decisioning.services.run_once``, scope
    ``django_rbac.assign_role``); the same key with other arguments raises
    ``django_decisioning.IdempotencyConflictError``. A repeat is checked like a first call (the
    actor's authority included) before it is answered. Without a key, a repeat is a
    ``DuplicateAssignmentError``.

    Raises an ``EscalationError`` subclass when ``by`` may not grant it (inactive, acting on
    themselves, role or user at or above their level), ``InvalidAssignmentError`` for a bad period,
    unsaved objects, a malformed key or principal, ``DuplicateAssignmentError`` when the user
    already holds the role there for part of the period. Writes nothing when it raises (with a
    key, a refusal found only under the lock, such as ``DuplicateAssignmentError``, leaves
    decisioning's record of the failed key, which the next call with that key takes over).
    Clears ``user``'s permission cache.
    """
    _check_arguments(on_behalf_of, idempotency_key)
    if idempotency_key is not None:
        # Checked before the key is claimed as well, so that a refused request leaves no key
        # row behind; _assign checks again under the locks.
        check_grant(by=by, user=user, role=role, scope=scope, valid_from=valid_from, valid_to=valid_to)
    payload = {
        "assigner": _reference(by),
        "user": _reference(user),
        "role": _reference(role),
        "scope": _reference(scope),
        "valid_from": valid_from,
        "valid_to": valid_to,
        "on_behalf_of": _reference(on_behalf_of),
    }
    assignment = run_once(
        scope=ASSIGN_IDEMPOTENCY_SCOPE,
        idempotency_key=idempotency_key,
        func=lambda: _assign(
            by=by,
            user=user,
            role=role,
            scope=scope,
            valid_from=valid_from,
            valid_to=valid_to,
            on_behalf_of=on_behalf_of,
        ),
        payload=payload,
    )
    selectors.clear_cache(user)
    return assignment


def _assign(
    *,
    by: Any,
    user: Any,
    role: Role,
    scope: models.Model | None,
    valid_from: datetime | None,
    valid_to: datetime | None,
    on_behalf_of: models.Model | None,
) -> UserRole:
    with transaction.atomic():
        require_active_actor(by)
        if getattr(user, "pk", None) is not None:
            stored_user(user, lock=True)
        # The role row, locked (update_role locks it too): the level checked and the grant
        # recorded are the same version of the role.
        stored_role = Role.objects.select_for_update().filter(pk=role.pk).first()
        check_assignment(by=by, user=user, role=role, scope=scope, valid_from=valid_from, valid_to=valid_to)
        assert stored_role is not None  # check_assignment refused a role missing from the database
        try:
            with transaction.atomic():
                assignment = UserRole.objects.create(
                    user=user,
                    role=stored_role,
                    **generic_key_values("scope", scope),
                    valid_from=valid_from or timezone.now(),
                    valid_to=valid_to,
                    assigned_by=by,
                )
        except IntegrityError as exc:
            raise DuplicateAssignmentError(f"{user} already holds {role.name} there.") from exc
        record_decision(
            action=ASSIGN_ACTION,
            by=by,
            on_behalf_of=on_behalf_of,
            target=assignment,
            outcome="assigned",
            evidence=assignment_evidence(assignment, stored_role),
            effective_at=assignment.valid_from,
        )
    return assignment


def _locked_assignments(rows: models.QuerySet[UserRole]) -> list[UserRole]:
    """``rows`` locked for update, with their user, role and scope type, ordered by start."""
    related = ("user", "role", "scope_type")
    if transaction.get_connection().features.has_select_for_update_of:
        return list(rows.select_for_update(of=("self",)).select_related(*related).order_by("valid_from"))
    # Without FOR UPDATE OF (MariaDB), a join would lock the user, role and content type rows as well,
    # in an order of the planner's choosing: lock the assignments alone, then read them with their relations.
    locked = list(rows.select_for_update().order_by("valid_from").values_list("pk", flat=True))
    return list(UserRole.objects.filter(pk__in=locked).select_related(*related).order_by("valid_from"))


@renamed_keywords(revoker="by")
def revoke_role(
    *,
    by: Any,
    user_role: UserRole | None = None,
    user: Any = None,
    role: Role | None = None,
    scope: models.Model | None = None,
    at: datetime | None = None,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> list[UserRole]:
    """End an assignment (``user_role``), or every not-yet-ended one of ``role`` for ``user`` in ``scope``.

    Sets ``valid_to`` to ``at`` (now by default; never in the past) and ``revoked_by`` (``by``, the
    acting user): an assignment is a validity-period record, and ending it closes the period; its
    user, role, scope, start and ``assigned_by`` never change and rows are never deleted. An
    assignment that has not started yet gets an empty period. The revocation itself is a new fact:
    one ``Decision`` ``django_rbac.revoke_role`` per ended assignment (actor ``by``, principal
    ``on_behalf_of``, target the assignment, ``effective_at`` its new end, evidence the assignment
    with its previous end and its role as stored now); ``decisions.revocations()`` finds them.

    With an ``idempotency_key``, a repeat of the same request returns the assignments the first
    call ended and writes nothing (``run_once``, scope ``django_rbac.revoke_role``); the same key
    with other arguments raises ``django_decisioning.IdempotencyConflictError``. Without a key, a
    repeat finds nothing left to end.

    Raises the same ``EscalationError`` subclasses as ``assign_role``, ``RoleNotAssignedError``
    when nothing is left to end, ``InvalidAssignmentError`` for malformed arguments. Writes
    nothing when it raises. Returns the ended assignments.
    """
    if (user_role is None) == (user is None or role is None):
        raise InvalidAssignmentError("Pass either user_role, or user and role (and scope).")
    _check_arguments(on_behalf_of, idempotency_key)
    require_active_actor(by)
    payload = {
        "by": _reference(by),
        "user_role": _reference(user_role),
        "user": _reference(user),
        "role": _reference(role),
        "scope": _reference(scope),
        "at": at,
        "on_behalf_of": _reference(on_behalf_of),
    }
    assignments = run_once(
        scope=REVOKE_IDEMPOTENCY_SCOPE,
        idempotency_key=idempotency_key,
        func=lambda: _revoke(
            by=by, user_role=user_role, user=user, role=role, scope=scope, at=at, on_behalf_of=on_behalf_of
        ),
        payload=payload,
    )
    selectors.clear_cache(user)
    if user_role is not None:
        user_role.valid_to, user_role.revoked_by = assignments[0].valid_to, by
        if UserRole.user.is_cached(user_role):
            selectors.clear_cache(user_role.user)
    return assignments


def _revoke(
    *,
    by: Any,
    user_role: UserRole | None,
    user: Any,
    role: Role | None,
    scope: models.Model | None,
    at: datetime | None,
    on_behalf_of: models.Model | None,
) -> list[UserRole]:
    with transaction.atomic():
        require_active_actor(by)
        rows = UserRole.objects.not_ended()
        if user_role is not None:
            rows = rows.filter(pk=user_role.pk)
        else:
            assert role is not None  # revoke_role asked for user and role
            rows = rows.filter(user_id=user.pk, role_id=role.pk).for_scope(scope)
        assignments = _locked_assignments(rows)
        if not assignments:
            raise RoleNotAssignedError("There is no current or future assignment to revoke.")
        for assignment in assignments:
            check_revocation(by=by, assignment=assignment, at=at)
        end = at or timezone.now()
        for assignment in assignments:
            previous_end = assignment.valid_to
            assignment.valid_to = max(end, assignment.valid_from)
            assignment.revoked_by = by
            assignment.save(update_fields=["valid_to", "revoked_by", "updated_at"])
            record_decision(
                action=REVOKE_ACTION,
                by=by,
                on_behalf_of=on_behalf_of,
                target=assignment,
                outcome="revoked",
                evidence={
                    **assignment_evidence(assignment, assignment.role),
                    "previous_valid_to": previous_end,
                    "assigned_by": (
                        None if assignment.assigned_by_id is None else canonical_object_id(assignment.assigned_by_id)
                    ),
                },
                effective_at=assignment.valid_to,
            )
    return assignments
