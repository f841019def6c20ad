"""Building the package dependency graph: each reference resolved to the package that owns its target.

Imports are owned through module names (the longest configured prefix wins); lazy model references
through Django app labels. References to modules or labels of no configured package (the standard
library, third-party code, ``auth.User``) and references within one package are dropped.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from django_layers.discovery import Package, SourceFile
from django_layers.references import IMPORT_KINDS, Reference
from django_layers.scanning import FileScan


class Dependency(NamedTuple):
    """A reference from one package to another, where it is written (``path`` is relative to the root)."""

    path: str
    line: int
    importer: str
    imported: str
    kind: str
    target: str


class Owners:
    """Which package owns a module name or an app label."""

    def __init__(self, packages: list[Package], labels_found: dict[str, list[str]]) -> None:
        self.modules: dict[str, str] = {}
        for package in packages:  # configured import names first: they win over a directory's loose modules
            self.modules[package.name] = package.name
        for package in packages:
            for name in package.import_names:
                self.modules.setdefault(name, package.name)
        self.top_level = frozenset(name.partition(".")[0] for name in self.modules)
        self.labels: dict[str, str] = {}
        for package in packages:
            for label in labels_found.get(package.name, []):
                self.labels.setdefault(label, package.name)
        for package in packages:
            # Django's default label is the last part of the app's module name.
            if not labels_found.get(package.name) and package.spec.path is None:
                self.labels.setdefault(package.name.rpartition(".")[2], package.name)

    def of_module(self, module: str) -> str | None:
        if module.partition(".")[0] not in self.top_level:
            return None
        while module:
            if module in self.modules:
                return self.modules[module]
            module = module.rpartition(".")[0]
        return None

    def of_label(self, label: str) -> str | None:
        return self.labels.get(label)


def app_labels_by_package(scans_by_package: dict[str, list[FileScan]]) -> dict[str, list[str]]:
    return {name: [label for scan in scans for label in scan.app_labels] for name, scans in scans_by_package.items()}


def absolute_module(file: SourceFile, reference: Reference) -> str | None:
    """The absolute module an import names (None for a relative import that climbs above the top)."""
    if not reference.level:
        return reference.module
    package = file.parent_package
    parts = package.split(".") if package else []
    if len(parts) < reference.level:
        return None
    base = ".".join(parts[: len(parts) - reference.level + 1])
    return f"{base}.{reference.module}" if reference.module else base


def resolve(file: SourceFile, importer: str, reference: Reference, owners: Owners) -> list[Dependency]:
    """The dependencies on other packages that one reference makes (none, one, or one per imported name)."""
    targets: list[tuple[str, str]] = []
    if reference.kind in IMPORT_KINDS:
        if not reference.level and reference.module.partition(".")[0] not in owners.top_level:
            return []  # the standard library or third-party code: the common case, decided at once
        module = absolute_module(file, reference)
        if module is None:
            return []
        owner = owners.of_module(module) if module else None
        if owner is not None:
            targets.append((owner, module))
        else:  # from namespace import package: the names may be the modules
            for name in reference.names:
                full_name = f"{module}.{name}" if module else name
                owner = owners.of_module(full_name)
                if owner is not None:
                    targets.append((owner, full_name))
    else:
        owner = owners.of_label(reference.module)
        if owner is not None:
            targets.append((owner, ".".join((reference.module, *reference.names))))
    return [
        Dependency(file.relative, reference.line, importer, owner, reference.kind, target)
        for owner, target in dict.fromkeys(targets)
        if owner != importer
    ]


class DependencyGraph(NamedTuple):
    """Every dependency between packages, and the edges they make."""

    dependencies: tuple[Dependency, ...]

    def edges(self) -> dict[str, dict[str, list[Dependency]]]:
        """importer -> imported -> the dependencies that make the edge, sorted by place."""
        edges: dict[str, dict[str, list[Dependency]]] = defaultdict(lambda: defaultdict(list))
        for dependency in self.dependencies:
            edges[dependency.importer][dependency.imported].append(dependency)
        return {importer: dict(targets) for importer, targets in edges.items()}


def build_graph(packages: list[Package], scans: list[FileScan]) -> DependencyGraph:
    """Resolve every scanned reference; ``scans`` must come from the files of ``packages``."""
    package_of_file = {file.path: package.name for package in packages for file in package.files}
    scans_by_package: dict[str, list[FileScan]] = defaultdict(list)
    for scan in scans:
        scans_by_package[package_of_file[scan.file.path]].append(scan)
    owners = Owners(packages, app_labels_by_package(scans_by_package))
    dependencies = [
        dependency
        for scan in scans
        for reference in scan.references
        for dependency in resolve(scan.file, package_of_file[scan.file.path], reference, owners)
    ]
    return DependencyGraph(tuple(sorted(set(dependencies))))


def strongly_connected_components(edges: dict[str, dict[str, list[Dependency]]]) -> list[list[str]]:
    """Groups of two or more packages that depend on each other, each sorted, in sorted order (Tarjan)."""
    index_of: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    nodes = sorted(set(edges) | {target for targets in edges.values() for target in targets})
    for start in nodes:
        if start in index_of:
            continue
        work = [(start, iter(sorted(edges.get(start, {}))))]
        index_of[start] = lowlink[start] = len(index_of)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index_of:
                    index_of[child] = lowlink[child] = len(index_of)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, {})))))
                elif child in on_stack:
                    lowlink[node] = min(lowlink[node], index_of[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                lowlink[parent] = min(lowlink[parent], lowlink[node])
            if lowlink[node] == index_of[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return sorted(components)


def shortest_cycle(edges: dict[str, dict[str, list[Dependency]]], members: list[str]) -> list[str]:
    """A shortest cycle through the first (smallest) member, within the component: ``[a, b, ..., a]``."""
    start, allowed = members[0], set(members)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(edges.get(node, {})):
                if child not in allowed:
                    continue
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    raise ValueError("not a strongly connected component")  # pragma: no cover (callers pass components)
