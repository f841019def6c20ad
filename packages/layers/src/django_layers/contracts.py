"""The rules a dependency graph is checked against: layers, declared dependencies, independence, cycles."""

from __future__ import annotations

from itertools import pairwise

from django_layers.config import LOWER_ONLY, Config
from django_layers.discovery import Package
from django_layers.graph import Dependency, DependencyGraph, shortest_cycle, strongly_connected_components
from django_layers.references import TYPE_CHECKING_IMPORT
from django_layers.violations import CYCLE, INDEPENDENCE, LAYER, UNDECLARED, Violation


def counted_dependencies(config: Config, graph: DependencyGraph) -> list[Dependency]:
    """The dependencies the rules apply to: ``if TYPE_CHECKING:`` imports only when they count."""
    if config.type_checking_imports == "count":
        return list(graph.dependencies)
    return [dependency for dependency in graph.dependencies if dependency.kind != TYPE_CHECKING_IMPORT]


def _violation(dependency: Dependency, rule: str, message: str) -> Violation:
    return Violation(
        path=dependency.path,
        line=dependency.line,
        rule=rule,
        importer=dependency.importer,
        imported=dependency.imported,
        kind=dependency.kind,
        target=dependency.target,
        message=message,
    )


def layer_violations(config: Config, dependencies: list[Dependency]) -> list[Violation]:
    """A package may depend on its own layer or a lower one (``same_or_lower``), or only on a lower one
    (``lower_only``); ``allow`` lists the exceptions."""
    layers = {layer.name: layer for layer in config.layers}
    found = []
    for dependency in dependencies:
        if dependency.imported in config.allow.get(dependency.importer, ()):
            continue
        importer = config.packages[dependency.importer]
        imported = config.packages[dependency.imported]
        rule = layers[importer.layer].rule
        if imported.layer_index > importer.layer_index:
            message = (
                f"{importer.layer} package {importer.name} may not depend on {imported.name} "
                f"of the higher layer {imported.layer}"
            )
        elif imported.layer_index == importer.layer_index and rule == LOWER_ONLY:
            message = (
                f"layer {importer.layer} is lower_only: {importer.name} may not depend on {imported.name} "
                "of the same layer"
            )
        else:
            continue
        found.append(_violation(dependency, LAYER, message))
    return found


def undeclared_violations(config: Config, packages: list[Package], dependencies: list[Dependency]) -> list[Violation]:
    """A package with a pyproject.toml must list, in ``[project] dependencies``, the distribution of every
    sibling it depends on (when that sibling's distribution is known and is another one)."""
    if not config.undeclared:
        return []
    by_name = {package.name: package for package in packages}
    found = []
    for dependency in dependencies:
        importer, imported = by_name[dependency.importer].project, by_name[dependency.imported].project
        if importer is None or imported is None or importer.name == imported.name:
            continue
        if imported.name not in importer.dependencies:
            message = (
                f"{dependency.importer} depends on {dependency.imported}, but {importer.path.as_posix()} "
                f"does not list {imported.name} in [project] dependencies"
            )
            found.append(_violation(dependency, UNDECLARED, message))
    return found


def independence_violations(config: Config, dependencies: list[Dependency]) -> list[Violation]:
    """Packages of one independence group may not depend on each other, whatever their layers."""
    found = []
    for group in config.independence:
        members = set(group.packages)
        for dependency in dependencies:
            if dependency.importer not in members or dependency.imported not in members:
                continue
            if dependency.imported in config.allow.get(dependency.importer, ()):
                continue
            message = (
                f"{dependency.importer} and {dependency.imported} must stay independent "
                f"(independence group {group.name})"
            )
            found.append(_violation(dependency, INDEPENDENCE, message))
    return found


def cycle_violations(config: Config, dependencies: list[Dependency]) -> list[Violation]:
    """One violation per group of packages that depend on each other, showing a shortest cycle."""
    if not config.cycles:
        return []
    edges = DependencyGraph(tuple(dependencies)).edges()
    found = []
    for members in strongly_connected_components(edges):
        cycle = shortest_cycle(edges, members)
        first = edges[cycle[0]][cycle[1]][0]
        hops = "; ".join(
            f"{importer} -> {imported} at {edges[importer][imported][0].path}:{edges[importer][imported][0].line}"
            for importer, imported in pairwise(cycle)
        )
        message = f"dependency cycle {' -> '.join(cycle)} ({hops})"
        if len(members) > len(cycle) - 1:
            message += f"; the cycle group holds {', '.join(members)}"
        found.append(
            Violation(
                path=first.path,
                line=first.line,
                rule=CYCLE,
                importer=first.importer,
                imported=first.imported,
                kind=first.kind,
                target=first.target,
                message=message,
                cycle=tuple(cycle),
                members=tuple(members),
            )
        )
    return found


def check_contracts(config: Config, packages: list[Package], graph: DependencyGraph) -> list[Violation]:
    """Every violation of every rule, sorted by place."""
    dependencies = counted_dependencies(config, graph)
    return sorted(
        layer_violations(config, dependencies)
        + undeclared_violations(config, packages, dependencies)
        + independence_violations(config, dependencies)
        + cycle_violations(config, dependencies)
    )
