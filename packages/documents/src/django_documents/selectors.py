"""Read paths: the documents of an object, the history of a document, files that no document names."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.core.files.storage import Storage
from django.db import models
from django.utils import timezone

from django_documents.storage import UPLOAD_ROOT, documents_storage
from django_documents.times import require_datetime

if TYPE_CHECKING:
    from django_documents.models import Document
    from django_documents.querysets import DocumentQuerySet

DEFAULT_ORPHAN_AGE = datetime.timedelta(hours=1)


def documents_for(
    obj: models.Model,
    *,
    include_superseded: bool = False,
    as_of: datetime.datetime | None = None,
    known_at: datetime.datetime | None = None,
) -> DocumentQuerySet:
    """The documents attached to ``obj``, newest first: current versions only unless ``include_superseded``.

    With ``as_of``, the versions in force at that time (of each history, the newest version effective by
    then: ``DocumentQuerySet.as_of``), or with ``include_superseded`` every version effective by then. With
    ``known_at`` too, only versions recorded by ``known_at`` count ("what did we believe at ``known_at``
    about ``as_of``"); ``known_at`` alone is ``as_of=known_at, known_at=known_at``: what the system showed
    then.

    Matches ``obj``'s content type (of its concrete model) and its primary key in the canonical text
    form, so UUID and integer keys work on every database. Raises ``MissingTargetError`` if ``obj`` is
    not a saved model instance, ``InvalidDatetimeError`` for a naive ``as_of`` or ``known_at``.
    """
    from django_documents.models import Document

    documents = Document.objects.for_target(obj)
    if as_of is None and known_at is None:
        return documents if include_superseded else documents.current()
    if known_at is not None:
        known_at = require_datetime(known_at, name="known_at")
    when = as_of if as_of is not None else known_at
    if not include_superseded:
        return documents.as_of(when, known_at=known_at)  # type: ignore[arg-type]
    documents = documents.filter(effective_at__lte=require_datetime(when, name="as_of"))
    return documents if known_at is None else documents.known_at(known_at)


def history(document: Document) -> DocumentQuerySet:
    """Every version of ``document``'s history, oldest first (``version`` 1, 2, ...), itself included."""
    from django_documents.models import Document

    return Document.objects.filter(lineage=document.lineage).order_by("version")


def current_version(document: Document) -> Document:
    """The newest version of ``document``'s history (``document`` itself if nothing supersedes it)."""
    return history(document).last()  # type: ignore[return-value]


def orphan_files(*, older_than: datetime.timedelta = DEFAULT_ORPHAN_AGE) -> list[str]:
    """Files under ``documents/`` in the documents storage that no ``Document`` names.

    A refused upload leaves no file, and neither does a failed insert; but when a caller's own
    transaction rolls back after ``attach_document`` returned, the row goes and the file stays. This
    finds such files. Files modified less than ``older_than`` ago (default one hour) are left out:
    they may belong to an upload whose transaction has not committed yet. Sorted by name.
    """
    from django_documents.models import Document

    storage = documents_storage()
    cutoff = timezone.now() - older_than
    orphans = []
    for directory, files in _walk(storage, UPLOAD_ROOT):
        known = set(Document.objects.filter(file__startswith=f"{directory}/").values_list("file", flat=True))
        for filename in files:
            name = f"{directory}/{filename}"
            if name not in known and storage.get_modified_time(name) < cutoff:
                orphans.append(name)
    return sorted(orphans)


def _walk(storage: Storage, directory: str) -> Iterator[tuple[str, list[str]]]:
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # nothing was ever stored
        return
    yield directory, files
    for child in sorted(directories):
        yield from _walk(storage, f"{directory}/{child}")
