"""Reading each source file once and scanning it (through the cache when there is one)."""

from __future__ import annotations

import warnings
from typing import NamedTuple

from django_layers.cache import ScanCache, content_key
from django_layers.discovery import SourceFile
from django_layers.references import Reference

APP_CONFIG_MODULE = "apps.py"


class FileScan(NamedTuple):
    """What one file holds: its references, the labels of the AppConfigs it defines (``apps.py`` only),
    or why it could not be scanned."""

    file: SourceFile
    references: list[Reference]
    app_labels: list[str]
    error: str | None = None


def scan_file_content(data: bytes, *, full: bool = False) -> tuple[list[Reference], str | None]:
    """Scan one file's bytes: (references, error). ``full`` uses the full ``ast`` walk instead of the fast scan."""
    # Imported here: a run that finds every file in the cache never needs the parser.
    from django_layers import ast_scan, fast_scan

    try:
        return (ast_scan.scan_source(data) if full else fast_scan.scan_source(data)), None
    except (SyntaxError, ValueError) as error:
        return [], _parse_error(error)


def app_labels_of(data: bytes) -> list[str]:
    """Labels of the AppConfig classes in an ``apps.py`` (none if it does not parse)."""
    from django_layers import ast_scan

    if b"AppConfig" not in data:
        return []
    try:
        return ast_scan.find_app_labels(data)
    except (SyntaxError, ValueError):
        return []


def _parse_error(error: SyntaxError | ValueError) -> str:
    line = getattr(error, "lineno", None)
    where = f"line {line}: " if line else ""
    return f"not valid Python ({where}{getattr(error, 'msg', None) or error})"


def scan_files(files: list[SourceFile], cache: ScanCache | None = None, *, full: bool = False) -> list[FileScan]:
    """Scan every file, reading each once; unreadable or invalid files come back with an ``error``."""
    with warnings.catch_warnings():
        # The parser warns about other people's code (invalid escape sequences): not ours to report.
        warnings.simplefilter("ignore", SyntaxWarning)
        return _scan_files(files, cache, full=full)


def _scan_files(files: list[SourceFile], cache: ScanCache | None, *, full: bool) -> list[FileScan]:
    scans: list[FileScan] = []
    for file in files:
        try:
            with open(file.path, "rb") as stream:
                data = stream.read()
        except OSError as unreadable:
            scans.append(FileScan(file, [], [], f"cannot be read ({unreadable.strerror or unreadable})"))
            continue
        wants_labels = file.relative.rpartition("/")[2] == APP_CONFIG_MODULE
        key = content_key(data) if cache is not None else ""
        cached = cache.get(key) if cache is not None else None
        if cached is None:
            references, error = scan_file_content(data, full=full)
            labels = app_labels_of(data) if wants_labels else None
        else:
            references, labels, error = cached
            if labels is None and wants_labels:
                labels = app_labels_of(data)
        if cache is not None and (cached is None or cached[1] != labels):
            cache.put(key, references, labels, error)
        scans.append(FileScan(file, references, labels or [], error))
    return scans
