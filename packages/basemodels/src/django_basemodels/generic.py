"""Generic keys made of a ``ContentType`` FK ``<name>_type`` and an ``ObjectIdField`` ``<name>_id``.

``GenericForeignKey`` here is Django's, made to match prefetched targets by the canonical
object id; ``generic_key_filter`` and ``generic_key_values`` spell out the two fields. This module
imports ``django.contrib.contenttypes``: import it once the app registry is ready (models.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey as DjangoGenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from django_basemodels.fields import canonical_object_id

PrefetchResult = tuple[Any, Callable[[Any], Any], Callable[[Any], Any], bool, str, bool]


def _match_by_canonical_object_id(result: PrefetchResult, field: DjangoGenericForeignKey) -> PrefetchResult:
    # Django pairs each prefetched target with its referring rows through two key functions.
    # Django 5.2 keys targets by pk and rows by pk.get_prep_value(object id); Django 6 keys targets
    # by pk.value_to_string() (a dashed UUID) and rows by str(object id) (32 hex digits here), so
    # UUID targets would come back as None. Keying both sides by the canonical text agrees always.
    queryset, _, _, single, cache_name, is_descriptor = result
    ct_attname = field.model._meta.get_field(field.ct_field).attname

    def target_key(target: models.Model) -> tuple[str, type[models.Model]]:
        return canonical_object_id(target.pk), type(target)

    def row_key(row: models.Model) -> tuple[str, type[models.Model] | None] | None:
        ct_id = getattr(row, ct_attname)
        object_id = getattr(row, field.fk_field)
        if ct_id is None or object_id is None:
            return None
        model = field.get_content_type(id=ct_id, using=row._state.db).model_class()
        return canonical_object_id(object_id), model

    return queryset, target_key, row_key, single, cache_name, is_descriptor


@functools.cache
def _descriptor_matching_by_canonical_object_id(base: type) -> type:
    class Descriptor(base):  # type: ignore[valid-type, misc, unused-ignore]
        def get_prefetch_querysets(self, instances: Any, querysets: Any = None) -> PrefetchResult:
            return _match_by_canonical_object_id(super().get_prefetch_querysets(instances, querysets), self.field)

    Descriptor.__name__ = Descriptor.__qualname__ = f"Canonical{base.__name__}"
    return Descriptor


class GenericForeignKey(DjangoGenericForeignKey):
    """Django's ``GenericForeignKey`` for an ``ObjectIdField`` object id; use it instead of Django's.

    Same arguments and behaviour, except that ``prefetch_related`` matches targets with their rows
    by ``canonical_object_id`` on both sides. With Django's own class, prefetching UUID-keyed
    targets through an ``ObjectIdField`` gives ``None`` on Django 6 (it works on 5.2). The system
    check ``django_basemodels.W001`` reports models that still use Django's class.
    """

    def contribute_to_class(self, cls: type[models.Model], name: str, **kwargs: Any) -> None:  # type: ignore[override]
        super().contribute_to_class(cls, name, **kwargs)
        descriptor = cls.__dict__[self.attname]
        if descriptor is not self:  # Django >= 6.1 installs a separate descriptor object
            descriptor.__class__ = _descriptor_matching_by_canonical_object_id(type(descriptor))  # type: ignore[arg-type]

    def get_prefetch_querysets(self, instances: Any, querysets: Any = None) -> PrefetchResult:
        # Django >= 5.0 API; the stubs still describe get_prefetch_queryset.
        return _match_by_canonical_object_id(super().get_prefetch_querysets(instances, querysets), self)  # type: ignore[misc]


def generic_key_filter(name: str, obj: models.Model) -> dict[str, Any]:
    """Keyword arguments that select rows whose generic key ``name`` points at ``obj``.

    ``Note.objects.filter(**generic_key_filter("target", invoice))`` gives
    ``target_type=<content type of Invoice>, target_id=<canonical pk>``. The content type is the
    concrete model's (proxies share it), as ``GenericForeignKey`` and ``GenericRelation`` use.

    Raises ``ValueError`` when ``obj`` has no primary key.
    """
    if obj.pk is None:
        raise ValueError(f"{obj!r} has no primary key yet; save it before pointing at it.")
    return {
        f"{name}_type": ContentType.objects.get_for_model(obj),
        f"{name}_id": canonical_object_id(obj.pk),
    }


def generic_key_values(name: str, obj: models.Model | None) -> dict[str, Any]:
    """Field values that make generic key ``name`` point at ``obj``, or at nothing when ``obj`` is ``None``.

    ``Note.objects.create(text="...", **generic_key_values("target", invoice))``. For ``None`` the
    values are ``<name>_type=None, <name>_id=""`` (the FK must then be nullable).

    Raises ``ValueError`` when ``obj`` has no primary key.
    """
    if obj is None:
        return {f"{name}_type": None, f"{name}_id": ""}
    return generic_key_filter(name, obj)


__all__ = ["GenericForeignKey", "generic_key_filter", "generic_key_values"]
