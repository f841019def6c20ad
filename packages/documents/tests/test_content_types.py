"""Content type detection: magic bytes for the common formats, the filename for the rest, never a lying name."""

import pytest

from django_documents.content_types import DOCX as DOCX_TYPE
from django_documents.content_types import ODT as ODT_TYPE
from django_documents.content_types import PPTX as PPTX_TYPE
from django_documents.content_types import XLSX as XLSX_TYPE
from django_documents.content_types import (
    detect_content_type,
    is_allowed,
    is_well_formed,
    normalize_content_type,
    sniff,
)
from tests.files import DOCX, GIF, JPEG, ODT, PDF, PLAIN_ZIP, PNG, PPTX, XLSX, zip_bytes


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (GIF, "image/gif"),
        (b"GIF87a" + b"\x00" * 10, "image/gif"),
        (DOCX, DOCX_TYPE),
        (XLSX, XLSX_TYPE),
        (PPTX, PPTX_TYPE),
        (ODT, ODT_TYPE),
        (PLAIN_ZIP, "application/zip"),
    ],
)
def test_the_first_bytes_tell_the_common_formats(content, expected):
    assert detect_content_type(content, "upload") == expected


def test_the_bytes_win_over_the_filename():
    assert detect_content_type(PNG, "invoice.pdf") == "image/png"


def test_a_filename_claiming_a_sniffed_format_the_bytes_do_not_show_is_octet_stream():
    assert detect_content_type(b"<html><script>", "invoice.pdf") == "application/octet-stream"


def test_a_zip_whose_entries_say_nothing_takes_the_office_type_of_its_filename():
    assert detect_content_type(zip_bytes(["content.bin"]), "report.xlsx") == XLSX_TYPE


def test_a_zip_named_like_a_pdf_is_a_zip():
    assert detect_content_type(PLAIN_ZIP, "report.pdf") == "application/zip"


def test_an_opendocument_zip_with_an_unknown_mimetype_is_a_zip():
    assert detect_content_type(zip_bytes(["x"], mimetype="application/x-unknown"), "x.bin") == "application/zip"


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("notes.txt", "text/plain"),
        ("rows.CSV", "text/csv"),
        ("data.json", "application/json"),
        ("no-extension", "application/octet-stream"),
        ("strange.zzzz", "application/octet-stream"),
    ],
)
def test_other_files_are_told_by_their_extension(filename, expected):
    assert detect_content_type(b"plain text", filename) == expected


def test_a_truncated_zip_header_is_still_a_zip():
    assert sniff(b"PK\x03\x04\x14\x00") == "application/zip"


def test_unknown_bytes_are_not_sniffed():
    assert sniff(b"hello") is None


@pytest.mark.parametrize(
    ("declared", "expected"),
    [("Text/CSV; charset=utf-8", "text/csv"), ("  image/PNG ", "image/png"), (None, ""), ("", "")],
)
def test_declared_content_types_are_normalised(declared, expected):
    assert normalize_content_type(declared) == expected


@pytest.mark.parametrize(
    ("content_type", "well_formed"),
    [
        ("application/pdf", True),
        ("application/vnd.ms-excel", True),
        ("pdf", False),
        ("a/b/c", False),
        ("x/" * 200, False),
    ],
)
def test_a_content_type_is_type_slash_subtype(content_type, well_formed):
    assert is_well_formed(content_type) is well_formed


@pytest.mark.parametrize(
    ("allowed", "content_type", "expected"),
    [
        (None, "anything/at-all", True),
        (["application/pdf"], "application/pdf", True),
        (["application/pdf"], "application/zip", False),
        (["image/*"], "image/png", True),
        (["image/*"], "application/png", False),
        ([], "application/pdf", False),
    ],
)
def test_the_allowlist_matches_exact_types_and_wildcards(allowed, content_type, expected):
    assert is_allowed(content_type, allowed) is expected
