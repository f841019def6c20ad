"""Many organizations in one database: the organization a row belongs to, as one text key.

The convention every package follows (``docs/architecture.md``, "Many organizations"):

- A model whose natural key (an account code, a SKU, a role slug) must be unique per organization
  inherits ``django_basemodels.models.OrgOwned``: an ``org_key`` column, ``""`` for "no organization", and every unique
  natural key starts with it (``unique_per_org``). With no organization in use every row has
  ``""`` and the key is unique exactly as before.
- An organization is any saved model instance (a ``parties.Organization``, a household, a
  django-tenants client) or a caller's own string key. ``org_key(org)`` turns it into the stored
  text ``"<app_label>.<model>:<canonical pk>"``; no package imports an organization model.
- Selectors and services that read or resolve natural keys take ``org=`` and filter with
  ``for_org(org)``; facts (entries, movements) belong to the organization of the row they hang off.
- ``check_natural_keys`` (a system check) flags a natural key that is still unique per database.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models

from django_basemodels.fields import CaseSensitiveCharField, canonical_object_id

if TYPE_CHECKING:
    from typing_extensions import Self

OrgLike = models.Model | str | None
ORG_KEY_MAX_LENGTH = 255
NO_ORG = ""


class _AnyOrg:
    """The type of ``ANY_ORG``."""

    def __repr__(self) -> str:
        return "ANY_ORG"


ANY_ORG = _AnyOrg()
"""The default of a selector's ``org=``: no filter, the rows of every organization (as before tenancy).
``org=None`` means the rows of no organization."""


class InvalidOrgError(ValueError):
    """An ``org`` that names no organization: an unsaved instance, an empty string, another type or a
    key longer than ``ORG_KEY_MAX_LENGTH`` characters."""


def org_key(org: OrgLike) -> str:
    """The text a row stores for ``org``.

    ``None`` is ``""`` (no organization). A string is used as given: a caller's own key, or a key
    this function returned. A saved model instance becomes ``"<app_label>.<model>:<canonical pk>"``
    (a proxy model's concrete model), so passing that string means the same organization.
    Raises ``InvalidOrgError`` for an empty string, an unsaved instance, another type, or a key over
    255 characters.
    """
    if org is None:
        return NO_ORG
    if isinstance(org, str):
        if not org:
            raise InvalidOrgError("The org key is an empty string; pass org=None for no organization.")
        key = org
    elif isinstance(org, models.Model):
        if org.pk is None:
            raise InvalidOrgError(f"The organization {org!r} is not saved yet: it has no primary key to refer to.")
        model = org._meta.concrete_model or type(org)
        key = f"{model._meta.label_lower}:{canonical_object_id(org.pk)}"
    else:
        raise InvalidOrgError(
            f"An organization is a saved model instance, a string key or None, not {type(org).__name__}."
        )
    if len(key) > ORG_KEY_MAX_LENGTH:
        raise InvalidOrgError(f"The org key {key[:40]!r}... is longer than {ORG_KEY_MAX_LENGTH} characters.")
    return key


def resolve_org(key: str) -> models.Model | str | None:
    """The organization an ``org_key`` names: ``None`` for ``""``, the model instance for a key of the
    form ``"<app_label>.<model>:<pk>"`` whose model is installed and row exists, else the key itself
    (a caller's own string key, or a row since deleted)."""
    if key == NO_ORG:
        return None
    label, separator, pk = key.rpartition(":")
    if not separator:
        return key
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return key
    found = model._default_manager.filter(pk=pk).first()
    return key if found is None else found


class OrgKeyField(CaseSensitiveCharField):
    """The ``org_key`` column: text compared byte by byte, ``""`` for no organization, at most 255 characters."""

    description = "Key of the organization a row belongs to"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", ORG_KEY_MAX_LENGTH)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", NO_ORG)
        kwargs.setdefault("help_text", '"" for no organization, else "<app_label>.<model>:<pk>" or a caller\'s key.')
        super().__init__(*args, **kwargs)


class OrgQuerySetMixin:
    """``for_org(org)`` for the queryset of an ``OrgOwned`` model (or of one that reaches it through ``org_lookup``)."""

    org_lookup = "org_key"

    def for_org(self, org: OrgLike | _AnyOrg) -> Self:
        """The rows of ``org`` (``None``: the rows of no organization; ``ANY_ORG``: every row, unfiltered).
        ``InvalidOrgError`` as ``org_key``."""
        if isinstance(org, _AnyOrg):
            return self
        return self.filter(**{self.org_lookup: org_key(org)})  # type: ignore[attr-defined]


def unique_per_org(*fields: str, name: str, **options: Any) -> models.UniqueConstraint:
    """A ``UniqueConstraint`` over ``("org_key", *fields)``: the natural key ``fields``, unique per organization.

    Rows of no organization share the key ``""``, so without organizations the key is unique
    database-wide, as a ``unique=True`` on ``fields`` would make it.
    """
    if not fields:
        raise ValueError("unique_per_org needs the fields of the natural key.")
    return models.UniqueConstraint(fields=["org_key", *fields], name=name, **options)


_TEXT_FIELDS = (models.CharField, models.TextField)


def _unique_field_sets(model: type[models.Model]) -> Iterable[tuple[str, ...]]:
    meta = model._meta
    for field in meta.local_fields:
        if field.unique and not field.primary_key:
            yield (field.name,)
    for together in meta.unique_together:
        yield tuple(together)
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            yield tuple(constraint.fields)


def per_database_natural_keys(model: type[models.Model]) -> list[tuple[str, ...]]:
    """The unique field sets of ``model`` that are natural keys unique per database.

    A unique set is such a key when it holds a text field, no ``org_key`` and no relation (a key
    under a foreign key is unique per parent row, which belongs to one organization), and the model
    does not declare it in ``unique_per_database`` (a mapping of field-name tuples, or names, to the
    reason the key is meant to be global, such as a module key defined by code).
    """
    declared = {(name,) if isinstance(name, str) else tuple(name) for name in getattr(model, "unique_per_database", {})}
    found = []
    for names in _unique_field_sets(model):
        if "org_key" in names or names in declared:
            continue
        fields = [model._meta.get_field(name) for name in names]
        if any(field.is_relation for field in fields):
            continue
        if any(isinstance(field, _TEXT_FIELDS) for field in fields):
            found.append(names)
    return found
