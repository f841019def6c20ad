"""The ``django-layers`` command. Exit status: 0 clean, 1 violations (or stale baseline entries),
2 a usage or configuration error (one message naming the file and key, never a traceback)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from django_layers import __version__
from django_layers.baseline import read_baseline, write_baseline
from django_layers.check import DEFAULT_CACHE_DIRECTORY, run_check
from django_layers.config import TYPE_CHECKING_CHOICES, load_config
from django_layers.errors import LayersError
from django_layers.output import FORMATS, render

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="django-layers",
        description="Check that the packages of a repository import each other only as layers.yaml allows.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    check = commands.add_parser(
        "check",
        help="check the packages under --root against --config",
        description="Exit status: 0 clean, 1 violations or stale baseline entries, 2 usage or configuration error.",
    )
    check.add_argument("--config", type=Path, help="the layers.yaml file (default: ROOT/layers.yaml)")
    check.add_argument("--root", type=Path, default=Path("."), help="the repository root (default: .)")
    check.add_argument("--format", choices=FORMATS, default="text", help="report format (default: text)")
    check.add_argument(
        "--baseline", type=Path, metavar="FILE", help="violations listed in FILE are known and do not fail"
    )
    check.add_argument(
        "--write-baseline", type=Path, metavar="FILE", help="record today's violations in FILE and exit 0"
    )
    check.add_argument(
        "--type-checking-imports",
        choices=TYPE_CHECKING_CHOICES,
        help="whether imports under `if TYPE_CHECKING:` count (default: rules.type_checking_imports, else count)",
    )
    check.add_argument("--no-cache", action="store_true", help="scan every file, and keep no cache")
    check.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help=f"where the scan cache lives (default: ROOT/{DEFAULT_CACHE_DIRECTORY})",
    )
    check.add_argument(
        "--full-scan", action="store_true", help="parse every file whole instead of the fast scan (slower; no cache)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``) and return the exit status."""
    arguments = build_parser().parse_args(argv)
    try:
        return run_check_command(arguments)
    except LayersError as error:
        print(f"django-layers: {error}", file=sys.stderr)
        return EXIT_ERROR


def run_check_command(arguments: argparse.Namespace) -> int:
    config_path = arguments.config if arguments.config is not None else arguments.root / "layers.yaml"
    config = load_config(config_path)
    baseline_entries = read_baseline(arguments.baseline) if arguments.baseline is not None else None
    result = run_check(
        config,
        arguments.root,
        baseline_entries=baseline_entries,
        cache_directory=arguments.cache_dir,
        use_cache=not arguments.no_cache,
        full_scan=arguments.full_scan,
        type_checking_imports=arguments.type_checking_imports,
    )
    if arguments.write_baseline is not None:
        write_baseline(arguments.write_baseline, result.violations)
        print(f"django-layers: wrote {len(result.violations)} violation(s) to {arguments.write_baseline}")
        return EXIT_OK
    sys.stdout.write(render(result, arguments.format))
    return EXIT_VIOLATIONS if result.failed else EXIT_OK
