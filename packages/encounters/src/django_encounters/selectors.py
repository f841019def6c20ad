"""Read paths: the definitions of an organization, one definition by key, an organization's encounters of a
subject, and the board of a definition (its encounters grouped by state, in constant queries)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from django_basemodels import ANY_ORG, OrgLike, org_key
from django_encounters.exceptions import CrossOrgDefinitionError, UnknownDefinitionError
from django_encounters.models import Encounter, EncounterDefinition

if TYPE_CHECKING:
    from django_basemodels.tenancy import _AnyOrg
    from django_encounters.querysets import EncounterDefinitionQuerySet, EncounterQuerySet


def definitions(*, org: OrgLike | _AnyOrg = ANY_ORG) -> EncounterDefinitionQuerySet:
    """The definitions of ``org``, by key: ``ANY_ORG`` (the default) every definition, as before organizations;
    ``None`` the definitions of no organization; an organization (a saved instance or a string key) its own.

    A queryset, evaluated lazily (one query). Raises ``django_basemodels.InvalidOrgError`` for an ``org``
    that names no organization (an unsaved instance, an empty string, another type).
    """
    return EncounterDefinition.objects.for_org(org).order_by("key", "org_key")


def get_definition(key: str, *, org: OrgLike = None) -> EncounterDefinition:
    """The definition of ``org`` with this ``key`` (``org=None``, the default: the definition of no organization).

    Never another organization's definition, even when ``org`` has none with this key (one query).
    Raises ``UnknownDefinitionError`` (its ``key`` and ``org_key``) when ``org`` has none, and
    ``django_basemodels.InvalidOrgError`` for an ``org`` that names no organization.
    """
    wanted = org_key(org)
    try:
        return EncounterDefinition.objects.get(org_key=wanted, key=key)
    except EncounterDefinition.DoesNotExist:
        raise UnknownDefinitionError(key, org_key=wanted) from None


def encounters_for(subject: models.Model, *, org: OrgLike | _AnyOrg = ANY_ORG) -> EncounterQuerySet:
    """The encounters of ``subject`` (any saved instance) under every definition of ``org``, oldest first.

    ``ANY_ORG`` (the default): under every definition; ``None``: under the definitions of no organization.
    An encounter belongs to its definition's organization. A queryset with the definition and creator
    joined (one query). Raises ``ValueError`` for an unsaved subject and ``django_basemodels.InvalidOrgError``
    for an ``org`` that names no organization.
    """
    return (
        Encounter.objects.for_subject(subject)
        .for_org(org)
        .select_related("definition", "created_by")
        .order_by("started_at", "id")
    )


def encounter_board(
    definition: str | EncounterDefinition, *, include_ended: bool = False, org: OrgLike = None
) -> dict[str, list[Encounter]]:
    """Encounters of ``definition`` (key or instance) by current state: ``{state: [encounter, ...]}``.

    A key names the definition of ``org`` (default ``None``: the definition of no organization). With
    an instance, ``org`` (when not ``None``) must be the instance's organization.
    Every state of the definition is a key, in the definition's order (empty lists included);
    open encounters only unless ``include_ended``. Each column is ordered by ``state_since``,
    oldest first. Subjects, definition and creator are loaded: the queries are one for the
    definition (when given by key), one for the encounters and one per subject model, whatever
    the number of encounters. Raises ``UnknownDefinitionError`` for a key ``org`` has no definition
    of, ``CrossOrgDefinitionError`` for an instance of another organization than ``org``, and
    ``django_basemodels.InvalidOrgError`` for an ``org`` that names no organization.
    """
    if isinstance(definition, str):
        definition = get_definition(definition, org=org)
    else:
        _require_definition_of_org(definition, org)
    encounters = Encounter.objects.for_definition(definition).with_subjects().order_by("state_since", "id")
    if not include_ended:
        encounters = encounters.open()
    columns: dict[str, list[Encounter]] = {state: [] for state in definition.states}
    for encounter in encounters:
        columns.setdefault(encounter.state, []).append(encounter)
    return columns


def _require_definition_of_org(definition: EncounterDefinition, org: OrgLike) -> None:
    """Raise ``CrossOrgDefinitionError`` when ``org`` is given (not ``None``) and is not ``definition``'s organization.

    ``org=None`` accepts a definition of any organization: the instance names its organization itself.
    """
    if org is not None and definition.org_key != org_key(org):
        raise _cross_org_error(definition, org_key(org))


def _cross_org_error(definition: EncounterDefinition, wanted: str) -> CrossOrgDefinitionError:
    def whose(key: str) -> str:
        return f"organization {key!r}" if key else "no organization"

    return CrossOrgDefinitionError(
        f"The encounter definition {definition.key!r} belongs to {whose(definition.org_key)}, not to {whose(wanted)}.",
        org_key=wanted,
        definition_org_key=definition.org_key,
    )
