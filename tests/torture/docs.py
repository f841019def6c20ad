"""The tables of docs/torture.md, rendered from the matrix; ``test_docs.py`` keeps the file in sync.

Rewrite them after changing an adapter: ``python -m tests.torture.docs --write`` (from the repo root).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "torture.md"
START, END = "<!-- matrix:start -->", "<!-- matrix:end -->"
TITLES = {
    "retry": "Retry",
    "backdate": "Backdate",
    "reversal": "Reversal",
    "delegation": "Delegation",
    "snapshot": "Snapshot",
}
RESULTS = {"pass": "pass", "n/a": "not applicable", "xfail": "**gap** (xfail, strict)"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    """The surfaces table and the surface x test table, as Markdown."""
    from tests.torture.matrix import SURFACES, outcome
    from tests.torture.surfaces import KINDS

    lines = ["| surface | decision taken by |", "|---|---|"]
    lines += [f"| `{surface.id}` | `{_cell(surface.call)}` |" for surface in SURFACES]
    lines += ["", "| surface | test | result | test id | note |", "|---|---|---|---|---|"]
    for surface in SURFACES:
        for kind in KINDS:
            result = outcome(surface, kind)
            if result == "n/a":
                note = surface.not_applicable[kind]
            elif result == "xfail":
                note = surface.known_gaps[kind].reason
            else:
                note = surface.notes.get(kind, "")
            test_id = f"test_{kind}.py::test_{kind}[{surface.id}]"
            lines.append(f"| `{surface.id}` | {TITLES[kind]} | {RESULTS[result]} | `{test_id}` | {_cell(note)} |")
    return "\n".join(lines)


def _block() -> re.Match:
    match = re.search(re.escape(START) + r"\n(.*?)" + re.escape(END), DOC.read_text(), flags=re.S)
    if match is None:
        raise LookupError(f"{DOC} has no {START} ... {END} block")
    return match


def current() -> str:
    """What docs/torture.md holds between the markers."""
    return _block().group(1).rstrip("\n")


def write() -> None:
    text = DOC.read_text()
    match = _block()
    DOC.write_text(text[: match.start(1)] + render() + "\n" + text[match.end(1) :])


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.torture.settings")
    import django

    django.setup()
    if sys.argv[1:] == ["--write"]:
        write()
    else:
        print(render())
