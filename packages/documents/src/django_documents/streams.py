"""Reading a file once, in chunks: its SHA-256, its size and its first bytes, without holding it in memory."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.core.files.base import File

from django_documents.content_types import SNIFF_BYTES
from django_documents.exceptions import FileTooLargeError

# Bytes of an upload kept in memory before the copy moves to a temporary file.
SPOOL_MEMORY_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class SpooledUpload:
    """A checked copy of an upload: ``file`` holds exactly the bytes that ``sha256`` and ``size`` describe."""

    file: IO[bytes]
    size: int
    sha256: str
    head: bytes


def as_bytes(chunk: bytes | str) -> bytes:
    # A file opened in text mode (ContentFile("text")) yields str: documents store its UTF-8 bytes.
    return chunk.encode("utf-8") if isinstance(chunk, str) else chunk


@contextmanager
def spool_upload(file: File, *, max_size: int | None) -> Iterator[SpooledUpload]:
    """Copy ``file`` chunk by chunk into a temporary spool, hashing and counting as it goes.

    Raises ``FileTooLargeError`` as soon as more than ``max_size`` bytes were read. The spool (in memory
    up to 1 MiB, on disk beyond) is what gets stored, so the stored bytes are the hashed ones even
    if the source cannot seek back or changes meanwhile. It is removed when the block exits.
    """
    digest = hashlib.sha256()
    size = 0
    head = bytearray()
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_LIMIT) as spool:
        for chunk in file.chunks():
            data = as_bytes(chunk)
            size += len(data)
            if max_size is not None and size > max_size:
                raise FileTooLargeError(size_read=size, limit=max_size)
            digest.update(data)
            spool.write(data)
            if len(head) < SNIFF_BYTES:
                head += data[: SNIFF_BYTES - len(head)]
        spool.seek(0)
        yield SpooledUpload(file=spool, size=size, sha256=digest.hexdigest(), head=bytes(head))


def digest_chunks(chunks: Iterable[bytes | str]) -> tuple[str, int]:
    """The SHA-256 hex digest and the byte count of a stream of chunks."""
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        data = as_bytes(chunk)
        size += len(data)
        digest.update(data)
    return digest.hexdigest(), size
