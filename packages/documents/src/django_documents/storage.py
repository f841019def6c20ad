"""Where files go: the storage named by ``DOCUMENTS_STORAGE``, and the path of a new document's file."""

from __future__ import annotations

import datetime
import os
import unicodedata
from typing import Any

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import Storage, storages
from django.utils import timezone
from django.utils.text import get_valid_filename

UPLOAD_ROOT = "documents"
MAX_SAFE_STEM_LENGTH = 80
MAX_SAFE_EXTENSION_LENGTH = 16


class DocumentsStorage(Storage):
    """The storage ``STORAGES[DOCUMENTS_STORAGE]``, looked up on every call.

    The model's ``FileField`` holds this proxy rather than the storage itself, so the storage is
    chosen by settings at run time (local, S3, ... without a code change or a migration) and a
    bad alias is reported by the system check instead of failing at import.
    """

    @property
    def backend(self) -> Storage:
        from django_documents import conf

        return storages[conf.storage_alias()]

    def __getattr__(self, name: str) -> Any:
        # Attributes of a particular backend (location, base_url, bucket_name, ...).
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.backend, name)

    def open(self, name: str, mode: str = "rb") -> Any:
        return self.backend.open(name, mode)

    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        return self.backend.save(name, content, max_length=max_length)

    def get_valid_name(self, name: str) -> str:
        return self.backend.get_valid_name(name)

    def get_alternative_name(self, file_root: str, file_ext: str) -> str:
        return self.backend.get_alternative_name(file_root, file_ext)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self.backend.get_available_name(name, max_length=max_length)

    def generate_filename(self, filename: str | os.PathLike[str]) -> str:
        return self.backend.generate_filename(filename)

    def path(self, name: str) -> str:
        return self.backend.path(name)

    def delete(self, name: str) -> None:
        self.backend.delete(name)

    def exists(self, name: str) -> bool:
        return self.backend.exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.backend.listdir(path)

    def size(self, name: str) -> int:
        return self.backend.size(name)

    def url(self, name: str | None) -> str:
        return self.backend.url(name)

    def get_accessed_time(self, name: str) -> datetime.datetime:
        return self.backend.get_accessed_time(name)

    def get_created_time(self, name: str) -> datetime.datetime:
        return self.backend.get_created_time(name)

    def get_modified_time(self, name: str) -> datetime.datetime:
        return self.backend.get_modified_time(name)


_documents_storage = DocumentsStorage()


def documents_storage() -> DocumentsStorage:
    """The storage of ``Document.file``; a callable so migrations name it instead of freezing a backend."""
    return _documents_storage


def original_basename(filename: str) -> str:
    """The last part of a client's filename, whatever its path separators: ``C:\\\\x\\\\a.pdf`` -> ``a.pdf``."""
    return filename.replace("\\", "/").rsplit("/", 1)[-1].strip()


def safe_filename(filename: str) -> str:
    """An ASCII filename safe in any storage, made from a client's filename (``"file"`` if nothing is left).

    Directories are dropped, accents folded, other characters outside ``[-\\w.]`` removed, and the
    stem and extension shortened, so the client never chooses where a file goes.
    """
    base = original_basename(filename)
    stem, extension = os.path.splitext(base)
    if len(extension) > MAX_SAFE_EXTENSION_LENGTH:
        stem, extension = base, ""
    stem = _ascii_filename(stem)[:MAX_SAFE_STEM_LENGTH].strip(".") or "file"
    return f"{stem}{_ascii_filename(extension)}"


def _ascii_filename(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    try:
        return get_valid_filename(ascii_text)
    except SuspiciousFileOperation:  # nothing left, "." or ".."
        return ""


def document_upload_to(document: Any, filename: str) -> str:
    """``documents/<yyyy>/<mm>/<document id hex>-<safe filename>``, by the document's creation time (UTC)."""
    moment = document.created_at
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment, datetime.timezone.utc)
    return f"{UPLOAD_ROOT}/{moment:%Y}/{moment:%m}/{document.pk.hex}-{safe_filename(filename)}"
