"""Finding each configured package under the root, the source files it owns and its pyproject.toml.

A package named by its import name is looked for in the monorepo layout
``packages/<short>/src/<module>/``, then in ``src/<module>/``, then flat at ``<module>/`` (or as a single
``<module>.py``). A package given a ``path`` owns every ``.py`` under that directory, and the top-level
modules found directly in it (a Django project directory holding ``manage.py``, its settings package and
its apps).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from django_layers.config import Config, PackageSpec
from django_layers.errors import ConfigError
from django_layers.ignore import PathFilter
from django_layers.pyproject import Project, read_project


class SourceFile(NamedTuple):
    """One module of a package: its absolute path, its path relative to the root (with ``/``) and its name."""

    path: str
    relative: str
    module: str
    is_package: bool

    @property
    def parent_package(self) -> str:
        """The package relative imports start from (the module itself for an ``__init__.py``)."""
        return self.module if self.is_package else self.module.rpartition(".")[0]


class Package(NamedTuple):
    """A configured package as found under the root (``location`` is None when it is not there)."""

    spec: PackageSpec
    location: Path | None
    files: tuple[SourceFile, ...]
    import_names: frozenset[str]
    project: Project | None

    @property
    def name(self) -> str:
        return self.spec.name


class _Location(NamedTuple):
    path: Path  # the package's directory, or its single module file
    module: str  # the module name of that directory or file ("" for a directory of loose modules)
    import_names: frozenset[str]
    project_directory: Path


def discover_packages(config: Config, root: Path, path_filter: PathFilter) -> list[Package]:
    """Every package of the configuration, in configuration order.

    A package found inside another one's directory (``django.db`` inside ``django``) takes its files
    away from the outer one. Raises :class:`ConfigError` for a pyproject.toml that cannot be read.
    """
    monorepo_sources = sorted(path for path in root.glob("packages/*/src") if path.is_dir())
    locations = {
        spec.name: _locate_directory(spec, root)
        if spec.path is not None
        else _locate_module(spec, root, monorepo_sources)
        for spec in config.packages.values()
    }
    taken = {str(location.path) for location in locations.values() if location is not None}
    packages = []
    for spec in config.packages.values():
        location = locations[spec.name]
        if location is None:
            packages.append(Package(spec, None, (), frozenset({spec.name}), None))
            continue
        if location.path.is_dir():
            files = _walk(location.path, location.module, root, path_filter, taken - {str(location.path)})
        else:
            relative = location.path.relative_to(root).as_posix()
            kept = not path_filter.ignores_file(relative)
            files = (SourceFile(str(location.path), relative, location.module, False),) if kept else ()
        project = _project(location.project_directory, root)
        packages.append(Package(spec, location.path, files, location.import_names, project))
    return packages


def unlisted_monorepo_packages(config: Config, root: Path) -> list[str]:
    """Directories ``packages/<short>/src/<module>/`` whose module no layer lists (relative to the root)."""
    configured = {spec.name.partition(".")[0] for spec in config.packages.values()}
    return [
        path.relative_to(root).as_posix()
        for path in sorted(root.glob("packages/*/src/*"))
        if path.is_dir() and path.name.isidentifier() and path.name not in configured
    ]


def _locate_module(spec: PackageSpec, root: Path, monorepo_sources: list[Path]) -> _Location | None:
    parts = spec.name.split(".")
    candidates = [(source, source.parent) for source in monorepo_sources]
    candidates += [(root / "src", root), (root, root)]
    names = frozenset({spec.name})
    for base, project_directory in candidates:
        directory = base.joinpath(*parts)
        if directory.is_dir():
            return _Location(directory, spec.name, names, project_directory)
        module_file = directory.with_name(parts[-1] + ".py")
        if module_file.is_file():
            return _Location(module_file, spec.name, names, project_directory)
    return None


def _locate_directory(spec: PackageSpec, root: Path) -> _Location | None:
    assert spec.path is not None
    directory = root / spec.path
    if not directory.is_dir():
        return None
    if (directory / "__init__.py").is_file():  # the directory is itself an importable package
        return _Location(directory, directory.name, frozenset({spec.name, directory.name}), directory)
    loose_modules = {
        entry.name.removesuffix(".py")
        for entry in os.scandir(directory)
        if (entry.is_file() and entry.name.endswith(".py"))
        or (entry.is_dir() and os.path.isfile(os.path.join(entry.path, "__init__.py")))
    }
    return _Location(directory, "", frozenset({spec.name} | loose_modules), directory)


def _walk(directory: Path, module: str, root: Path, path_filter: PathFilter, taken: set[str]) -> tuple[SourceFile, ...]:
    """Every ``.py`` under ``directory`` that the filter keeps and no other package has ``taken``;
    ``module`` is the directory's module name."""
    found: list[SourceFile] = []
    relative = directory.relative_to(root).as_posix()
    pending = [(str(directory), "" if relative == "." else relative, module)]
    while pending:
        current, relative_dir, package = pending.pop()
        prefix = f"{relative_dir}/" if relative_dir else ""
        try:
            entries = sorted(os.scandir(current), key=lambda entry: entry.name)
        except OSError:
            continue  # unreadable or vanished while walking: nothing to scan there
        subdirectories = []
        for entry in entries:
            name = entry.name
            if name.endswith(".py"):
                if entry.path in taken or path_filter.ignores_file(prefix + name) or not entry.is_file():
                    continue
                is_init = name == "__init__.py"
                module_name = package if is_init else (f"{package}.{name[:-3]}" if package else name[:-3])
                found.append(SourceFile(entry.path, prefix + name, module_name, is_init))
            elif (
                not name.startswith(".")
                and name != "__pycache__"
                and entry.is_dir(follow_symlinks=False)
                and entry.path not in taken
                and not path_filter.ignores_directory(prefix + name)
            ):
                subdirectories.append((entry.path, prefix + name, f"{package}.{name}" if package else name))
        pending.extend(reversed(subdirectories))
    return tuple(found)


def _project(directory: Path, root: Path) -> Project | None:
    """The project of a pyproject.toml in ``directory``, its ``path`` made relative to the root."""
    path = directory / "pyproject.toml"
    try:
        project = read_project(path)
    except ValueError as error:
        raise ConfigError(path.relative_to(root).as_posix(), "(file)", f"invalid TOML: {error}") from None
    return None if project is None else project._replace(path=path.relative_to(root))
