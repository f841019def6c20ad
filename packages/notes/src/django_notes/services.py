"""Write paths: add and edit notes, tag and untag objects. Each runs in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from django_basemodels.arguments import is_saved, require_saved
from django_basemodels.tenancy import OrgLike, org_key
from django_basemodels.transactions import retry_on_deadlock
from django_notes import conf
from django_notes.exceptions import InvalidTagError, InvalidTargetError, InvalidVisibilityError
from django_notes.models import (
    Note,
    NoteRevision,
    ObjectTag,
    Tag,
    require_tag_of_org,
    tag_slug,
    validate_note_content,
)
from django_notes.querysets import target_filter
from django_notes.time_semantics import require_moment

TagLike = str | Tag


def add_note(
    *,
    target: models.Model,
    content: str,
    author: Any = None,
    visibility: str | None = None,
    effective_at: dt.datetime | None = None,
) -> Note:
    """Attach a new note to ``target`` and return it.

    ``author`` is a user or ``None`` (a note written by the system); ``visibility`` is
    ``"internal"`` or ``"external"``, ``NOTES_DEFAULT_VISIBILITY`` when omitted. ``effective_at`` is the
    business time the note is about: an aware datetime up to now (backdating), the time of recording when
    omitted. ``recorded_at`` is always the server's time.

    Raises ``InvalidTargetError`` for an unsaved target, ``EmptyNoteError`` for blank content,
    ``NoteTooLongError`` past ``NOTES_MAX_LENGTH``, ``InvalidVisibilityError`` for another visibility,
    ``InvalidDatetimeError`` for a naive or future ``effective_at``; all before anything is written.
    """
    require_saved(target, name="target", error=InvalidTargetError)
    if visibility is None:
        visibility = conf.default_visibility()
    if visibility not in conf.VISIBILITIES:
        raise InvalidVisibilityError(f"Visibility is 'internal' or 'external', not {visibility!r}.")
    validate_note_content(content)
    times = _effective_time(effective_at)
    with transaction.atomic():
        return Note.objects.create(target=target, content=content, author=author, visibility=visibility, **times)


def _effective_time(effective_at: dt.datetime | None) -> dict[str, dt.datetime]:
    """The ``effective_at`` to store, checked (aware, up to now); none when omitted (the time of recording)."""
    if effective_at is None:
        return {}
    return {"effective_at": require_moment(effective_at, name="effective_at", not_in_future=True)}


def edit_note(note: Note, *, content: str, by: Any, effective_at: dt.datetime | None = None) -> Note:
    """Replace the content of ``note``, keeping the previous text as a ``NoteRevision``; return ``note``.

    The note's row is locked while the revision is written, so two concurrent edits both keep
    the text they replaced. ``by`` is the editing user (or ``None``). Content equal to the
    current one changes nothing and writes no revision. ``note`` is updated in place.
    The revision's ``recorded_at`` (and ``edited_at``, and the note's ``edited_at``) is the server's time;
    its ``effective_at`` is the business time of the edit: an aware datetime up to now, that same time when
    omitted. The note's own ``effective_at`` does not change.

    Raises ``EmptyNoteError``, ``NoteTooLongError`` as ``add_note()``, ``InvalidDatetimeError`` for a naive
    or future ``effective_at`` (before anything is written), and ``Note.DoesNotExist`` when the note is not
    stored.
    """
    validate_note_content(content)
    times = _effective_time(effective_at)
    with transaction.atomic():
        locked = Note.objects.select_for_update().get(pk=note.pk)
        if locked.content != content:
            revision = NoteRevision.objects.create(note=locked, content=locked.content, edited_by=by, **times)
            locked.content = content
            locked.edited_at = revision.edited_at
            # Model.save, not Note.save: Note.save refuses content changes made outside this function.
            models.Model.save(locked, update_fields=["content", "edited_at"])
    note.content = locked.content
    note.edited_at = locked.edited_at
    return note


def _wanted_tags(tags: Iterable[TagLike], *, key: str) -> dict[str, TagLike]:
    """The tags asked for by slug. ``CrossOrgTagError`` for a ``Tag`` row whose ``org_key`` is not ``key``."""
    if isinstance(tags, (str, Tag)):
        raise InvalidTagError(f"Pass a list of tags: tags=[{tags!r}], not tags={tags!r}.")
    wanted: dict[str, TagLike] = {}
    for tag in tags:
        if isinstance(tag, Tag):
            if not is_saved(tag):
                raise InvalidTagError(f"The tag {tag.name!r} is not saved.")
            require_tag_of_org(tag, key)
            wanted.setdefault(tag.slug, tag)
        else:
            wanted.setdefault(tag_slug(tag), tag.strip())
    return wanted


def tag_object(*, target: models.Model, tags: Iterable[TagLike], org: OrgLike = None) -> list[Tag]:
    """Put ``tags`` on ``target`` and return them as ``Tag`` rows, in the order given, without duplicates.

    Each tag is a ``Tag`` or a name: a name is looked up by its slug among the tags of ``org``
    ("Urgent" finds the tag ``urgent``; ``org=None``, the default: the tags of no organization) and the
    tag is created in ``org`` when missing, with that name and a colour of ``NOTES_TAG_COLORS``. An
    existing tag keeps its name. Idempotent: a tag already on the object is left as it is. Safe under
    concurrent calls: the slug unique per organization and the unique (tag, target) pair decide, and the
    losers of a race read the winners' rows (on MariaDB the rows are inserted in key order, and a call the
    database picks as a deadlock victim runs again when it opened the transaction itself).

    Raises ``InvalidTargetError`` for an unsaved target, ``InvalidTagError`` for a name without a
    slug, longer than 100 characters, an unsaved ``Tag``, or a single string instead of a list,
    ``CrossOrgTagError`` for a ``Tag`` of another organization than ``org``, and
    ``django_basemodels.InvalidOrgError`` for an ``org`` that names none; all before anything is written.
    """
    require_saved(target, name="target", error=InvalidTargetError)
    key = org_key(org)
    wanted = _wanted_tags(tags, key=key)
    found = _put_tags(target, wanted, key=key)
    return [found[slug] for slug in wanted]


@retry_on_deadlock
def _put_tags(target: models.Model, wanted: dict[str, TagLike], *, key: str) -> dict[str, Tag]:
    """Create the missing tags (in the organization ``key``) and links, in one transaction; the tags by slug.

    Rows are inserted in ascending key order (slugs, then links by tag): on MariaDB a caller that meets a
    row another caller is inserting waits with a lock on the gap before that row, and the other caller,
    going on upwards, never inserts into that gap, so two callers cannot deadlock. A deadlock that still
    happens (the inserting caller rolls back, and its waiters both insert the row) reruns this function,
    which is safe: it only adds what is missing.
    """
    found = {tag.slug: tag for tag in Tag.objects.filter(org_key=key, slug__in=wanted)}
    for slug in sorted(wanted):
        given = wanted[slug]
        if isinstance(given, Tag):
            found[slug] = given
        elif slug not in found:
            # get_or_create inserts in a savepoint and reads the row again on IntegrityError.
            found[slug], _ = Tag.objects.get_or_create(org_key=key, slug=slug, defaults={"name": given})
    target_type = ContentType.objects.get_for_model(target)
    ObjectTag.objects.bulk_create(
        sorted(
            (ObjectTag(tag=found[slug], target_type=target_type, target_id=target.pk) for slug in wanted),
            key=lambda link: link.tag_id,
        ),
        ignore_conflicts=True,
    )
    return found


def untag_object(*, target: models.Model, tags: Iterable[TagLike], org: OrgLike = None) -> int:
    """Take ``tags`` (``Tag`` rows or names, matched by slug among the tags of ``org``) off ``target``;
    return how many were on it.

    Tags not on the object, or not existing in ``org``, are ignored; the tags of other organizations
    stay on the object; the ``Tag`` rows stay.

    Raises ``InvalidTargetError``, ``InvalidTagError``, ``CrossOrgTagError`` and ``InvalidOrgError`` as
    ``tag_object()``.
    """
    on_target = target_filter(target)
    key = org_key(org)
    links = ObjectTag.objects.filter(**on_target, tag__org_key=key, tag__slug__in=list(_wanted_tags(tags, key=key)))
    with transaction.atomic():
        removed, _ = links.delete()
    return removed


__all__ = ["add_note", "edit_note", "tag_object", "untag_object"]
