"""The parts of a counter's key: the scope, and the org as one text key (no party model is imported)."""

from __future__ import annotations

from django.db import models

from django_basemodels.fields import canonical_object_id
from django_sequence.exceptions import InvalidOrgError, InvalidScopeError

OrgLike = models.Model | str | None
MAX_SCOPE_LENGTH = 100
MAX_ORG_KEY_LENGTH = 255


def validate_scope(scope: object) -> str:
    """Return ``scope`` if it is a non-empty string of at most 100 characters, else raise ``InvalidScopeError``."""
    if not isinstance(scope, str) or not scope or len(scope) > MAX_SCOPE_LENGTH:
        raise InvalidScopeError(
            f"A scope is a non-empty string of at most {MAX_SCOPE_LENGTH} characters, not {scope!r}."
        )
    return scope


def canonical_org_key(org: OrgLike) -> str:
    """Return the key a counter stores for ``org``.

    ``None`` is ``""`` (no org). A string is used as given. A saved model instance becomes
    ``"<app_label>.<model>:<canonical pk>"`` (its content type's natural key and the pk in canonical
    form, for a proxy model its concrete model's), so passing that string means the same org.
    Raises ``InvalidOrgError`` for an empty string, an unsaved instance, another type, or a key over 255
    characters.
    """
    if org is None:
        return ""
    if isinstance(org, str):
        if not org:
            raise InvalidOrgError("The org key is an empty string; pass org=None for a sequence without an org.")
        key = org
    elif isinstance(org, models.Model):
        if org.pk is None:
            raise InvalidOrgError(f"The org {org!r} is not saved yet: it has no primary key to count under.")
        model = org._meta.concrete_model or type(org)  # set on every model class once Django built it
        key = f"{model._meta.label_lower}:{canonical_object_id(org.pk)}"
    else:
        raise InvalidOrgError(f"The org must be a model instance, a string key or None, not {type(org).__name__}.")
    if len(key) > MAX_ORG_KEY_LENGTH:
        raise InvalidOrgError(f"The org key {key[:40]!r}... is longer than {MAX_ORG_KEY_LENGTH} characters.")
    return key
