"""The parts of a counter's key: the scope, and the org as one text key (no party model is imported)."""

from __future__ import annotations

from django_basemodels.tenancy import ORG_KEY_MAX_LENGTH, OrgLike
from django_basemodels.tenancy import InvalidOrgError as BaseInvalidOrgError
from django_basemodels.tenancy import org_key as basemodels_org_key
from django_sequence.exceptions import InvalidOrgError, InvalidScopeError

__all__ = ["MAX_ORG_KEY_LENGTH", "MAX_SCOPE_LENGTH", "OrgLike", "canonical_org_key", "validate_scope"]

MAX_SCOPE_LENGTH = 100
MAX_ORG_KEY_LENGTH = ORG_KEY_MAX_LENGTH


def validate_scope(scope: object) -> str:
    """Return ``scope`` if it is a non-empty string of at most 100 characters, else raise ``InvalidScopeError``."""
    if not isinstance(scope, str) or not scope or len(scope) > MAX_SCOPE_LENGTH:
        raise InvalidScopeError(
            f"A scope is a non-empty string of at most {MAX_SCOPE_LENGTH} characters, not {scope!r}."
        )
    return scope


def canonical_org_key(org: OrgLike) -> str:
    """Return the key a counter (and a definition) stores for ``org``: ``django_basemodels.org_key(org)``.

    ``None`` is ``""`` (no org). A string is used as given. A saved model instance becomes
    ``"<app_label>.<model>:<canonical pk>"`` (its content type's natural key and the pk in canonical
    form, for a proxy model its concrete model's), so passing that string means the same org.
    Raises this package's ``InvalidOrgError`` (also a ``django_basemodels.InvalidOrgError``) for an
    empty string, an unsaved instance, another type, or a key over 255 characters.
    """
    try:
        return basemodels_org_key(org)
    except BaseInvalidOrgError as exc:
        raise InvalidOrgError(str(exc)) from None
