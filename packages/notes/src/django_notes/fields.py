"""The object id of this package's generic keys, and ``TagsRelation``, the relation a model adds to filter by tag.

``ObjectIdField`` stores any model's primary key in one canonical text form: a UUID as 32
lowercase hex digits, every other key as ``str(key)``. It mirrors ``django_basemodels``'
``ObjectIdField`` (this foundation package may not import it), so both store the same text.
Why that form: on SQLite a ``UUIDField`` is stored as 32 hex digits, so the reverse join
compares equal; on PostgreSQL Django casts the object id to ``uuid`` in the join, and 32 hex
digits are valid ``uuid`` input. Import this module once the app registry is ready (models.py).
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey as DjangoGenericForeignKey
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models.functions import Cast, Replace
from django.db.models.lookups import Exact, In
from django.db.models.query_utils import DeferredAttribute
from django.db.models.sql.query import Query

# The spellings of a UUID that Python and databases produce. ``uuid.UUID()`` alone is more
# lenient (it drops dashes anywhere), which would rewrite slugs that merely look hexadecimal.
_UUID_TEXT = re.compile(
    r"(?:urn:uuid:)?(?P<dashed>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    r"|\{(?P<braced>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}"
    r"|(?P<hex>[0-9a-f]{32})",
    re.IGNORECASE,
)


def canonical_object_id(value: Any) -> str:
    """Return the text in which ``ObjectIdField`` stores the primary key ``value``.

    Guarantees: a ``uuid.UUID``, or a string spelling one (32 hex digits, dashed, braced or
    ``urn:uuid:``, any case), becomes 32 lowercase hex digits; any other value becomes
    ``str(value)``. Idempotent. Raises ``TypeError`` for ``None``, which is no key.
    """
    if value is None:
        raise TypeError("None is not a primary key.")
    if isinstance(value, uuid.UUID):
        return value.hex
    text = str(value)
    match = _UUID_TEXT.fullmatch(text)
    if match is None:
        return text
    return uuid.UUID(match["dashed"] or match["braced"] or match["hex"]).hex


class _CanonicalObjectIdAttribute(DeferredAttribute):
    """Canonicalises on assignment, so ``tag.target_id`` reads the same before and after a save."""

    def __set__(self, instance: models.Model, value: Any) -> None:
        if value is not None and value != "" and not hasattr(value, "resolve_expression"):
            value = canonical_object_id(value)
        instance.__dict__[self.field.attname] = value


class ObjectIdField(models.CharField):
    """A ``CharField`` holding any model's primary key as ``canonical_object_id(pk)``.

    Values are canonicalised on assignment, on save and in ``exact``/``in`` lookups, so a UUID
    matches in whichever spelling it arrives. ``max_length`` defaults to 255.
    """

    description = "Object id of any model (canonical text form)"
    descriptor_class = _CanonicalObjectIdAttribute

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        if value is None or value == "":
            return value
        return canonical_object_id(value)

    def get_prep_value(self, value: Any) -> Any:
        # Lookups call get_prep_value, not to_python: the related manager and the prefetch of a
        # GenericRelation filter with the target's UUID object, which must become 32 hex digits.
        return self.to_python(super().get_prep_value(value))


class CanonicalObjectIdText(models.Func):
    """SQL for the canonical text of a key expression, so it compares with an ``ObjectIdField`` column.

    PostgreSQL refuses ``varchar = uuid`` and ``varchar = bigint``: a uuid column becomes its text
    without dashes, an integer column its decimal text. SQLite already stores a UUID as 32 hex digits.
    Comparing text (rather than casting the object id to the key's type) cannot fail on rows
    whose object id belongs to another model.
    """

    def __init__(self, expression: Any) -> None:
        super().__init__(expression, output_field=models.TextField())

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, Any]:
        [source] = self.get_source_expressions()
        source_field = source.output_field
        if isinstance(source_field, (models.CharField, models.TextField)):
            return compiler.compile(source)
        if isinstance(source_field, models.UUIDField):
            if not connection.features.has_native_uuid_field:
                return compiler.compile(source)
            return compiler.compile(Replace(Cast(source, models.TextField()), models.Value("-"), models.Value("")))
        return compiler.compile(Cast(source, models.TextField()))


def _canonical_rhs(rhs: Any) -> Any:
    if isinstance(rhs, Query):
        if len(rhs.select) != 1:
            return rhs
        rhs = rhs.clone()
        rhs.set_select([CanonicalObjectIdText(rhs.select[0])])
        return rhs
    if not hasattr(rhs, "as_sql"):
        return rhs
    return CanonicalObjectIdText(rhs)


class _CanonicalRhsMixin:
    # exclude() across a GenericRelation, OuterRef("pk") and pk subqueries give a key expression.
    def process_rhs(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        original = self.rhs  # type: ignore[has-type]
        self.rhs = _canonical_rhs(original)
        try:
            return super().process_rhs(compiler, connection)  # type: ignore[misc]
        finally:
            self.rhs = original


@ObjectIdField.register_lookup
class ObjectIdExact(_CanonicalRhsMixin, Exact):
    """``exact`` comparing a key expression in canonical text form."""


@ObjectIdField.register_lookup
class ObjectIdIn(_CanonicalRhsMixin, In):
    """``in`` comparing a subquery's keys in canonical text form."""


PrefetchResult = tuple[Any, Callable[[Any], Any], Callable[[Any], Any], bool, str, bool]


def _match_by_canonical_object_id(result: PrefetchResult, field: DjangoGenericForeignKey) -> PrefetchResult:
    # Django 6 keys prefetched targets by pk.value_to_string() (a dashed UUID) and the rows by
    # str(object id) (32 hex digits here), so UUID targets would come back as None. Keying both
    # sides by the canonical text agrees on every version.
    queryset, _, _, single, cache_name, is_descriptor = result
    ct_attname = field.model._meta.get_field(field.ct_field).attname

    def target_key(target: models.Model) -> tuple[str, type[models.Model]]:
        return canonical_object_id(target.pk), type(target)

    def row_key(row: models.Model) -> tuple[str, type[models.Model] | None] | None:
        ct_id = getattr(row, ct_attname)
        if ct_id is None:
            return None
        model = field.get_content_type(id=ct_id, using=row._state.db).model_class()
        return canonical_object_id(getattr(row, field.fk_field)), model

    return queryset, target_key, row_key, single, cache_name, is_descriptor


@functools.cache
def _descriptor_matching_by_canonical_object_id(base: type) -> type:
    class Descriptor(base):  # type: ignore[valid-type, misc]
        def get_prefetch_querysets(self, instances: Any, querysets: Any = None) -> PrefetchResult:
            return _match_by_canonical_object_id(super().get_prefetch_querysets(instances, querysets), self.field)

    Descriptor.__name__ = Descriptor.__qualname__ = f"Canonical{base.__name__}"
    return Descriptor


class GenericForeignKey(DjangoGenericForeignKey):
    """Django's ``GenericForeignKey`` whose ``prefetch_related`` matches targets by canonical object id."""

    def contribute_to_class(self, cls: type[models.Model], name: str, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, **kwargs)
        descriptor = cls.__dict__[self.attname]
        if descriptor is not self:  # Django >= 6.1 installs a separate descriptor that prefetches
            descriptor.__class__ = _descriptor_matching_by_canonical_object_id(type(descriptor))

    def get_prefetch_querysets(self, instances: Any, querysets: Any = None) -> PrefetchResult:
        return _match_by_canonical_object_id(super().get_prefetch_querysets(instances, querysets), self)


class TagsRelation(GenericRelation):
    """The tags of a model, as a relation: ``tags = TagsRelation()`` on it makes ``filter(tags__name=...)`` work.

    It is a ``GenericRelation`` to ``ObjectTag`` whose path goes on through ``ObjectTag.tag``, as
    a many-to-many field's path goes through its intermediate table: ``tags__name``,
    ``tags__slug``, ``tags=<Tag>``, ``exclude(tags__slug=...)``, ``Count("tags")`` and
    ``prefetch_related("tags")`` all reach ``Tag`` in one query. ``obj.tags`` is a read-only
    manager of the object's ``Tag`` rows; write with ``tag_object``/``untag_object``. Deleting
    the object deletes its ``ObjectTag`` rows (never the tags).
    """

    def __init__(self, *, related_query_name: str | None = None, for_concrete_model: bool = True) -> None:
        super().__init__(
            "django_notes.ObjectTag",
            object_id_field="target_id",
            content_type_field="target_type",
            related_query_name=related_query_name,
            for_concrete_model=for_concrete_model,
        )

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, _, _, _ = super().deconstruct()
        kwargs = {}
        if self.remote_field.related_query_name is not None:
            kwargs["related_query_name"] = self.remote_field.related_query_name
        return name, "django_notes.fields.TagsRelation", [], kwargs

    def get_path_info(self, filtered_relation: Any = None) -> list[Any]:
        to_object_tags = super().get_path_info()
        to_tag = self.remote_field.model._meta.get_field("tag").get_path_info(filtered_relation)
        return [*to_object_tags, *to_tag]

    def contribute_to_class(self, cls: type[models.Model], name: str, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, **kwargs)
        setattr(cls, self.name, TagsDescriptor(self))


class TagsDescriptor:
    """``obj.tags`` for a ``TagsRelation``: a manager of the object's tags."""

    def __init__(self, field: TagsRelation) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, cls: Any = None) -> Any:
        if instance is None:
            return self
        from django_notes.querysets import ObjectTagsManager  # querysets imports this module

        return ObjectTagsManager(instance=instance, field=self.field)

    def __set__(self, instance: models.Model, value: Any) -> None:
        raise AttributeError(
            f"{type(instance).__name__}.{self.field.name} is read-only: use django_notes.services.tag_object()."
        )


__all__ = [
    "CanonicalObjectIdText",
    "GenericForeignKey",
    "ObjectIdField",
    "TagsDescriptor",
    "TagsRelation",
    "canonical_object_id",
]
