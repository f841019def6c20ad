"""Reading and scanning files: each file read once, problems reported per file instead of failing the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from django_layers.discovery import SourceFile
from django_layers.scanning import app_labels_of, scan_files


def test_a_file_that_cannot_be_read_is_reported(tmp_path: Path):
    missing = SourceFile(str(tmp_path / "gone.py"), "gone.py", "gone", False)
    (scan,) = scan_files([missing])
    assert scan.references == []
    assert scan.error is not None and scan.error.startswith("cannot be read (")


def test_an_apps_module_that_does_not_parse_has_no_labels():
    assert app_labels_of(b"class C(AppConfig:\n") == []


def test_an_apps_module_without_app_configs_is_not_parsed():
    assert app_labels_of(b"this is not python at all (") == []


def test_labels_are_read_from_apps_modules_only(tmp_path: Path):
    content = "from django.apps import AppConfig\nclass C(AppConfig):\n    name = 'x'\n"
    for name in ("apps.py", "other.py"):
        (tmp_path / name).write_text(content, encoding="utf-8")
    scans = scan_files([SourceFile(str(tmp_path / name), name, name[:-3], False) for name in ("apps.py", "other.py")])
    assert [scan.app_labels for scan in scans] == [["x"], []]


def test_the_parser_s_warnings_about_scanned_code_are_not_shown(tmp_path: Path, recwarn: pytest.WarningsRecorder):
    (tmp_path / "x.py").write_text('from typing import TYPE_CHECKING\npattern = "\\d"\n', encoding="utf-8")
    (scan,) = scan_files([SourceFile(str(tmp_path / "x.py"), "x.py", "x", False)], full=True)
    assert scan.error is None
    assert [w for w in recwarn if issubclass(w.category, SyntaxWarning)] == []
