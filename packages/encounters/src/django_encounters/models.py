"""Encounter definitions (state machines), encounters attached to any model, and their transition log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.db.models import Count, Q

from django_basemodels.fields import CaseSensitiveCharField, ObjectIdField
from django_basemodels.generic import GenericForeignKey
from django_basemodels.guarantees import AppendOnly
from django_basemodels.models import OrgOwned, TimeStampedModel, UUIDModel
from django_basemodels.tenancy import unique_per_org
from django_decisioning.mixins import TimeSemanticsMixin
from django_encounters.exceptions import InvalidDefinitionError, TransitionImmutableError
from django_encounters.graph import STATE_MAX_LENGTH, DefinitionProblem, validate_definition_graph
from django_encounters.querysets import (
    EncounterDefinitionQuerySet,
    EncounterQuerySet,
    EncounterTransitionQuerySet,
)
from django_encounters.validators import Issue, validator_path_problem


class EncounterDefinition(UUIDModel, TimeStampedModel, OrgOwned):
    """A reusable state machine: states, allowed moves, where encounters start and end, validators.

    It belongs to one organization or to none (``org_key``, ``""`` for none; ``org=`` in the
    constructor): its ``key`` is unique per organization, so two organizations may each define
    ``"visit"`` their own way. Its encounters belong to its organization.

    ``save()`` refuses (``InvalidDefinitionError``, every problem naming its state) an empty key or one
    longer than its column, a graph that breaks the rules of ``validate_definition_graph``, a
    validator path that does not load a ``Validator`` subclass, and, for a definition already in
    use, a change that would strand encounters: removing a state some encounter is in, or making
    terminal a state an open encounter is in. Other changes (new states and moves, removed moves,
    other validators, another initial state) apply at once to running encounters. ``clean()``
    reports the same problems as a ``ValidationError`` per field, for forms and the admin.
    ``QuerySet.update()`` and ``bulk_create()`` bypass these checks: write definitions with
    ``save()``/``objects.create()``.
    """

    # Keys and states compare byte by byte on every database (a binary collation on MariaDB/MySQL).
    key = CaseSensitiveCharField(max_length=100)
    states = models.JSONField(default=list, help_text="Every state, in display order.")
    transitions = models.JSONField(default=dict, blank=True, help_text='{"state": ["next state", ...], ...}')
    initial_state = CaseSensitiveCharField(max_length=STATE_MAX_LENGTH)
    terminal_states = models.JSONField(default=list)
    validator_paths = models.JSONField(
        default=list, blank=True, help_text="Dotted paths of Validator subclasses run on every transition."
    )

    # The example site's audit-log tracking swaps the managers of tracked models at runtime for classes the
    # django-stubs plugin cannot look up (django.db.models.manager.TrackedManager...); the declared one is right.
    objects = EncounterDefinitionQuerySet.as_manager()  # type: ignore[django-manager-missing]

    class Meta:
        ordering = ["key", "org_key"]
        constraints = [unique_per_org("key", name="django_encounters_encounterdefinition_key_per_org")]

    def __str__(self) -> str:
        return self.key

    def targets_from(self, state: str) -> list[str]:
        """The states an encounter in ``state`` may move to (none from a terminal or unknown state)."""
        targets = self.transitions.get(state, []) if isinstance(self.transitions, dict) else []
        return list(targets)

    def is_terminal(self, state: str) -> bool:
        return state in self.terminal_states

    def problems(self, using: str | None = None) -> list[DefinitionProblem]:
        """Every problem of this definition: graph, validator paths, and encounters it would strand."""
        found = validate_definition_graph(
            states=self.states,
            transitions=self.transitions,
            initial_state=self.initial_state,
            terminal_states=self.terminal_states,
        )
        key_field = type(self)._meta.get_field("key")
        assert isinstance(key_field, models.CharField) and key_field.max_length is not None
        key_length = key_field.max_length
        if not isinstance(self.key, str) or not self.key.strip():
            found.insert(0, DefinitionProblem("key", "key must be a non-empty string."))
        elif len(self.key) > key_length:
            found.insert(
                0, DefinitionProblem("key", f"key has {len(self.key):,} characters; at most {key_length} are accepted.")
            )
        if not isinstance(self.validator_paths, list):
            found.append(DefinitionProblem("validator_paths", "validator_paths must be a list of dotted paths."))
        else:
            for index, path in enumerate(self.validator_paths):
                if path in self.validator_paths[:index]:
                    found.append(DefinitionProblem("validator_paths", f"validator {path!r} is listed twice."))
                    continue
                problem = validator_path_problem(path)
                if problem is not None:
                    found.append(DefinitionProblem("validator_paths", problem))
        if not found and not self._state.adding:
            found.extend(self._stranding_problems(using or router.db_for_write(type(self), instance=self)))
        return found

    def _stranding_problems(self, using: str) -> list[DefinitionProblem]:
        held = (
            Encounter.objects.using(using)
            .filter(definition_id=self.pk)
            .order_by()
            .values("state")
            .annotate(total=Count("pk"), still_open=Count("pk", filter=Q(ended_at__isnull=True)))
        )
        found: list[DefinitionProblem] = []
        for row in sorted(held, key=lambda row: row["state"]):
            state = row["state"]
            if state not in self.states:
                found.append(
                    DefinitionProblem(
                        "states",
                        f"state {state!r} is held by {row['total']} encounter(s); it cannot be removed.",
                        state,
                    )
                )
            elif state in self.terminal_states and row["still_open"]:
                found.append(
                    DefinitionProblem(
                        "terminal_states",
                        f"state {state!r} is held by {row['still_open']} open encounter(s); it cannot become terminal.",
                        state,
                    )
                )
        return found

    def clean(self) -> None:
        """Raise ``ValidationError`` with every problem, grouped by field."""
        super().clean()
        errors: dict[str, list[str]] = {}
        for problem in self.problems():
            errors.setdefault(problem.field, []).append(problem.message)
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Validate, then save; ``InvalidDefinitionError`` listing every problem, nothing written.

        For a definition already saved, the row is locked first (``FOR UPDATE``): it waits for
        running ``create_encounter``/``transition`` calls of this definition, which hold a shared
        lock on it (``locked_for_use``), so the stranding check sees every encounter's state.
        """
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            if not self._state.adding:
                list(type(self)._base_manager.using(using).select_for_update().filter(pk=self.pk).values("pk"))
            problems = self.problems(using)
            if problems:
                raise InvalidDefinitionError(problems)
            super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]

    @classmethod
    def locked_for_use(cls, pk: Any, using: str) -> EncounterDefinition:
        """The definition row, read under a shared lock: ``FOR KEY SHARE`` on PostgreSQL, ``LOCK IN SHARE
        MODE`` on MariaDB/MySQL (a plain read on SQLite, which serialises writers).

        Any number of encounter writers share that lock; it only keeps a definition edit (which
        takes ``FOR UPDATE``) from committing between their read of the definition and their commit.
        Call it inside ``transaction.atomic()``. Raises ``DoesNotExist``.
        """
        connection = connections[using]
        # Django has no shared row lock (select_for_update takes an exclusive one), nor a feature flag for it.
        shared_lock = {"postgresql": "FOR KEY SHARE", "mysql": "LOCK IN SHARE MODE"}.get(connection.vendor)
        if shared_lock is None:
            return cls._base_manager.using(using).get(pk=pk)
        table = connection.ops.quote_name(cls._meta.db_table)
        assert cls._meta.pk is not None and cls._meta.pk.column is not None
        column = connection.ops.quote_name(cls._meta.pk.column)
        rows = list(
            cls._base_manager.db_manager(using).raw(f"SELECT * FROM {table} WHERE {column} = %s {shared_lock}", [pk])
        )
        if not rows:
            raise cls.DoesNotExist(f"No encounter definition with pk {pk}.")
        return rows[0]


class Encounter(UUIDModel, TimeStampedModel):
    """One run of a definition's state machine, attached to any model instance (its ``subject``).

    ``state`` changes through ``django_encounters.services.transition`` only, which also keeps
    ``state_since``, ``transition_count`` and ``ended_at`` (set when a terminal state is reached).
    ``started_at`` is the business time the encounter began (may be backdated); ``created_at``
    the time it was recorded. ``initial_state`` is the state it started in, as the definition said then.
    It belongs to the organization of its definition, and has no ``org_key`` of its own:
    ``Encounter.objects.for_org(org)`` filters through the definition.
    """

    definition = models.ForeignKey(EncounterDefinition, on_delete=models.PROTECT, related_name="encounters")
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = ObjectIdField()
    subject = GenericForeignKey("subject_type", "subject_id")
    state = CaseSensitiveCharField(max_length=STATE_MAX_LENGTH, db_index=True)
    initial_state = CaseSensitiveCharField(max_length=STATE_MAX_LENGTH, editable=False)
    started_at = models.DateTimeField(db_index=True)
    state_since = models.DateTimeField(help_text="Business time the current state began.")
    ended_at = models.DateTimeField(null=True, blank=True, db_index=True)
    transition_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = EncounterQuerySet.as_manager()

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="django_enc_subject_idx"),
            models.Index(fields=["definition", "state"], name="django_enc_def_state_idx"),
        ]

    def __str__(self) -> str:
        return f"Encounter {self.pk} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    def state_at(self, when: dt.datetime, *, known_at: dt.datetime | None = None) -> str | None:
        """The state the encounter was in at business time ``when``; ``None`` before it started.

        With ``known_at``, as the system knew it then: transitions (and the encounter itself)
        recorded after ``known_at`` are ignored. Raises ``ValueError`` for naive datetimes.
        """
        moves = self.transitions.as_of(when, known_at=known_at)  # first: refuses naive datetimes
        if self.started_at > when or (known_at is not None and self.created_at > known_at):
            return None
        last = moves.order_by("-sequence").only("to_state").first()
        return last.to_state if last is not None else self.initial_state


class EncounterTransition(UUIDModel, TimeSemanticsMixin):
    """An append-only fact: encounter moved ``from_state`` -> ``to_state``, by whom, when, why.

    ``at`` is the business time of the move (``effective_at``, may be backdated, never before the
    previous move); ``recorded_at`` is when the system recorded it. ``sequence`` numbers the moves
    of one encounter from 1 (unique). ``by_user`` is null for a system transition;
    ``on_behalf_of`` is the principal the user acted for, if any. ``metadata`` is the caller's
    JSON, ``warnings`` the soft warnings of the validators (``[{"validator", "message"}]``).
    ``save()`` of an existing row, ``delete()`` and queryset ``update()``/``delete()`` raise
    ``TransitionImmutableError``; the database refuses raw SQL UPDATE and DELETE (``Meta.guarantees``).
    It belongs to the organization of its encounter's definition (``EncounterTransition.objects.for_org(org)``).
    """

    encounter = models.ForeignKey(Encounter, on_delete=models.PROTECT, related_name="transitions")
    sequence = models.PositiveIntegerField()
    from_state = CaseSensitiveCharField(max_length=STATE_MAX_LENGTH)
    to_state = CaseSensitiveCharField(max_length=STATE_MAX_LENGTH, db_index=True)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    on_behalf_of_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    on_behalf_of_id = ObjectIdField(blank=True, default="")
    on_behalf_of = GenericForeignKey("on_behalf_of_type", "on_behalf_of_id")
    metadata = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)

    objects = EncounterTransitionQuerySet.as_manager()  # type: ignore[misc]  # a narrower manager than the mixin's

    class Meta:
        ordering = ["recorded_at", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["encounter", "sequence"], name="django_encounters_transition_sequence")
        ]
        indexes = [models.Index(fields=["on_behalf_of_type", "on_behalf_of_id"], name="django_enc_principal_idx")]
        guarantees = [
            AppendOnly(
                message="django_encounters_encountertransition is append-only: transitions are never updated or deleted"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_state} -> {self.to_state}"

    @property
    def at(self) -> dt.datetime:
        """Business time of the move (``effective_at``)."""
        return self.effective_at

    @property
    def is_delegated(self) -> bool:
        return self.on_behalf_of_type_id is not None

    @property
    def warning_issues(self) -> tuple[Issue, ...]:
        """The stored warnings as ``Issue`` objects."""
        return tuple(Issue.from_json(item) for item in self.warnings)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert the transition; saving an existing one raises ``TransitionImmutableError``."""
        if not self._state.adding:
            raise TransitionImmutableError("Encounter transitions are append-only; make a new transition instead.")
        super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TransitionImmutableError("Encounter transitions are append-only; they are never deleted.")

    delete.alters_data = True  # type: ignore[attr-defined]
