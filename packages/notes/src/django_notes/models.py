"""Notes and tags attached to any model through a generic key (``target_type`` + canonical ``target_id``)."""

from __future__ import annotations

import zlib
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from django_basemodels.fields import CaseSensitiveSlugField, ObjectIdField
from django_basemodels.generic import GenericForeignKey
from django_basemodels.guarantees import AppendOnly
from django_basemodels.limits import text_within_limit
from django_basemodels.models import OrgOwned
from django_basemodels.tenancy import unique_per_org
from django_notes import conf
from django_notes.exceptions import (
    CrossOrgTagError,
    EmptyNoteError,
    InvalidTagColorError,
    InvalidTagError,
    InvalidVisibilityError,
    NoteEditError,
    NoteTooLongError,
    RevisionImmutableError,
)
from django_notes.querysets import (
    CONTENT_EDIT_REFUSED,
    TIMES_FIXED,
    NoteManager,
    NoteRevisionQuerySet,
    TagManager,
)
from django_notes.time_semantics import RecordedAtField

TAG_NAME_MAX_LENGTH = 100
# What the database says when SQL tries to change or delete a revision.
REVISIONS_APPEND_ONLY = "django_notes: note revisions are append-only; UPDATE and DELETE are refused"


class Visibility(models.TextChoices):
    INTERNAL = conf.INTERNAL, "Internal"
    EXTERNAL = conf.EXTERNAL, "External"


def tag_slug(name: str) -> str:
    """The slug a tag named ``name`` has: ``slugify(name, allow_unicode=True)`` ("Review needed!" → "review-needed").

    Raises ``InvalidTagError`` when ``name`` is not a string, is longer than 100 characters, or
    gives an empty slug ("!!!") or one longer than 100 characters (Unicode normalisation may lengthen
    a name: "ﬀ" gives "ff").
    """
    if not isinstance(name, str):
        raise InvalidTagError(f"A tag is named by a string, not {type(name).__name__}: {name!r}.")
    if len(name.strip()) > TAG_NAME_MAX_LENGTH:
        raise InvalidTagError(f"A tag name has at most {TAG_NAME_MAX_LENGTH} characters: {name[:20]!r}...")
    slug = slugify(name, allow_unicode=True)
    if not slug:
        raise InvalidTagError(f"The tag name {name!r} has no letter or digit to make a slug of.")
    if len(slug) > TAG_NAME_MAX_LENGTH:
        raise InvalidTagError(
            f"A tag's slug has at most {TAG_NAME_MAX_LENGTH} characters; {name[:20]!r}... gives one of {len(slug)}."
        )
    return slug


def palette_color(slug: str) -> str:
    """The colour of ``NOTES_TAG_COLORS`` a new tag with this slug gets: the same slug, the same colour.

    Raises ``ImproperlyConfigured`` for a palette that is not a non-empty list of ``#RRGGBB``.
    """
    palette = conf.tag_colors()
    if not isinstance(palette, (list, tuple)) or not palette or not all(map(conf.is_hex_color, palette)):
        raise ImproperlyConfigured("NOTES_TAG_COLORS must be a non-empty list of '#RRGGBB' colours.")
    return palette[zlib.crc32(slug.encode()) % len(palette)].lower()


class Tag(OrgOwned):
    """A label that any object can carry. ``slug`` is unique per organization (``org_key``; ``""`` for no
    organization), compared byte by byte on every database ("café" and "cafe" are two tags); ``color`` is
    ``#rrggbb``. Two organizations each have their own "urgent"."""

    slug = CaseSensitiveSlugField(
        max_length=TAG_NAME_MAX_LENGTH,
        allow_unicode=True,
        blank=True,
        help_text="Left empty, the slug of the name.",
    )
    name = models.CharField(max_length=TAG_NAME_MAX_LENGTH)
    color = models.CharField(
        max_length=7,
        blank=True,
        validators=[RegexValidator(rf"\A{conf.HEX_COLOR.pattern}\Z", "Enter a colour as #RRGGBB.")],
        help_text="#RRGGBB; left empty, a colour of NOTES_TAG_COLORS is chosen.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TagManager()

    class Meta:
        ordering = ("name", "slug", "org_key")
        constraints = [
            unique_per_org("slug", name="django_notes_tag_slug_per_org"),
            models.CheckConstraint(
                condition=models.Q(color__regex=r"^#[0-9a-fA-F]{6}$"), name="django_notes_tag_color_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Fill ``slug`` from the name and ``color`` from the palette when empty; lower-case the colour.

        Raises ``InvalidTagError`` for a name without a slug or a slug that is not one
        (``slugify(slug) != slug``), ``InvalidTagColorError`` for a colour that is not ``#RRGGBB``.
        """
        self.name = self.name.strip()
        if not self.slug:
            self.slug = tag_slug(self.name)
        elif self.slug != slugify(self.slug, allow_unicode=True):
            # tag_object() finds tags by slugify(name): any other slug could never be matched.
            raise InvalidTagError(f"{self.slug!r} is not a slug; try {slugify(self.slug, allow_unicode=True)!r}.")
        if not self.name:
            self.name = self.slug
        if not self.color:
            self.color = palette_color(self.slug)
        if not conf.is_hex_color(self.color):
            raise InvalidTagColorError(f"A tag colour is #RRGGBB, not {self.color!r}.")
        self.color = self.color.lower()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # Before full_clean() validates the constraints, so a form may leave slug and colour empty.
        try:
            if self.name.strip() and not self.slug:
                self.slug = tag_slug(self.name)
        except InvalidTagError as exc:
            raise ValidationError({"name": str(exc)}) from exc
        if self.slug and not self.color:
            self.color = palette_color(self.slug)


def require_tag_of_org(tag: Tag, key: str) -> None:
    """Raise ``CrossOrgTagError`` unless ``tag`` belongs to the organization whose ``org_key`` is ``key``."""
    if tag.org_key != key:
        raise CrossOrgTagError(
            f"The tag {tag.slug!r} belongs to the organization {tag.org_key!r}, not to {key!r}: "
            "pass the tag's organization as org=.",
            org_key=key,
            tag_org_key=tag.org_key,
            slug=tag.slug,
        )


class ObjectTag(models.Model):
    """One tag on one object; unique per (tag, target). It belongs to the organization of its tag."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="object_tags")
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = ObjectIdField()
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "object tag"
        constraints = [
            models.UniqueConstraint(fields=["tag", "target_type", "target_id"], name="django_notes_objecttag_unique"),
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="django_notes_objecttag_target")]

    def __str__(self) -> str:
        return f"{self.tag} on {self.target_type}:{self.target_id}"


class Note(models.Model):
    """A text about any object. Its content changes only through ``edit_note()``, which keeps the old text.

    ``effective_at`` is the business time the note is about (backdatable, never after ``recorded_at``: a
    check constraint); ``recorded_at`` is when the system recorded it, set by the server on insert whatever
    the caller gave. Both are fixed once the note is stored. ``created_at`` (kept from 0.1) is when the
    instance was built, as before.
    """

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = ObjectIdField()
    target = GenericForeignKey("target_type", "target_id")
    content = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.INTERNAL)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    # recorded_at before effective_at: its pre_save fills an empty effective_at with the same instant.
    recorded_at = RecordedAtField(help_text="When the system recorded the note (the server's time).")
    effective_at = models.DateTimeField(
        blank=True, help_text="The business time the note is about; the time of recording when left empty."
    )

    objects = NoteManager()

    class Meta:
        ordering = ("-effective_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility__in=[conf.INTERNAL, conf.EXTERNAL]), name="django_notes_note_visibility"
            ),
            models.CheckConstraint(
                condition=Q(effective_at__lte=F("recorded_at")), name="django_notes_note_not_in_future"
            ),
        ]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-effective_at"], name="django_notes_note_timeline"),
        ]

    def __str__(self) -> str:
        return self.content if len(self.content) <= 50 else self.content[:49] + "…"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save after validating content and visibility.

        Raises ``EmptyNoteError``, ``NoteTooLongError``, ``InvalidVisibilityError``, and
        ``NoteEditError`` when the content of a stored note differs from the stored one (edits go
        through ``edit_note()``, which keeps the previous text) or its ``effective_at`` or
        ``recorded_at`` does (both are fixed when the note is added). (One query reads the stored values.)
        """
        update_fields = kwargs.get("update_fields")
        guarded = NOTE_FIXED_FIELDS if update_fields is None else [f for f in NOTE_FIXED_FIELDS if f in update_fields]
        if update_fields is None or "content" in update_fields:
            validate_note_content(self.content)
        if guarded and not self._state.adding and self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk).values(*guarded).first()
            if stored is not None:
                if "content" in stored and stored["content"] != self.content:
                    raise NoteEditError(CONTENT_EDIT_REFUSED)
                if any(stored[name] != getattr(self, name) for name in stored if name != "content"):
                    raise NoteEditError(TIMES_FIXED)
        if self.visibility not in conf.VISIBILITIES:
            raise InvalidVisibilityError(f"Visibility is 'internal' or 'external', not {self.visibility!r}.")
        super().save(*args, **kwargs)


# The fields a stored note's save() may not change: content goes through edit_note(), the times never change.
NOTE_FIXED_FIELDS = ("content", "effective_at", "recorded_at")


def validate_note_content(content: Any) -> None:
    """Raise ``EmptyNoteError`` for empty or blank content, ``NoteTooLongError`` past ``NOTES_MAX_LENGTH``."""
    if not isinstance(content, str) or not content.strip():
        raise EmptyNoteError(f"A note needs some text: pass content= a string that is not blank, not {content!r}.")
    limit = conf.max_length()
    if limit is not None:
        text_within_limit(content, name="A note (NOTES_MAX_LENGTH)", limit=limit, error=NoteTooLongError)


class NoteRevision(models.Model):
    """The text a note had before an edit, who replaced it and when. Append-only.

    ``save()`` of a stored revision, ``delete()`` and the queryset's ``update()``/``delete()``
    raise ``RevisionImmutableError``; the ``AppendOnly`` guarantee of ``Meta`` makes the database
    refuse ``UPDATE`` and ``DELETE`` (and SQLite's ``REPLACE``) from any SQL too. ``edited_by`` has
    no database constraint, so deleting the user keeps the row.

    ``recorded_at`` is when the edit was recorded (the server's time, set on insert; ``edited_at`` left
    empty is that same instant); ``effective_at`` the business time the edit is about (backdatable with
    ``edit_note(effective_at=...)``, never after ``recorded_at``; the time of recording when left empty).
    """

    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="revisions")
    content = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # recorded_at before the fields it fills with the same instant when they are empty.
    recorded_at = RecordedAtField(
        fills=("effective_at", "edited_at"), help_text="When the system recorded the edit (the server's time)."
    )
    edited_at = models.DateTimeField(blank=True)
    effective_at = models.DateTimeField(
        blank=True, help_text="The business time the edit is about; the time of recording when left empty."
    )

    objects = NoteRevisionQuerySet.as_manager()

    class Meta:
        ordering = ("edited_at", "id")
        base_manager_name = "objects"
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_at__lte=F("recorded_at")), name="django_notes_noterevision_not_in_future"
            ),
        ]
        guarantees = [AppendOnly(message=REVISIONS_APPEND_ONLY)]

    def __str__(self) -> str:
        return f"Revision of note {self.note_id} at {self.edited_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert the revision; raises ``RevisionImmutableError`` for one already stored."""
        if not self._state.adding:
            raise RevisionImmutableError("Note revisions are append-only: a stored revision cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        """Always raises ``RevisionImmutableError``."""
        raise RevisionImmutableError("Note revisions are append-only: they cannot be deleted.")


__all__ = [
    "Note",
    "NoteRevision",
    "ObjectTag",
    "Tag",
    "Visibility",
    "palette_color",
    "require_tag_of_org",
    "tag_slug",
    "validate_note_content",
]
