"""What a scope's numbers look like for an org (its definition, or the defaults), cached per process.

An org's own definition of a scope comes first; an org without one uses the definition without an
org (org key ``""``), else the defaults. Reading the definition on every call would double the round
trips of ``next_value``; a process keeps each (scope, org)'s rule for ``SEQUENCE_DEFINITION_CACHE_TIMEOUT``
seconds instead. Saving or deleting a definition clears this process's cache at once; other processes
see the change within the timeout.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django_sequence import conf
from django_sequence.choices import GapPolicy, Period
from django_sequence.exceptions import SequenceNotDefinedError
from django_sequence.formats import (
    DATE_PLACEHOLDERS,
    effective_period,
    period_key,
    render,
    template_placeholders,
    validate_padding,
)

if TYPE_CHECKING:
    from django_sequence.models import SequenceDefinition


@dataclass(frozen=True)
class Rule:
    """The resolved definition of one scope: everything ``next_sequence`` needs, without a query."""

    scope: str
    template: str
    prefix: str
    padding: int
    period: str
    gap_policy: str
    start_value: int
    uses_date: bool

    @classmethod
    def build(
        cls,
        *,
        scope: str,
        template: str,
        prefix: str,
        padding: int,
        period: str,
        gap_policy: str,
        start_value: int,
    ) -> Rule:
        """Validate the parts (raising ``InvalidTemplateError``/``InvalidDefinitionError``) and return the rule."""
        names = template_placeholders(template)
        resolved = effective_period(template, period)
        return cls(
            scope=scope,
            template=template,
            prefix=prefix,
            padding=validate_padding(padding),
            period=resolved.value,
            gap_policy=GapPolicy(gap_policy).value,
            start_value=start_value,
            uses_date=resolved != Period.NONE or any(name in names for name in DATE_PLACEHOLDERS),
        )

    def period_key(self, moment: datetime.date | None) -> str:
        """The counter's period key for ``moment``."""
        return period_key(self.period, moment)

    def render(self, value: int, moment: datetime.date | None) -> str:
        """The formatted number for ``value`` taken at ``moment``."""
        return render(self.template, prefix=self.prefix, padding=self.padding, value=value, moment=moment)


# (database alias, scope, org key) -> (expiry, rule); an org that falls back has an entry of its own.
_cache: dict[tuple[str, str, str], tuple[float, Rule]] = {}


def clear_definition_cache() -> None:
    """Forget every cached definition in this process (tests that change definitions call it)."""
    _cache.clear()


def rule_for(scope: str, using: str, org_key: str = "") -> Rule:
    """Return the rule of ``scope`` for the org ``org_key`` on database ``using``, from the cache when fresh.

    The org's own definition of the scope, else the one without an org, else the defaults. Raises
    ``SequenceNotDefinedError`` when neither definition exists and ``SEQUENCE_REQUIRE_DEFINITION`` is
    on, and ``InvalidTemplateError`` when the default template setting is broken.
    """
    key = (using, scope, org_key)
    now = time.monotonic()
    cached = _cache.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    rule = _load(scope, using, org_key)
    timeout = conf.definition_cache_timeout()
    if timeout > 0:
        _cache[key] = (now + timeout, rule)
    return rule


def definition_in_force(scope: str, using: str, org_key: str) -> SequenceDefinition | None:
    """The definition that applies to ``scope`` for the org ``org_key``: its own, else the one without
    an org, else ``None``. One query (of at most two rows), never cached."""
    from django_sequence.models import SequenceDefinition

    keys = {org_key, ""}
    found = {d.org_key: d for d in SequenceDefinition.objects.using(using).filter(scope=scope, org_key__in=keys)}
    return found.get(org_key) or found.get("")


def default_rule(scope: str) -> Rule:
    """The rule of a scope without a definition: prefix ``"<SCOPE>-"``, the default template and padding."""
    return Rule.build(
        scope=scope,
        template=conf.default_template(),
        prefix=f"{scope.upper()}-",
        padding=conf.default_padding(),
        period=Period.AUTO,
        gap_policy=GapPolicy.GAPLESS,
        start_value=1,
    )


def _load(scope: str, using: str, org_key: str) -> Rule:
    definition = definition_in_force(scope, using, org_key)
    if definition is not None:
        return definition.rule()
    if conf.require_definition():
        raise SequenceNotDefinedError(scope)
    return default_rule(scope)


def clear_on_setting_change(*, setting: str, **kwargs: object) -> None:
    """``setting_changed`` receiver: defaults and the timeout shape the cached rules."""
    if setting.startswith("SEQUENCE_"):
        clear_definition_cache()
