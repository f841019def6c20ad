"""Read paths: agreements by party, scope and validity; versions by time, author and principal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q

from django_agreements.exceptions import VersionImmutableError
from django_decisioning import EffectiveDatedQuerySet, EventAsOfQuerySet
from django_decisioning.querysets import require_aware

# Kept here (not on the model) so the queryset needs no import of models.py.
TERMINATION = "termination"


def _party_q(name: str, party: models.Model) -> Q:
    from django_basemodels.generic import generic_key_filter  # lazy: this module loads before the app registry

    return Q(**generic_key_filter(name, party))


class AgreementQuerySet(EffectiveDatedQuerySet):
    """Agreements. ``as_of(t)``/``current()`` select by validity period (``valid_from <= t < valid_to``).

    The validity period is the agreement's current state: a termination recorded later moves
    ``valid_to``. To ask what the terms were, as known at some time, use ``terms_as_of``, which
    reads the append-only versions only.
    """

    def known_at(self, when: dt.datetime) -> AgreementQuerySet:
        """Agreements the system had recorded at or before ``when``."""
        return self.filter(recorded_at__lte=require_aware(when, "known_at"))

    def for_party(self, party: models.Model) -> AgreementQuerySet:
        """Agreements in which ``party`` (any saved model instance) is party A or party B."""
        return self.filter(_party_q("party_a", party) | _party_q("party_b", party))

    def between(self, party: models.Model, other: models.Model) -> AgreementQuerySet:
        """Agreements between ``party`` and ``other``, whichever side each one is on."""
        return self.filter(
            (_party_q("party_a", party) & _party_q("party_b", other))
            | (_party_q("party_a", other) & _party_q("party_b", party))
        )

    def of_scope(self, scope_type: str, scope_object: models.Model | None = None) -> AgreementQuerySet:
        """Agreements of ``scope_type``; with ``scope_object``, only those about that object."""
        queryset = self.filter(scope_type=scope_type)
        if scope_object is not None:
            queryset = queryset.filter(_party_q("scope_object", scope_object))
        return queryset

    def terminated(self) -> AgreementQuerySet:
        """Agreements with a recorded termination (whether it has taken effect yet or not)."""
        return self.filter(versions__kind=TERMINATION)

    def not_terminated(self) -> AgreementQuerySet:
        """Agreements without a recorded termination."""
        return self.exclude(versions__kind=TERMINATION)


class AgreementVersionQuerySet(EventAsOfQuerySet):
    """Versions (append-only facts): ``as_of(when, known_at=...)``/``known_at`` from decisioning, plus filters.

    ``update()`` and ``delete()`` raise ``VersionImmutableError``.
    """

    def amendments(self) -> AgreementVersionQuerySet:
        return self.filter(kind="amendment")

    def terminations(self) -> AgreementVersionQuerySet:
        return self.filter(kind=TERMINATION)

    def by_author(self, user: Any) -> AgreementVersionQuerySet:
        """Versions written by ``user`` (for themself or on behalf of someone)."""
        return self.filter(author=user)

    def on_behalf_of(self, principal: models.Model) -> AgreementVersionQuerySet:
        """Versions written on behalf of ``principal`` (any saved model instance)."""
        return self.filter(_party_q("on_behalf_of", principal))

    def delegated(self) -> AgreementVersionQuerySet:
        """Versions written on behalf of someone (the services refuse a user acting "for" themself)."""
        return self.filter(on_behalf_of_type__isnull=False)

    def update(self, **kwargs: Any) -> int:
        raise VersionImmutableError("Agreement versions are append-only; amend the agreement to make a new version.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise VersionImmutableError("Agreement versions are append-only; they are never deleted.")

    delete.queryset_only = True  # type: ignore[attr-defined]
