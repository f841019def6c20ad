"""``TagsRelation``, the relation a model adds to filter by tag, and the parts of this package's generic keys.

The generic key of notes and tags is django-basemodels' (``ObjectIdField``, ``canonical_object_id``,
``GenericForeignKey``), re-exported here, unchanged, under the names this module has always offered
(this package's own code imports them from django-basemodels, and so may yours): it stores
any model's primary key in one canonical text form (a UUID as 32 lowercase hex digits, every other
key as ``str(key)``), compared byte by byte, so the reverse join, the related managers and both
prefetches agree on SQLite, PostgreSQL and MariaDB. ``CaseSensitiveSlugField`` (django-basemodels')
is the tag's slug, compared byte by byte too. Import this module once the app registry is ready (models.py).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models

from django_basemodels.fields import CanonicalObjectIdText, CaseSensitiveSlugField, ObjectIdField, canonical_object_id
from django_basemodels.generic import GenericForeignKey


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
        tag_field = cast(models.ForeignKey, self.remote_field.model._meta.get_field("tag"))
        to_tag = tag_field.get_path_info(filtered_relation)
        return [*to_object_tags, *to_tag]

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False, **kwargs: Any
    ) -> None:
        super().contribute_to_class(cls, name, private_only=private_only, **kwargs)
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
    "CaseSensitiveSlugField",
    "GenericForeignKey",
    "ObjectIdField",
    "TagsDescriptor",
    "TagsRelation",
    "canonical_object_id",
]
