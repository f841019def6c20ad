"""Read paths over definitions, counters and issues: by scope, by org."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from django_basemodels.tenancy import ANY_ORG, OrgQuerySetMixin
from django_sequence.keys import canonical_org_key

_QuerySet = TypeVar("_QuerySet", bound=models.QuerySet[Any])


class _ScopeAndOrgQuerySet(OrgQuerySetMixin, models.QuerySet):
    def for_scope(self: _QuerySet, scope: str) -> _QuerySet:
        """The rows of one scope, every org (and period)."""
        return self.filter(scope=scope)

    def for_org(self: _QuerySet, org: object) -> _QuerySet:
        """The rows of one org (``None``: the rows without an org; ``ANY_ORG``: every row, unfiltered).

        ``org`` is a saved model instance, a string key or ``None``; raises ``InvalidOrgError`` as
        ``canonical_org_key`` for anything else.
        """
        if org is ANY_ORG:
            return self
        return self.filter(org_key=canonical_org_key(org))  # type: ignore[arg-type]  # refused there


class SequenceDefinitionQuerySet(_ScopeAndOrgQuerySet):
    """Definitions: ``for_scope``, ``for_org``."""


class SequenceDefinitionManager(models.Manager.from_queryset(SequenceDefinitionQuerySet)):  # type: ignore[misc]
    """The manager of ``SequenceDefinition``: ``for_scope``, ``for_org``."""


class SequenceCounterQuerySet(_ScopeAndOrgQuerySet):
    """Counters: ``for_scope``, ``for_org``."""


class SequenceIssueQuerySet(_ScopeAndOrgQuerySet):
    """Values taken with an idempotency key: ``for_scope``, ``for_org``."""
