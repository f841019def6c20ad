"""``IdempotencyKey`` (one row per idempotent call) and ``Decision`` (an append-only record of who decided what)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from django_basemodels.fields import CaseSensitiveCharField, ObjectIdField, canonical_object_id
from django_basemodels.generic import GenericForeignKey
from django_basemodels.guarantees import AppendOnly
from django_basemodels.models import TimeStampedModel, UUIDModel
from django_decisioning.canonical import to_json_value
from django_decisioning.exceptions import DecisionImmutableError
from django_decisioning.mixins import TimeSemanticsMixin
from django_decisioning.querysets import DecisionQuerySet


class IdempotencyKeyQuerySet(models.QuerySet):
    def expired(self, now: Any = None) -> IdempotencyKeyQuerySet:
        """Keys whose ``expires_at`` is at or before ``now`` (default: the current time)."""
        return self.filter(expires_at__lte=now or timezone.now())


class IdempotencyKey(UUIDModel, TimeStampedModel):
    """The record of one idempotent call, unique per ``(scope, key)``.

    Written by ``run_idempotent`` / ``@idempotent`` only. ``processing`` rows are normally seen
    by their own transaction only: the key row and the call's effects commit together.
    """

    class State(models.TextChoices):
        PENDING = "pending", "pending"
        PROCESSING = "processing", "processing"
        SUCCEEDED = "succeeded", "succeeded"
        FAILED = "failed", "failed"

    class ResultKind(models.TextChoices):
        NONE = "", "none yet"
        JSON = "json", "JSON snapshot"
        INSTANCE = "instance", "model instance"
        INSTANCE_LIST = "instance_list", "list of model instances"
        INSTANCE_TUPLE = "instance_tuple", "tuple of model instances"

    # Compared byte by byte on every database: "Order-1" and "order-1" are two keys.
    scope = CaseSensitiveCharField(max_length=100)
    key = CaseSensitiveCharField(max_length=255)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING, db_index=True)
    request_fingerprint = models.CharField(max_length=64, blank=True, help_text="sha256 hex of the canonical payload")
    result_kind = models.CharField(max_length=20, choices=ResultKind.choices, blank=True, default=ResultKind.NONE)
    result_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    result_id = ObjectIdField(blank=True, default="")
    result = GenericForeignKey("result_type", "result_id")
    result_snapshot = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    completed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = IdempotencyKeyQuerySet.as_manager()

    # Read by the natural-key check (django_basemodels.W020): not a natural key of an organization.
    unique_per_database = {("scope", "key"): "a request key clients generate (a random token), per service scope"}

    class Meta:
        verbose_name = "idempotency key"
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="django_decisioning_idempotency_scope_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} ({self.state})"

    def is_expired(self, now: Any = None) -> bool:
        """Whether ``expires_at`` has passed; an expired key is treated as absent."""
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())


class Decision(UUIDModel, TimeSemanticsMixin):
    """Who (``actor``) decided what (``action``, ``outcome``) about what (``target``), for whom.

    ``on_behalf_of`` is the principal when the actor acts for someone else (a Party, an
    organisation, another user). ``evidence`` is a JSON snapshot of what the decision was based
    on. Decisions are append-only: ``save()`` of an existing row, ``delete()``, queryset
    ``update()``/``delete()`` raise ``DecisionImmutableError``, and the database itself refuses raw SQL
    UPDATE and DELETE (and ``REPLACE``, or an upsert of an existing decision) on SQLite, PostgreSQL
    and MariaDB/MySQL (``Meta.guarantees``).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        help_text="The user who decided; empty for a decision taken by the system.",
    )
    actor_repr = models.CharField(max_length=255, blank=True, help_text="The actor as shown when deciding.")
    on_behalf_of_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    on_behalf_of_id = ObjectIdField(blank=True, default="")
    on_behalf_of = GenericForeignKey("on_behalf_of_type", "on_behalf_of_id")
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    target_id = ObjectIdField(blank=True, default="")
    target = GenericForeignKey("target_type", "target_id")
    action = CaseSensitiveCharField(max_length=100, db_index=True)
    outcome = models.CharField(max_length=100)
    evidence = models.JSONField(default=dict, blank=True)

    objects = DecisionQuerySet.as_manager()  # type: ignore[misc]  # a narrower manager than the mixin's

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="django_dec_target_idx"),
            models.Index(fields=["on_behalf_of_type", "on_behalf_of_id"], name="django_dec_principal_idx"),
        ]
        guarantees = [
            AppendOnly(message="django_decisioning_decision is append-only: decisions are never updated or deleted")
        ]

    def __str__(self) -> str:
        return f"{self.action} -> {self.outcome} by {self.actor_repr or 'system'}"

    @property
    def is_delegated(self) -> bool:
        """Whether the decision was taken on behalf of someone other than the actor."""
        if self.on_behalf_of_type_id is None:
            return False
        if self.actor_id is None:
            return True
        user_type = ContentType.objects.get_for_model(get_user_model())
        return not (
            self.on_behalf_of_type_id == user_type.pk and self.on_behalf_of_id == canonical_object_id(self.actor_id)
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert the decision; saving an existing one raises ``DecisionImmutableError``.

        ``evidence`` is stored in canonical form (see ``django_decisioning.canonical``); a float
        or another value without an exact JSON form raises ``UnsupportedValueError``.
        """
        if not self._state.adding:
            raise DecisionImmutableError("Decisions are append-only; record a new decision instead of editing one.")
        self.evidence = to_json_value(self.evidence, path="evidence")
        super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise DecisionImmutableError("Decisions are append-only; record a new decision instead of deleting one.")

    delete.alters_data = True  # type: ignore[attr-defined]
