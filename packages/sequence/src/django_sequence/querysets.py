"""Read paths over counters."""

from __future__ import annotations

from django.db import models

from django_sequence.keys import OrgLike, canonical_org_key


class SequenceCounterQuerySet(models.QuerySet):
    def for_scope(self, scope: str) -> SequenceCounterQuerySet:
        """Counters of one scope, every org and period."""
        return self.filter(scope=scope)

    def for_org(self, org: OrgLike) -> SequenceCounterQuerySet:
        """Counters of one org (``None``: the counters without an org)."""
        return self.filter(org_key=canonical_org_key(org))
