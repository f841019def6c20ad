"""Read paths of documents (current versions, by target, as of a time) and the guards on bulk writes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone

from django_basemodels.fields import canonical_object_id
from django_documents.exceptions import DocumentImmutableError, MissingTargetError

if TYPE_CHECKING:
    import datetime

    from django_documents.models import Document  # noqa: F401 (named in the base class as a string)


class DocumentQuerySet(models.QuerySet["Document"]):
    """Documents with ``current()``, ``superseded()``, ``for_target(obj)``, ``retained()``, ``as_of(t)``,
    ``known_at(t)``.

    ``update()`` is refused; ``delete()`` follows the retention and history rules.
    """

    def current(self) -> DocumentQuerySet:
        """Documents that no newer version supersedes."""
        return self.filter(superseded_by__isnull=True)

    def superseded(self) -> DocumentQuerySet:
        """Documents that a newer version supersedes (the history)."""
        return self.filter(superseded_by__isnull=False)

    def for_target(self, obj: models.Model) -> DocumentQuerySet:
        """Documents attached to ``obj`` (every version).

        Raises ``MissingTargetError`` if ``obj`` is not a model instance with a primary key.
        """
        if not isinstance(obj, models.Model) or obj.pk is None:
            raise MissingTargetError(f"{obj!r} is not a saved model instance: it cannot have documents.")
        content_type = ContentType.objects.db_manager(self.db).get_for_model(obj)
        return self.filter(target_type=content_type, target_id=canonical_object_id(obj.pk))

    def as_of(self, when: datetime.datetime, *, known_at: datetime.datetime | None = None) -> DocumentQuerySet:
        """The versions in force at ``when``: of each history, the newest version whose ``effective_at`` is at
        or before ``when``. With ``known_at``, as the system knew it then: only versions recorded by
        ``known_at`` count (a version backdated before ``when`` but recorded after ``known_at`` is left out,
        and the version it replaced is in force instead).

        Pass ``known_at`` here rather than chaining ``.known_at()``, which would drop such a version without
        putting its predecessor back. Raises ``InvalidDatetimeError`` (saying what to pass) for a naive
        datetime or anything else than a datetime.
        """
        from django_documents.models import Document
        from django_documents.times import require_datetime

        when = require_datetime(when, name="as_of")
        in_force = models.Q(effective_at__lte=when)
        if known_at is not None:
            in_force &= models.Q(recorded_at__lte=require_datetime(known_at, name="known_at"))
        newer = Document._base_manager.filter(in_force, lineage=OuterRef("lineage"), version__gt=OuterRef("version"))
        return self.filter(in_force).exclude(Exists(newer))

    def known_at(self, when: datetime.datetime) -> DocumentQuerySet:
        """Documents the system had recorded at or before ``when`` (every version), whatever their ``effective_at``.

        Raises ``InvalidDatetimeError`` for a naive datetime or anything else than a datetime.
        """
        from django_documents.times import require_datetime

        return self.filter(recorded_at__lte=require_datetime(when, name="known_at"))

    def retained(self, at: datetime.datetime | None = None) -> DocumentQuerySet:
        """Documents whose ``retain_until`` is after ``at`` (default: now): they cannot be deleted yet."""
        return self.filter(retain_until__gt=at or timezone.now())

    def update(self, **kwargs: Any) -> int:
        """Always raises ``DocumentImmutableError``: documents are never changed."""
        raise DocumentImmutableError(
            "Documents are immutable: a new file is a new document that supersedes the old one."
        )

    update.alters_data = True  # type: ignore[attr-defined]

    def delete(self) -> tuple[int, dict[str, int]]:
        """Delete these documents and, once the transaction commits, their files.

        Raises ``RetentionActiveError`` if one of them is retained, and ``NewerVersionExistsError`` if a
        document outside this queryset supersedes one of them; then nothing is deleted.
        """
        from django_documents.models import delete_documents

        return delete_documents(list(self), using=self.db)

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]
