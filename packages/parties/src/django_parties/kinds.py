"""The three kinds of party and how to tell which kind an object is."""

from __future__ import annotations

from typing import Any

from django_basemodels.arguments import is_saved
from django_parties.exceptions import NotAPartyError

#: Each kind names one nullable foreign key on ``PartyRelationship`` (``from_<kind>``, ``to_<kind>``)
#: and on ``ContactPoint`` (``<kind>``).
PARTY_KINDS: tuple[str, ...] = ("person", "organization", "group")


def party_kind(party: Any) -> str:
    """Return ``"person"``, ``"organization"`` or ``"group"`` for a saved party.

    Raises ``NotAPartyError`` for any other object, or for a party without a primary key.
    """
    kind = getattr(type(party), "party_kind", None)
    if kind not in PARTY_KINDS:
        raise NotAPartyError(f"{party!r} is not a Person, Organization or Group.")
    if not is_saved(party):
        raise NotAPartyError(f"{party!r} is not saved yet; save it before relating it.")
    return kind
