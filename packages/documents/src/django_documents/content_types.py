"""What a file is: its content type from its first bytes (magic numbers) and its filename, and the allowlist check."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable

from django_documents.conf import CONTENT_TYPE_PATTERN

SNIFF_BYTES = 64 * 1024
OCTET_STREAM = "application/octet-stream"
PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"

OFFICE_ZIP_TYPES = frozenset({DOCX, XLSX, PPTX, ODT, ODS, ODP})
# Types the sniffer recognises: a filename claiming one of them is believed only if the bytes agree.
SNIFFED_TYPES = frozenset({PDF, PNG, JPEG, GIF, ZIP}) | OFFICE_ZIP_TYPES

_SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)
_ZIP_LOCAL_HEADER = b"PK\x03\x04"
_OOXML_FOLDERS = ((b"word/", DOCX), (b"xl/", XLSX), (b"ppt/", PPTX))

# Python's own table only, not the host's /etc/mime.types, so a filename means the same on every
# machine; it lacks the office formats, added here.
_by_extension = mimetypes.MimeTypes(filenames=())
for _extension, _content_type in (
    (".docx", DOCX),
    (".xlsx", XLSX),
    (".pptx", PPTX),
    (".odt", ODT),
    (".ods", ODS),
    (".odp", ODP),
):
    _by_extension.add_type(_content_type, _extension)


def normalize_content_type(value: str | None) -> str:
    """``"Text/Plain; charset=utf-8"`` -> ``"text/plain"``; ``None`` -> ``""``."""
    if not value:
        return ""
    return value.split(";", 1)[0].strip().lower()


def is_well_formed(content_type: str) -> bool:
    """Whether ``content_type`` is a lowercase ``type/subtype`` of at most 255 characters."""
    return len(content_type) <= 255 and CONTENT_TYPE_PATTERN.fullmatch(content_type) is not None


def is_allowed(content_type: str, allowed: Iterable[str] | None) -> bool:
    """Whether ``content_type`` matches an entry of ``allowed`` (``"type/subtype"``, ``"type/*"``); ``None``: all."""
    if allowed is None:
        return True
    allowed = set(allowed)
    return content_type in allowed or f"{content_type.split('/', 1)[0]}/*" in allowed


def guess_from_filename(filename: str) -> str | None:
    """The content type of ``filename``'s extension, or ``None`` when the extension is unknown."""
    content_type, _encoding = _by_extension.guess_type(filename, strict=False)
    return content_type


def sniff(head: bytes) -> str | None:
    """The content type that the first bytes of a file show, for the formats in ``SNIFFED_TYPES``, else ``None``."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head.startswith(_ZIP_LOCAL_HEADER):
        return _sniff_zip(head)
    return None


def _zip_entry_names(head: bytes) -> Iterable[bytes]:
    # Each local file header: signature, 22 bytes of versions, flags, sizes..., name length at
    # offset 26, extra length at 28, then the name. Compressed data may contain the signature by
    # chance; a name decoded from there is noise that matches nothing below.
    start = head.find(_ZIP_LOCAL_HEADER)
    while start != -1 and start + 30 <= len(head):
        name_length = int.from_bytes(head[start + 26 : start + 28], "little")
        yield head[start + 30 : start + 30 + name_length]
        start = head.find(_ZIP_LOCAL_HEADER, start + 4)


def _sniff_zip(head: bytes) -> str:
    # OpenDocument: the first entry is "mimetype", stored uncompressed, holding the content type.
    if head[30:38] == b"mimetype":
        name_length = int.from_bytes(head[26:28], "little")
        extra_length = int.from_bytes(head[28:30], "little")
        size = int.from_bytes(head[18:22], "little")
        data_start = 30 + name_length + extra_length
        declared = head[data_start : data_start + size].decode("ascii", errors="replace")
        if declared in OFFICE_ZIP_TYPES:
            return declared
    names = list(_zip_entry_names(head))
    if b"[Content_Types].xml" in names:
        for name in names:
            for folder, content_type in _OOXML_FOLDERS:
                if name.startswith(folder):
                    return content_type
    return ZIP


def detect_content_type(head: bytes, filename: str) -> str:
    """The content type of a file from its first bytes and its name.

    The bytes win for the formats the sniffer knows (PDF, PNG, JPEG, GIF, ZIP and the ZIP-based
    office formats). A ZIP whose entries do not tell which office format it is takes the filename's
    office type if it has one. Otherwise the filename's extension decides, unless it claims a sniffed
    format that the bytes do not show (``report.pdf`` that is not a PDF): then, like a file with an
    unknown extension, it is ``application/octet-stream``.
    """
    sniffed = sniff(head)
    guessed = guess_from_filename(filename)
    if sniffed == ZIP and guessed in OFFICE_ZIP_TYPES:
        return guessed
    if sniffed is not None:
        return sniffed
    if guessed is not None and guessed not in SNIFFED_TYPES:
        return guessed
    return OCTET_STREAM
