"""Reading a counter without taking a number; the definition that applies to an org."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import router

from django_sequence.definitions import definition_in_force, rule_for
from django_sequence.keys import OrgLike, canonical_org_key, validate_scope

if TYPE_CHECKING:
    from django_sequence.models import SequenceDefinition


def last_value(
    scope: str, org: OrgLike = None, *, at: datetime.date | None = None, using: str | None = None
) -> int | None:
    """Return the last value taken for ``scope`` and ``org`` in the period holding ``at`` (default: now).

    ``None`` when no value was taken yet in that period. Values taken by transactions that are still
    open are not visible. Raises the same errors as ``next_value`` for a bad scope, org or ``at``.
    """
    from django_sequence.models import SequenceCounter
    from django_sequence.services import moment_of

    validate_scope(scope)
    org_key = canonical_org_key(org)
    moment = moment_of(at) if at is not None else None
    alias = using or router.db_for_read(SequenceCounter)
    rule = rule_for(scope, alias, org_key)
    if rule.uses_date and moment is None:
        moment = moment_of(None)
    counter = SequenceCounter.objects.using(alias).filter(
        scope=scope, org_key=org_key, period_key=rule.period_key(moment if rule.uses_date else None)
    )
    return counter.values_list("last_value", flat=True).first()


def definition_for(scope: str, *, org: OrgLike = None, using: str | None = None) -> SequenceDefinition | None:
    """Return the definition ``next_sequence(scope, org=org)`` follows: ``org``'s own, else the one without
    an org; ``None`` when the scope has neither (its numbers follow the defaults).

    ``org=None`` looks up the definition without an org only. Read from the database (not the cache).
    Raises ``InvalidScopeError`` and ``InvalidOrgError``.
    """
    from django_sequence.models import SequenceDefinition

    validate_scope(scope)
    org_key = canonical_org_key(org)
    return definition_in_force(scope, using or router.db_for_read(SequenceDefinition), org_key)
