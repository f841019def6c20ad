"""Small files of each kind the content type detection knows, built in memory."""

import io
import zipfile

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 10


def zip_bytes(entries, *, mimetype=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if mimetype is not None:
            archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        for name in entries:
            archive.writestr(name, f"<xml>{name}</xml>" * 20)
    return buffer.getvalue()


DOCX = zip_bytes(["[Content_Types].xml", "_rels/.rels", "word/document.xml"])
XLSX = zip_bytes(["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"])
PPTX = zip_bytes(["[Content_Types].xml", "_rels/.rels", "ppt/presentation.xml"])
ODT = zip_bytes(["content.xml"], mimetype="application/vnd.oasis.opendocument.text")
PLAIN_ZIP = zip_bytes(["notes.txt"])


def pdf_file(name="invoice.pdf", content=PDF):
    return ContentFile(content, name=name)


def upload(content, name, content_type):
    """What a browser upload looks like to a view: a file with a declared content type."""
    return SimpleUploadedFile(name, content, content_type=content_type)
