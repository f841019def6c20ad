"""The model fields of django-basemodels: ``ObjectIdField``, ``SwappableForeignKey`` and the
case-sensitive text fields.

``ObjectIdField`` is the one text form in which every package stores a key of "any model".
SQLite keeps a ``UUIDField`` as 32 hex digits and PostgreSQL as a native uuid, while
``str(uuid)`` has dashes: a plain ``CharField`` object id silently misses UUID rows in a
reverse join on SQLite. This field stores a UUID (or a string that parses as one) as its
32-hex form and every other key (integers, slugs) as plain text, so the reverse join, the
related manager, ``GenericForeignKey`` access and both prefetches agree on both databases.

Its ``exact`` and ``in`` lookups also turn a key *expression* (``OuterRef("pk")``, a subquery of
primary keys, the correlated subquery Django builds for ``exclude()`` across a
``GenericRelation``) into the same canonical text in SQL, since PostgreSQL refuses to compare
``varchar`` with ``uuid`` or ``bigint``.

``CaseSensitiveCharField``, ``CaseSensitiveSlugField`` and ``CaseSensitiveTextField`` compare text byte by byte on every
database: SQLite and PostgreSQL do by default, while MariaDB and MySQL compare with the table's
collation, usually case- and accent-insensitive (``"Key" = "key"``). For keys, they get a binary
collation there. ``ObjectIdField`` is case-sensitive too.

``SwappableForeignKey`` is a foreign key to the model a setting names (like ``AUTH_USER_MODEL``),
for reusable apps whose migrations must name the setting rather than a model.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.conf import SettingsReference
from django.db import models
from django.db.models.functions import Cast, Replace
from django.db.models.lookups import Exact, In
from django.db.models.query_utils import DeferredAttribute
from django.db.models.sql.query import Query
from django.utils import timezone

from django_basemodels import conf

# The four spellings of a UUID that Python and databases commonly produce. ``uuid.UUID()`` alone
# is more lenient (it drops dashes anywhere), which would rewrite slugs that merely look hexadecimal.
_UUID_TEXT = re.compile(
    r"(?:urn:uuid:)?(?P<dashed>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    r"|\{(?P<braced>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}"
    r"|(?P<hex>[0-9a-f]{32})",
    re.IGNORECASE,
)


def canonical_object_id(value: Any) -> str:
    """Return the text form in which an ``ObjectIdField`` stores the primary key ``value``.

    Guarantees: a ``uuid.UUID``, and a string spelling one (32 hex digits, dashed, braced
    ``{...}`` or ``urn:uuid:...``, any case), become 32 lowercase hex digits, so every spelling
    of one UUID gives the same text. Any other value (an integer, a slug) becomes ``str(value)``,
    unchanged. The function is idempotent.

    Raises ``TypeError`` for ``None``, which has no key to store.
    """
    if value is None:
        raise TypeError("None is not a primary key; an empty generic key is stored as ''.")
    if isinstance(value, uuid.UUID):
        return value.hex
    text = str(value)
    match = _UUID_TEXT.fullmatch(text)
    if match is None:
        return text
    return uuid.UUID(match["dashed"] or match["braced"] or match["hex"]).hex


def binary_collation(connection: Any) -> str | None:
    """The collation that makes MariaDB/MySQL compare a column's text byte by byte, with no trailing-space
    padding (``None`` on the other vendors, which compare so already)."""
    if connection.vendor != "mysql":
        return None
    return "utf8mb4_nopad_bin" if connection.mysql_is_mariadb else "utf8mb4_0900_bin"


class CaseSensitive:
    """Mixin for a text field: a binary collation on MariaDB/MySQL unless ``db_collation`` names one."""

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        parameters = super().db_parameters(connection)  # type: ignore[misc]
        if parameters.get("collation") is None:
            parameters["collation"] = binary_collation(connection)
        return parameters


class CaseSensitiveCharField(CaseSensitive, models.CharField):
    """A ``CharField`` whose equality, uniqueness and ordering are byte by byte on every database."""


class CaseSensitiveSlugField(CaseSensitive, models.SlugField):
    """A ``SlugField`` whose equality, uniqueness and ordering are byte by byte on every database."""


class CaseSensitiveTextField(CaseSensitive, models.TextField):
    """A ``TextField`` whose equality and ordering are byte by byte on every database."""


class _CanonicalObjectIdAttribute(DeferredAttribute):
    """Canonicalises on assignment, so ``tag.target_id`` reads the same before and after a save."""

    def __set__(self, instance: models.Model, value: Any) -> None:
        # Expressions (obj.target_id = F(...)) are left for save() to resolve in SQL.
        if value is not None and value != "" and not hasattr(value, "resolve_expression"):
            value = canonical_object_id(value)
        instance.__dict__[self.field.attname] = value


class ObjectIdField(CaseSensitiveCharField):
    """A ``CharField`` holding any model's primary key in canonical text form (``canonical_object_id``).

    Use it as the object id of a generic key, next to a ``ContentType`` foreign key. Values are
    canonicalised on assignment, on save and in lookups (``target_id=uuid``,
    ``target_id__in=[...]``), so a UUID matches whichever spelling it arrives in. ``None`` and
    ``""`` are kept as they are (an empty generic key). ``max_length`` defaults to 255.
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
        # Explicit rather than relying on CharField calling to_python: lookups must canonicalise.
        return self.to_python(super().get_prep_value(value))


class CanonicalObjectIdText(models.Func):
    """SQL for the canonical text of a key expression, comparable with an ``ObjectIdField`` column."""

    def __init__(self, expression: Any) -> None:
        super().__init__(expression, output_field=models.TextField())

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, Any]:
        [source] = self.get_source_expressions()
        # An expression of unknown type raises FieldError here: it needs an explicit output_field.
        source_field = source.output_field
        if isinstance(source_field, (models.CharField, models.TextField)):
            return compiler.compile(source)
        if isinstance(source_field, models.UUIDField):
            if not connection.features.has_native_uuid_field:
                return compiler.compile(source)  # stored as 32 hex digits already (SQLite)
            return compiler.compile(Replace(Cast(source, models.TextField()), models.Value("-"), models.Value("")))
        return compiler.compile(Cast(source, models.TextField()))


def _canonical_rhs(rhs: Any) -> Any:
    """``rhs`` with its key expression (or a subquery's single selected key) in canonical text form."""
    if isinstance(rhs, Query):
        if len(rhs.select) != 1:  # e.g. values() of an annotation: left as written
            return rhs
        rhs = rhs.clone()
        rhs.set_select([CanonicalObjectIdText(rhs.select[0])])
        return rhs
    if not hasattr(rhs, "as_sql"):
        return rhs
    return CanonicalObjectIdText(rhs)


class _CanonicalRhsMixin:
    rhs: Any

    def process_rhs(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        original = self.rhs
        self.rhs = _canonical_rhs(original)
        try:
            return super().process_rhs(compiler, connection)  # type: ignore[misc]
        finally:
            self.rhs = original


@ObjectIdField.register_lookup
class ObjectIdExact(_CanonicalRhsMixin, Exact):
    """``exact`` that compares a key expression in canonical text form."""


@ObjectIdField.register_lookup
class ObjectIdIn(_CanonicalRhsMixin, In):
    """``in`` that compares a subquery's keys in canonical text form."""


def _check_setting_name(setting: Any) -> None:
    # Django only reads upper-case settings: a lower-case name would silently stay "unset".
    if not isinstance(setting, str) or not setting.isidentifier() or not setting.isupper():
        raise ValueError(
            f"setting must be the name of a setting, an upper-case identifier such as 'ORDERS_CUSTOMER_MODEL', "
            f"not {setting!r}."
        )


class SwappableForeignKey(models.ForeignKey):
    """A ``ForeignKey`` to the model named by a setting, migrated the way ``AUTH_USER_MODEL`` is.

    ``SwappableForeignKey(setting="ORDERS_CUSTOMER_MODEL", on_delete=models.PROTECT, ...)`` points at
    the model whose ``"app_label.ModelName"`` the setting holds; every other ``ForeignKey`` option
    passes through. Django treats a foreign key as swappable only when its target declares
    ``Meta.swappable`` (as ``auth.User`` does), which a project's own model does not; this field
    names the setting itself, so ``makemigrations`` writes a plain ``models.ForeignKey`` with
    ``to=settings.ORDERS_CUSTOMER_MODEL`` and ``migrations.swappable_dependency(...)``, never the
    current value, and a reusable app's migration fits every project.

    Guarantees:

    - ``deconstruct()`` gives the path ``django.db.models.ForeignKey`` and ``to`` as a
      ``django.conf.SettingsReference`` carrying ``setting_name``;
    - ``clone()`` (which ``makemigrations`` and ``migrate`` use) rebuilds the field from that
      reference: the clone keeps the setting and the target the original was declared with;
    - while the setting is unset or empty, the key points at no model
      (``conf.unset_swappable_model_reference(setting)``), so models still import and
      ``manage.py check`` reports the problem (the declaring package should register a check that
      says which setting is missing, as django-catalog and django-modules do).

    Raises ``TypeError`` without ``setting`` or ``on_delete``, for a ``to`` other than the
    ``SettingsReference`` of ``clone()`` (a key to a fixed model is a ``models.ForeignKey``) and for
    ``swappable=False``; ``ValueError`` for a setting name that is not an upper-case identifier, or
    a ``to`` whose setting differs from ``setting``.
    """

    def __init__(self, *, setting: str | None = None, on_delete: Any, to: Any = None, **kwargs: Any) -> None:
        if kwargs.get("swappable", True) is not True:
            raise TypeError("A SwappableForeignKey is always swappable; a key to a fixed model is a models.ForeignKey.")
        if isinstance(to, SettingsReference):
            # clone() and migration states: deconstruct() gave the declared target with its setting.
            # (SettingsReference.setting_name is set by its __init__; the stubs leave it out.)
            declared: str = to.setting_name  # type: ignore[attr-defined]
            if setting is not None and setting != declared:
                raise ValueError(f"to refers to the setting {declared!r}, not {setting!r}.")
            setting = declared
        elif to is not None:
            raise TypeError(
                "SwappableForeignKey takes setting='<SETTING_NAME>', not to=...; "
                "a key to a fixed model is a models.ForeignKey."
            )
        elif setting is None:
            raise TypeError("SwappableForeignKey needs setting='<SETTING_NAME>', the setting naming the model.")
        _check_setting_name(setting)
        if to is None:
            to = conf.swappable_model_reference(setting)
        self._setting = setting
        super().__init__(to, on_delete, **kwargs)

    @property
    def swappable_setting(self) -> str:
        """The name of the setting; ``deconstruct()`` and the migration autodetector read it."""
        return self._setting

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        # Migrations hold a plain ForeignKey: they must not import this package to build the key.
        return name, "django.db.models.ForeignKey", args, kwargs


def stamp_recorded_at(
    *instances: models.Model, field_name: str = "recorded_at", fills: tuple[str, ...] = ("effective_at",)
) -> Any:
    """Give the unsaved ``instances`` one server time as ``field_name`` (and as each field of ``fills`` an
    instance has and leaves empty), and return it; their inserts then keep this instant.

    For a service that must know the record time before the insert (a hash chain covering it), or whose
    rows are one fact and must be known from the same instant (the parts of a split payment).
    """
    now = timezone.now()
    for instance in instances:
        setattr(instance, field_name, now)
        instance.__dict__[f"_{field_name}_stamped"] = now
        for name in fills:
            if getattr(instance, name, now) is None:
                setattr(instance, name, now)
    return now


class RecordedAtField(models.DateTimeField):
    """When the system recorded a fact: the server's current time on insert, whatever a caller gave;
    never changed after (``save()`` and ``bulk_create()`` alike).

    On the same insert it fills the empty fields of ``fills`` (default ``("effective_at",)``) with that
    very value, so a fact that is not backdated has ``effective_at == recorded_at`` exactly; declare it
    before them. A value stamped by ``stamp_recorded_at`` is kept (Django 6.1 also calls ``pre_save``
    twice for one insert: the second call keeps the first one's instant).
    """

    def __init__(self, *args: Any, fills: tuple[str, ...] = ("effective_at",), **kwargs: Any) -> None:
        self.fills = tuple(fills)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.fills != ("effective_at",):
            kwargs["fills"] = self.fills
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        current = getattr(model_instance, self.attname)
        if not add:
            return current
        if current is None or model_instance.__dict__.get(f"_{self.attname}_stamped") is not current:
            return stamp_recorded_at(model_instance, field_name=self.attname, fills=self.fills)
        for name in self.fills:  # stamped before the insert: a field emptied since takes the same instant
            if getattr(model_instance, name, current) is None:
                setattr(model_instance, name, current)
        return current
