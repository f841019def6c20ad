"""A cache of scan results keyed by a hash of each file's content, so unchanged files are not scanned again.

One JSON file in the cache directory (default ``<root>/.layers-cache/``), which holds a ``.gitignore``
so that it is never committed. A cache that cannot be read is started afresh: it only saves time.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from django_layers import __version__
from django_layers.references import Reference

try:  # the BLAKE2 module alone: hashlib would load OpenSSL too, a noticeable share of a warm run
    from _blake2 import blake2b
except ImportError:  # pragma: no cover (CPython always has it)
    from hashlib import blake2b

CACHE_FILE = "scan.json"
FORMAT = 1
# Results depend on the scanner's code: a new version of the package starts a new cache.
STAMP = f"{FORMAT}:{__version__}"


def content_key(data: bytes) -> str:
    """The cache key of a file's content."""
    return blake2b(data, digest_size=16).hexdigest()


class ScanCache:
    """Scan results by content key: references, AppConfig labels (None when not looked for) and a parse error."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._stored: dict[str, Any] = self._load()
        self._used: dict[str, Any] = {}

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads((self.directory / CACHE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("stamp") != STAMP or not isinstance(data.get("files"), dict):
            return {}
        return data["files"]

    def get(self, key: str) -> tuple[list[Reference], list[str] | None, str | None] | None:
        entry = self._used.get(key) or self._stored.get(key)
        if entry is None:
            return None
        try:
            references = [
                Reference(line, kind, module, level, tuple(names)) for line, kind, module, level, names in entry[0]
            ]
            result = (references, None if entry[1] is None else list(entry[1]), entry[2])
        except (TypeError, ValueError, IndexError):
            return None  # an entry from a damaged file: scan again
        self._used[key] = entry
        return result

    def put(self, key: str, references: list[Reference], app_labels: list[str] | None, error: str | None) -> None:
        self._used[key] = [[list(reference) for reference in references], app_labels, error]

    def save(self) -> None:
        """Write the entries used by this run (dropping the others), when they differ from the stored ones.

        Raises ``OSError`` when the directory cannot be written.
        """
        if self._used.keys() == self._stored.keys():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        ignore = self.directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# written by django-layers: this cache is never committed\n*\n", encoding="utf-8")
        temporary = self.directory / f".{CACHE_FILE}.{os.getpid()}.tmp"
        try:
            with open(temporary, "w", encoding="utf-8") as stream:
                # dumps, not dump: only the one-shot encoder is written in C
                stream.write(json.dumps({"stamp": STAMP, "files": self._used}, separators=(",", ":")))
            os.replace(temporary, self.directory / CACHE_FILE)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        self._stored = dict(self._used)
