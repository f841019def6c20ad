"""Read paths by object: the notes and tags of an object, and any queryset narrowed to tagged rows."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.db import models

from django_basemodels.tenancy import ANY_ORG, OrgLike, _AnyOrg, org_key
from django_notes import conf
from django_notes.exceptions import InvalidTagError, InvalidVisibilityError
from django_notes.models import Note, ObjectTag, Tag, require_tag_of_org, tag_slug
from django_notes.querysets import NoteQuerySet, TagQuerySet, concrete_options

M = TypeVar("M", bound=models.Model)


def notes_for(
    obj: models.Model,
    *,
    visibility: str | None = None,
    as_of: dt.datetime | None = None,
    known_at: dt.datetime | None = None,
) -> NoteQuerySet:
    """The notes on ``obj``, newest ``effective_at`` first, in one query; only those of ``visibility`` when
    given, only those effective at or before ``as_of`` and recorded at or before ``known_at`` when given
    (``Note.objects.as_of()``, ``known_at()``). A note's content is its current one.

    Raises ``InvalidTargetError`` for an unsaved object, ``InvalidVisibilityError`` for a
    visibility other than ``"internal"`` or ``"external"``, ``InvalidDatetimeError`` for a naive
    ``as_of`` or ``known_at`` (its message says what to pass).
    """
    notes = Note.objects.for_target(obj)
    if visibility is not None:
        if visibility not in conf.VISIBILITIES:
            raise InvalidVisibilityError(f"Visibility is 'internal' or 'external', not {visibility!r}.")
        notes = notes.filter(visibility=visibility)
    if as_of is not None:
        notes = notes.as_of(as_of)
    if known_at is not None:
        notes = notes.known_at(known_at)
    return notes


def tags_for(obj: models.Model, *, org: OrgLike | _AnyOrg = ANY_ORG) -> TagQuerySet:
    """The tags on ``obj``, by name, in one query: those of ``org`` when given (``None``: the tags of no
    organization), of every organization by default (``ANY_ORG``).

    Raises ``InvalidTargetError`` for an unsaved object, ``django_basemodels.InvalidOrgError`` for an
    ``org`` that names none.
    """
    return Tag.objects.for_target(obj).for_org(org)


def tagged(queryset: models.QuerySet[M], *tags: str | Tag, org: OrgLike = None) -> models.QuerySet[M]:
    """``queryset`` narrowed to the rows carrying at least one of ``tags``, in one query.

    Needs nothing on the model: it adds ``WHERE EXISTS (SELECT ... FROM django_notes_objecttag
    ...)``, comparing the stored object id with the row's key as canonical text (on PostgreSQL a
    uuid key as its text without dashes, an integer key as decimal text), so it holds for UUID
    and integer keys on SQLite and PostgreSQL. Tags are ``Tag`` rows or names matched by slug among the
    tags of ``org`` ("Urgent" and "urgent" are the same tag; ``org=None``, the default: the tags of no
    organization), so another organization's tag of the same name never matches. Chain calls to require
    several tags.

    Raises ``InvalidTagError`` without tags or for a name without a slug, ``CrossOrgTagError`` for a
    ``Tag`` of another organization than ``org``, ``django_basemodels.InvalidOrgError`` for an ``org``
    that names none.
    """
    if not tags:
        raise InvalidTagError("Name at least one tag.")
    key = org_key(org)
    slugs = []
    for tag in tags:
        if not isinstance(tag, Tag):
            slugs.append(tag_slug(tag))
            continue
        require_tag_of_org(tag, key)
        slugs.append(tag.slug)
    opts = concrete_options(queryset.model)
    links = ObjectTag.objects.filter(
        target_type__app_label=opts.app_label,
        target_type__model=opts.model_name,
        target_id=models.OuterRef("pk"),
        tag__org_key=key,
        tag__slug__in=slugs,
    )
    return queryset.filter(models.Exists(links))


__all__ = ["notes_for", "tagged", "tags_for"]
