"""Sequence definitions (how a scope's numbers look, editable in the admin) and counters (the last values).

Every row belongs to an org or to none (``org_key``, ``""`` for none; ``django_basemodels.models.OrgOwned``).
A definition is unique per (org, scope): an org's own definition overrides the one without an org for
that org, and orgs without their own use the one without an org.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.utils import timezone

from django_basemodels.arguments import IDEMPOTENCY_KEY_MAX_LENGTH
from django_basemodels.fields import CaseSensitiveCharField
from django_basemodels.models import OrgOwned
from django_basemodels.tenancy import unique_per_org
from django_sequence import conf
from django_sequence.choices import GapPolicy, Period
from django_sequence.definitions import Rule, clear_definition_cache
from django_sequence.exceptions import InvalidDefinitionError, InvalidTemplateError
from django_sequence.formats import MAX_PADDING, effective_period, template_placeholders, validate_padding
from django_sequence.keys import MAX_SCOPE_LENGTH, validate_scope
from django_sequence.querysets import SequenceCounterQuerySet, SequenceDefinitionManager, SequenceIssueQuerySet


class SequenceDefinition(OrgOwned):
    """How the numbers of one scope look and behave, for one org or (``org_key`` ``""``) for every org.

    Unique per (org, scope). An org's numbers follow its own definition of the scope, else the one
    without an org, else the documented defaults.
    """

    scope = CaseSensitiveCharField(max_length=MAX_SCOPE_LENGTH, help_text='e.g. "invoice"')
    prefix = models.CharField(max_length=50, blank=True, help_text='Shown by {prefix}, e.g. "INV-".')
    padding = models.PositiveSmallIntegerField(
        default=4,
        validators=[MaxValueValidator(MAX_PADDING)],
        help_text=f"Digits of {{value}} in the default template (0 to {MAX_PADDING}).",
    )
    template = models.CharField(
        max_length=200,
        default=conf.DEFAULT_TEMPLATE,
        help_text="Placeholders: {prefix}, {value}, {padding}, {year}, {month}, {day}; "
        'e.g. "{prefix}{year}-{value:04d}" gives INV-2026-0001 and restarts at the start value each year.',
    )
    period = models.CharField(
        max_length=5,
        choices=Period.choices,
        default=Period.AUTO,
        help_text="When the counter restarts. 'From the template' takes its finest date placeholder.",
    )
    gap_policy = models.CharField(
        max_length=10,
        choices=GapPolicy.choices,
        default=GapPolicy.GAPLESS,
        help_text="Gapless: a rolled back transaction gives its number back, concurrent callers wait for it. "
        "Allow gaps: callers never wait, a rolled back number is lost.",
    )
    start_value = models.PositiveBigIntegerField(
        default=1, help_text="First value of every new counter (per org and period). Existing counters keep going."
    )
    updated_at = models.DateTimeField(auto_now=True)

    # Declared: the django-stubs plugin cannot resolve this model's manager by itself (django-manager-missing).
    objects: ClassVar[SequenceDefinitionManager] = SequenceDefinitionManager()

    class Meta:
        ordering = ["scope", "org_key"]
        constraints = [
            unique_per_org("scope", name="django_sequence_sequencedefinition_scope_per_org"),
            models.CheckConstraint(condition=models.Q(padding__lte=MAX_PADDING), name="django_sequence_padding_max"),
            models.CheckConstraint(condition=models.Q(period__in=Period.values), name="django_sequence_period_known"),
            models.CheckConstraint(
                condition=models.Q(gap_policy__in=GapPolicy.values), name="django_sequence_gap_policy_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} ({self.org_key})" if self.org_key else self.scope

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Validate the definition (``InvalidTemplateError``/``InvalidDefinitionError``) and save it."""
        self.rule()
        super().save(*args, **kwargs)
        self._forget_cached_rules(kwargs.get("using") or self._state.db)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        result = super().delete(*args, **kwargs)
        self._forget_cached_rules(kwargs.get("using") or self._state.db)
        return result

    def rule(self) -> Rule:
        """The validated rule of this definition; raises ``InvalidTemplateError`` or ``InvalidDefinitionError``."""
        validate_scope(self.scope)
        validate_padding(self.padding)
        if self.start_value is None or self.start_value < 0:
            raise InvalidDefinitionError(f"The start value must be 0 or more, not {self.start_value!r}.")
        if self.gap_policy not in GapPolicy.values:
            raise InvalidDefinitionError(f"Unknown gap policy {self.gap_policy!r}; choose one of {GapPolicy.values}.")
        return Rule.build(
            scope=self.scope,
            template=self.template,
            prefix=self.prefix,
            padding=self.padding,
            period=self.period,
            gap_policy=self.gap_policy,
            start_value=self.start_value,
        )

    def clean(self) -> None:
        try:
            template_placeholders(self.template)
        except InvalidTemplateError as exc:
            raise ValidationError({"template": str(exc)}) from exc
        try:
            effective_period(self.template, self.period)
        except InvalidDefinitionError as exc:
            raise ValidationError({"period": str(exc)}) from exc

    @staticmethod
    def _forget_cached_rules(using: str | None) -> None:
        # All of them: the rules are cached per (scope, org), and every org without a definition of its
        # own cached the one without an org under its own key.
        clear_definition_cache()
        # again at commit: another thread may have cached the old definition before it was committed
        transaction.on_commit(clear_definition_cache, using=using)


class SequenceCounter(OrgOwned):
    """The last value handed out for one (scope, org, period). Written only by ``next_value``."""

    # Keys compare byte by byte on every database: "Invoice" and "invoice" are two scopes.
    scope = CaseSensitiveCharField(max_length=MAX_SCOPE_LENGTH)
    period_key = CaseSensitiveCharField(max_length=10, blank=True, default="", help_text='"", "2026", "2026-11"...')
    last_value = models.BigIntegerField()

    objects = SequenceCounterQuerySet.as_manager()

    class Meta:
        ordering = ["scope", "org_key", "period_key"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "org_key", "period_key"], name="django_sequence_counter_key"),
        ]

    def __str__(self) -> str:
        parts = [self.scope, self.org_key, self.period_key]
        return " / ".join(part for part in parts if part) + f": {self.last_value}"


class SequenceIssue(OrgOwned):
    """A value taken with an ``idempotency_key``: a repeat with the key returns it instead of taking another.

    Written only by ``next_value``/``next_sequence``, in the transaction that takes the value. The
    unique constraint on (scope, org, key) is the guarantee: of two concurrent calls with one key,
    one writes its row and the other rolls its increment back and returns the first one's value.
    Rows are kept for good (no expiry): they are the durable record of which key took which value.
    """

    scope = CaseSensitiveCharField(max_length=MAX_SCOPE_LENGTH)
    idempotency_key = CaseSensitiveCharField(max_length=IDEMPOTENCY_KEY_MAX_LENGTH)
    value = models.BigIntegerField()
    period_key = CaseSensitiveCharField(max_length=10, blank=True, default="")
    period_date = models.DateField(
        null=True, blank=True, help_text="The date the number was formatted for (None: the scope uses no date)."
    )
    number = models.TextField(
        blank=True,
        default="",
        help_text="The number next_sequence handed out, as formatted then: a repeat returns it whatever the "
        "definition says now ('' for a record from before 0.2: a repeat formats the value again).",
    )
    issued_at = models.DateTimeField(default=timezone.now)

    objects = SequenceIssueQuerySet.as_manager()

    class Meta:
        ordering = ["scope", "org_key", "issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "org_key", "idempotency_key"], name="django_sequence_issue_key"),
        ]

    def __str__(self) -> str:
        parts = [self.scope, self.org_key, self.idempotency_key]
        return " / ".join(part for part in parts if part) + f": {self.value}"
