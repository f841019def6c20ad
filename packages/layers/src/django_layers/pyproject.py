"""The two facts django-layers needs from a ``pyproject.toml``: the distribution name and its dependencies."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, NamedTuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REQUIREMENT_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


class Project(NamedTuple):
    """``[project]`` of a pyproject.toml: its ``name`` and the names of its ``dependencies`` (normalized)."""

    path: Path
    name: str
    dependencies: frozenset[str]


def normalize(name: str) -> str:
    """The PEP 503 form of a distribution name: ``Django_Primitives.Layers`` -> ``django-primitives-layers``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str | None:
    """``"django-primitives-money[extra]>=0.1; python_version>'3.10'"`` -> ``"django-primitives-money"``."""
    match = REQUIREMENT_NAME.match(requirement)
    return normalize(match.group(1)) if match else None


def read_project(path: Path) -> Project | None:
    """The ``[project]`` table of the pyproject.toml at ``path``; None if there is none or it has no name.

    Raises ``ValueError`` when the file is not valid TOML.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    project = load_toml(text).get("project")
    if not isinstance(project, dict) or not isinstance(project.get("name"), str):
        return None
    requirements = project.get("dependencies") or []
    names = {requirement_name(item) for item in requirements if isinstance(item, str)}
    return Project(
        path=path, name=normalize(project["name"]), dependencies=frozenset(n for n in names if n is not None)
    )


def load_toml(text: str) -> dict[str, Any]:
    """Parse TOML with ``tomllib`` (Python 3.11+) or its backport ``tomli``; raises ``ValueError`` when invalid."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(str(error)) from None
