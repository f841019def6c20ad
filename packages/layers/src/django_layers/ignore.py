"""Glob patterns over paths relative to the root (``**/tests/**``), used to leave files out of the scan."""

from __future__ import annotations

import re


def glob_to_regex(pattern: str) -> str:
    """Translate a path glob: ``**`` spans directories, ``*`` and ``?`` stay within one, ``[abc]`` is a class.

    ``**/`` may match no directory at all, so ``**/tests/**`` matches ``tests/x.py`` as well as ``a/tests/x.py``.
    """
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif char == "*":
            out.append("[^/]*")
            index += 1
        elif char == "?":
            out.append("[^/]")
            index += 1
        elif char == "[" and "]" in pattern[index + 2 :]:
            end = pattern.index("]", index + 2)
            body = pattern[index + 1 : end]
            negated = body.startswith("!")
            body = body[1:] if negated else body
            out.append("[" + ("^" if negated else "") + body.replace("\\", "\\\\") + "]")
            index = end + 1
        else:
            out.append(re.escape(char))
            index += 1
    return "".join(out)


class PathFilter:
    """Decides which files (and whole directories) the scan leaves out."""

    def __init__(self, patterns: tuple[str, ...] | list[str]) -> None:
        self.patterns = tuple(patterns)
        self._file = re.compile("|".join(f"(?:{glob_to_regex(p.strip('/'))})" for p in self.patterns) or r"(?!)")
        # "a/**" leaves out everything under a directory matching "a": such directories need not be walked.
        whole = [glob_to_regex(p.strip("/")[:-3]) for p in self.patterns if p.strip("/").endswith("/**")]
        self._directory = re.compile("|".join(f"(?:{regex})" for regex in whole) or r"(?!)")

    def ignores_file(self, relative_path: str) -> bool:
        """``relative_path`` uses ``/`` and is relative to the root."""
        return self._file.fullmatch(relative_path) is not None

    def ignores_directory(self, relative_path: str) -> bool:
        """Whether every file under this directory is left out, so the walk can skip it."""
        return self._directory.fullmatch(relative_path) is not None
