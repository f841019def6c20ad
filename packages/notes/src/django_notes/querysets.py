"""Read paths: the querysets of notes, tags and revisions, and the manager behind ``obj.tags``."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, cast

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models

from django_basemodels.fields import canonical_object_id
from django_basemodels.tenancy import OrgQuerySetMixin
from django_notes import conf
from django_notes.exceptions import InvalidTargetError, NoteEditError, RevisionImmutableError
from django_notes.time_semantics import EventTimesQuerySet

if TYPE_CHECKING:
    from django.db.models.options import Options

    from django_notes.fields import TagsRelation
    from django_notes.models import Tag  # noqa: F401 (named in a base class as a string)

# What NoteEditError says: the service to call instead.
CONTENT_EDIT_REFUSED = (
    "Change a note's content with django_notes.edit_note(note, content=..., by=user), which keeps the previous text."
)
TIMES_FIXED = (
    "A note's effective_at and recorded_at are fixed when it is added: pass effective_at= to "
    "django_notes.add_note() (recorded_at is the server's)."
)

# Names of the annotations by which prefetched tags are matched with their objects.
_PREFETCH_TYPE = "_django_notes_target_type"
_PREFETCH_ID = "_django_notes_target_id"


def concrete_options(model: type[models.Model]) -> Options[Any]:
    """The ``_meta`` of ``model``'s concrete model (a proxy's rows are its concrete model's)."""
    concrete = model._meta.concrete_model
    assert concrete is not None  # only an abstract model has none, and it has no instances
    return concrete._meta


def target_filter(obj: Any, prefix: str = "") -> dict[str, Any]:
    """Lookups selecting the rows whose generic key ``target`` points at ``obj``, for ``filter(**...)``.

    The content type is matched by its app label and model name through a join, so the filter
    needs no separate content type query; the key is ``canonical_object_id(obj.pk)``. A proxy
    object is its concrete model's. ``prefix`` is prepended to every lookup ("object_tags__").

    Raises ``InvalidTargetError`` when ``obj`` is not a saved model instance.
    """
    if not isinstance(obj, models.Model):
        raise InvalidTargetError(f"A target is a model instance, not {type(obj).__name__}.")
    if obj.pk is None:
        raise InvalidTargetError(f"{obj!r} has no primary key yet: save it first.")
    opts = concrete_options(type(obj))
    return {
        f"{prefix}target_type__app_label": opts.app_label,
        f"{prefix}target_type__model": opts.model_name,
        f"{prefix}target_id": canonical_object_id(obj.pk),
    }


class NoteQuerySet(EventTimesQuerySet):
    """Notes; ``as_of(t)`` and ``known_at(t)`` read their two times. ``update()`` of ``content`` (edits go
    through ``edit_note()``), ``effective_at`` or ``recorded_at`` (fixed when the note is added) raises
    ``NoteEditError``."""

    def external(self) -> NoteQuerySet:
        """The notes that may be shown outside the organisation (``visibility="external"``)."""
        return self.filter(visibility=conf.EXTERNAL)

    def internal(self) -> NoteQuerySet:
        """The notes for staff only (``visibility="internal"``)."""
        return self.filter(visibility=conf.INTERNAL)

    def for_target(self, obj: Any) -> NoteQuerySet:
        """The notes on ``obj``; raises ``InvalidTargetError`` for an unsaved object."""
        return self.filter(**target_filter(obj))

    def update(self, **kwargs: Any) -> int:
        if "content" in kwargs:
            raise NoteEditError(CONTENT_EDIT_REFUSED)
        if "effective_at" in kwargs or "recorded_at" in kwargs:
            raise NoteEditError(TIMES_FIXED)
        return super().update(**kwargs)

    update.alters_data = True  # type: ignore[attr-defined]


NoteManager = models.Manager.from_queryset(NoteQuerySet)


class NoteRevisionQuerySet(EventTimesQuerySet):
    """Revisions are append-only: ``update()`` and ``delete()`` raise ``RevisionImmutableError``.
    ``as_of(t)`` and ``known_at(t)`` read their two times."""

    def update(self, **kwargs: Any) -> int:
        raise RevisionImmutableError("Note revisions are append-only: they cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RevisionImmutableError("Note revisions are append-only: they cannot be deleted.")

    update.alters_data = True  # type: ignore[attr-defined]
    delete.alters_data = True  # type: ignore[attr-defined]


class TagQuerySet(OrgQuerySetMixin, models.QuerySet):
    """Tags; ``for_org(org)`` narrows them to one organization's (``None``: the tags of no organization)."""

    def for_target(self, obj: Any) -> TagQuerySet:
        """The tags on ``obj``; raises ``InvalidTargetError`` for an unsaved object."""
        return self.filter(**target_filter(obj, "object_tags__"))


TagManager = models.Manager.from_queryset(TagQuerySet)


class ObjectTagsManager(TagManager["Tag"]):
    """``obj.tags`` of a ``TagsRelation``: the object's tags, read-only, prefetchable.

    Write with ``tag_object()`` and ``untag_object()``: ``create()``, ``get_or_create()``,
    ``update_or_create()`` and ``bulk_create()`` raise ``TypeError`` instead of making a tag that
    the object would not carry.
    """

    def __init__(self, *, instance: models.Model, field: TagsRelation) -> None:
        super().__init__()
        self.model = apps.get_model("django_notes", "Tag")
        self.instance = instance
        self.field = field

    def _apply_rel_filters(self, queryset: TagQuerySet) -> TagQuerySet:
        # Called by prefetch_related() too, with the queryset of a Prefetch() object.
        queryset._add_hints(instance=self.instance)  # type: ignore[attr-defined]  # private QuerySet method, absent from the stubs
        return queryset.filter(**target_filter(self.instance, "object_tags__"))

    def get_queryset(self) -> TagQuerySet:
        try:
            return self.instance._prefetched_objects_cache[self.field.name]  # type: ignore[attr-defined]
        except (AttributeError, KeyError):
            return self._apply_rel_filters(cast(TagQuerySet, super().get_queryset()))  # what TagManager makes

    def get_prefetch_querysets(self, instances: list[models.Model], querysets: Any = None) -> tuple[Any, ...]:
        queryset = querysets[0] if querysets else super().get_queryset()
        keys_by_type: dict[int, set[str]] = defaultdict(set)
        for obj in instances:
            keys_by_type[ContentType.objects.get_for_model(obj).pk].add(canonical_object_id(obj.pk))
        condition = models.Q.create(
            [
                models.Q(object_tags__target_type=type_id, object_tags__target_id__in=keys)
                for type_id, keys in keys_by_type.items()
            ],
            connector=models.Q.OR,
        )
        # One filter() then annotate(): the annotations reuse the filter's join to ObjectTag, so
        # each row is one (tag, object) pair, annotated with the object it belongs to.
        queryset = queryset.filter(condition).annotate(
            **{_PREFETCH_TYPE: models.F("object_tags__target_type"), _PREFETCH_ID: models.F("object_tags__target_id")}
        )
        return (
            queryset,
            lambda tag: (getattr(tag, _PREFETCH_ID), getattr(tag, _PREFETCH_TYPE)),
            lambda obj: (canonical_object_id(obj.pk), ContentType.objects.get_for_model(obj).pk),
            False,
            self.field.name,
            False,
        )

    def _refuse_write(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            f"{type(self.instance).__name__}.{self.field.name} is read-only: "
            "tag with django_notes.services.tag_object(target=..., tags=[...])."
        )

    create = get_or_create = update_or_create = bulk_create = _refuse_write


__all__ = [
    "NoteManager",
    "NoteQuerySet",
    "NoteRevisionQuerySet",
    "ObjectTagsManager",
    "TagManager",
    "TagQuerySet",
    "target_filter",
]
