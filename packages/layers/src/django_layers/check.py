"""The whole check: read the configuration, find the packages, scan their files, build the graph,
apply the rules and compare with a baseline."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from django_layers.baseline import compare_with_baseline
from django_layers.cache import ScanCache
from django_layers.config import Config
from django_layers.contracts import check_contracts
from django_layers.discovery import Package, discover_packages, unlisted_monorepo_packages
from django_layers.errors import UsageError
from django_layers.graph import DependencyGraph, build_graph
from django_layers.ignore import PathFilter
from django_layers.scanning import FileScan, scan_files
from django_layers.violations import Violation

DEFAULT_CACHE_DIRECTORY = ".layers-cache"


class CheckResult(NamedTuple):
    """What a check found. It fails on new violations and on stale baseline entries."""

    config: Config
    root: Path
    packages: list[Package]
    scans: list[FileScan]
    graph: DependencyGraph
    violations: list[Violation]
    new: list[Violation]
    known: list[Violation]
    stale: list[str]
    notes: list[str]

    @property
    def failed(self) -> bool:
        return bool(self.new or self.stale)

    @property
    def missing_packages(self) -> list[str]:
        """Configured packages not found under the root (imports of them are still checked)."""
        return [package.name for package in self.packages if package.location is None]

    @property
    def unreadable_files(self) -> list[FileScan]:
        return [scan for scan in self.scans if scan.error is not None]


def run_check(
    config: Config,
    root: Path,
    *,
    baseline_entries: list[str] | None = None,
    cache_directory: Path | None = None,
    use_cache: bool = True,
    full_scan: bool = False,
    type_checking_imports: str | None = None,
) -> CheckResult:
    """Check the packages under ``root`` against ``config``.

    ``cache_directory`` defaults to ``<root>/.layers-cache``; ``full_scan`` parses every file whole
    (slower, no cache: for comparison). ``type_checking_imports`` ("count" or "ignore") overrides the
    configuration. Raises :class:`UsageError` when ``root`` is not a directory and :class:`ConfigError`
    for a package's unreadable pyproject.toml.
    """
    if not root.is_dir():
        raise UsageError(f"{root}: the root is not a directory")
    root = root.resolve()
    if type_checking_imports is not None:
        config = config._replace(type_checking_imports=type_checking_imports)
    packages = discover_packages(config, root, PathFilter(config.ignored_paths))
    notes = [
        f"{path} is in no layer: its imports are not checked, and imports of it count as third-party"
        for path in unlisted_monorepo_packages(config, root)
    ]
    cache = None
    if use_cache and not full_scan:
        cache = ScanCache(cache_directory if cache_directory is not None else root / DEFAULT_CACHE_DIRECTORY)
    scans = scan_files([file for package in packages for file in package.files], cache, full=full_scan)
    if cache is not None:
        try:
            cache.save()
        except OSError as error:
            notes.append(f"the scan cache was not saved in {cache.directory}: {error.strerror or error}")
    graph = build_graph(packages, scans)
    violations = check_contracts(config, packages, graph)
    comparison = compare_with_baseline(violations, baseline_entries or [])
    return CheckResult(
        config=config,
        root=root,
        packages=packages,
        scans=scans,
        graph=graph,
        violations=violations,
        new=comparison.new,
        known=comparison.known,
        stale=comparison.stale,
        notes=notes,
    )
