"""The layer check: ``django-layers check`` beside import-linter's ``lint-imports``, whole processes, same trees.

Two trees: the installed Django source (~880 modules, layers in ``layers/django.layers.yaml`` and the
equivalent ``layers/django.importlinter``), and this repository (the root ``layers.yaml`` that CI checks,
and an import-linter configuration derived from it at run time: the same tiers, the same independence
group). Each tool runs cold (its cache emptied first) and warm (its cache filled by the run before), as a
whole process, as a developer or pre-commit runs it. Runs alternate between the tools; Python bytecode is
compiled for both by a first, untimed run. No database.
"""

from __future__ import annotations

import ast
import contextlib
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.harness import Context, Row

AREA = "Layer check"
PER_DATABASE = False
APPS: list[str] = []
HERE = Path(__file__).resolve().parent / "layers"
IMPORT_LINE = re.compile(r"^\s*(?:from\s+\S+\s+import|import\s+\S)", re.MULTILINE)


def _bin(name: str) -> Path:
    return Path(sys.executable).parent / name


def _timed(command: list[str], cwd: Path, env: dict[str, str], before: Callable[[], None] | None) -> float:
    return _run(command, cwd, env, before)[0]


def _run(command: list[str], cwd: Path, env: dict[str, str], before: Callable[[], None] | None) -> tuple[float, str]:
    """Seconds the command took as a whole process, and what it printed."""
    if before is not None:
        before()
    began = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - began
    output = (completed.stdout + completed.stderr).decode(errors="replace")
    if completed.returncode not in (0, 1):  # 1: violations found, which Django's source has
        raise RuntimeError(f"{' '.join(command)} failed with status {completed.returncode}:\n{output[-3000:]}")
    if "Analyzed" not in output and "django-layers:" not in output:
        raise RuntimeError(f"{' '.join(command)} printed no summary:\n{output[-3000:]}")
    return elapsed, output


def _files(output: str) -> str:
    """The files a tool says it read: django-layers' "(N files in M packages)", import-linter's "Analyzed N files"."""
    match = re.search(r"\((\d+) files in \d+ packages\)", output) or re.search(r"Analyzed (\d+) files", output)
    return match.group(1) if match else "?"


def repo_importlinter(root: Path) -> tuple[str, list[str]]:
    """An import-linter configuration equivalent to the repository's layers.yaml, and the PYTHONPATH it needs.

    Tiers become layers (highest first, ``:`` between the packages of one tier, which may import each
    other), independence groups become independence contracts. Packages not found are left out (import-linter
    refuses an unknown module). ``{name, path}`` packages contribute the top-level packages under their path.
    """
    import yaml

    config = yaml.safe_load((root / "layers.yaml").read_text(encoding="utf-8"))
    ignored = {"tests", "migrations"}
    paths: list[str] = [str(source) for source in sorted(root.glob("packages/*/src"))]
    found: dict[str, list[str]] = {}  # configured package -> root packages for import-linter
    for layer in config["layers"]:
        for entry in layer["packages"]:
            if isinstance(entry, dict):
                folder = root / entry["path"]
                modules = sorted(
                    child.name
                    for child in folder.iterdir()
                    if (child / "__init__.py").is_file() and child.name not in ignored
                )
                if modules:
                    paths.append(str(folder))
                    found[entry["name"]] = modules
            elif any((root / "packages").glob(f"*/src/{entry}/__init__.py")):
                found[entry] = [entry]
    layers = []
    for layer in reversed(config["layers"]):
        names = [module for entry in layer["packages"] for module in found.get(_name(entry), [])]
        if names:
            layers.append(" : ".join(names))
    roots = sorted({module for modules in found.values() for module in modules})
    text = ["[importlinter]", "root_packages =", *[f"    {module}" for module in roots], ""]
    text += [
        "[importlinter:contract:tiers]",
        "name = Tiers",
        "type = layers",
        "layers =",
        *[f"    {line}" for line in layers],
    ]
    for number, group in enumerate(config.get("independence", [])):
        members = [module for name in group["packages"] for module in found.get(name, [])]
        if len(members) > 1:
            text += ["", f"[importlinter:contract:independence{number}]", f"name = {group['name']} independence"]
            text += ["type = independence", "modules =", *[f"    {module}" for module in members]]
    return "\n".join(text) + "\n", paths


def _name(entry: object) -> str:
    return entry["name"] if isinstance(entry, dict) else str(entry)


def _in_process_limits(files: list[Path], rounds: int) -> dict[str, float]:
    """Seconds for ``ast.parse`` of every file, and for a regex pass finding import lines, in this process."""
    sources = [path.read_text(encoding="utf-8", errors="replace") for path in files]
    parse, regex = [], []
    for _ in range(rounds):
        began = time.perf_counter()
        for source in sources:
            with contextlib.suppress(SyntaxError):
                ast.parse(source)
        parse.append(time.perf_counter() - began)
        began = time.perf_counter()
        for source in sources:
            IMPORT_LINE.findall(source)
        regex.append(time.perf_counter() - began)
    return {"parse": statistics.median(parse), "regex": statistics.median(regex)}


# Where a cold run of ours spends its time: the functions of ``run_check`` and the report, by cumulative time.
PHASES = {
    "discovery": [("discovery.py", "discover_packages")],
    "scan": [("scanning.py", "_scan_files")],
    "cache write": [("cache.py", "save")],
    "graph and rules": [("graph.py", "build_graph"), ("contracts.py", "check_contracts")],
    "report": [("output.py", "render")],
}


def cold_profile(
    command: list[str], cwd: Path, env: dict[str, str], empty: Callable[[], None], work: Path
) -> dict[str, Any]:
    """One cold run of ours under cProfile: each phase's share of the run, and how many files were parsed whole."""
    output = work / "cold.prof"
    empty()
    arguments = command[command.index("check") :]
    _run([sys.executable, "-m", "cProfile", "-o", str(output), "-m", "django_layers", *arguments], cwd, env, None)
    stats = pstats.Stats(str(output)).stats  # type: ignore[attr-defined]

    def summed(module: str, function: str, column: int) -> float:  # column 1: calls, 3: cumulative seconds
        return sum(
            entry[column] for (path, _, name), entry in stats.items() if name == function and path.endswith(module)
        )

    process = sum(entry[2] for entry in stats.values())  # every function's own time: the whole profiled process
    command_time = summed("/cli.py", "main", 3)
    shares = {
        phase: sum(summed(f"/{module}", function, 3) for module, function in functions)
        for phase, functions in PHASES.items()
    }
    shares["imports"] = process - command_time  # the profiler starts after Python's own start-up
    shares["the rest"] = command_time - sum(value for phase, value in shares.items() if phase != "imports")
    return {
        "shares": {phase: value / process for phase, value in shares.items()},
        "whole": int(summed("/ast_scan.py", "scan_source", 1)),
        "scanned": int(summed("/scanning.py", "scan_file_content", 1)),
    }


def import_costs(env: dict[str, str], rounds: int) -> dict[str, float]:
    """Milliseconds, outside any profiler: Python's start-up, and importing PyYAML and the whole command."""
    statements = {"start-up": "pass", "PyYAML": "import yaml", "command": "import django_layers.cli"}
    times: dict[str, list[float]] = {name: [] for name in statements}
    for _ in range(rounds):
        for name, statement in statements.items():
            began = time.perf_counter()
            subprocess.run([sys.executable, "-c", statement], env=env, check=True)
            times[name].append(time.perf_counter() - began)
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    return {
        "start-up": medians["start-up"],
        "PyYAML": medians["PyYAML"] - medians["start-up"],
        "imports": medians["command"] - medians["start-up"],
    }


def _compare(
    *,
    label: str,
    ours: list[str],
    theirs: list[str],
    work: Path,
    env: dict[str, str],
    rounds: int,
) -> tuple[dict[str, list[float]], dict[str, str], dict[str, Any]]:
    ours_cache, their_cache = work / f"{label}-ours-cache", work / f"{label}-their-cache"
    ours_command = [*ours, "--cache-dir", str(ours_cache)]
    their_command = [*theirs, "--cache-dir", str(their_cache)]
    variants: dict[str, tuple[list[str], Callable[[], None]]] = {
        "ours": (ours_command, lambda: shutil.rmtree(ours_cache, True)),
        "theirs": (their_command, lambda: shutil.rmtree(their_cache, True)),
    }
    files = {}
    for name, (command, empty) in variants.items():  # untimed: bytecode compiled, both tools work
        files[name] = _files(_run(command, work, env, empty)[1])
    times: dict[str, list[float]] = {f"{name} {state}": [] for name in variants for state in ("cold", "warm")}
    for round_number in range(rounds):
        order = list(variants.items())
        for name, (command, empty) in order if round_number % 2 == 0 else reversed(order):
            times[f"{name} cold"].append(_timed(command, work, env, empty))
            times[f"{name} warm"].append(_timed(command, work, env, None))
    profile = cold_profile(ours_command, work, env, variants["ours"][1], work)
    return times, files, profile


def run(context: Context) -> list[Row]:
    import django

    rounds = context.scale(9, 3)
    work = Path(context.scratch)
    ours_bin = (
        [str(_bin("django-layers"))] if _bin("django-layers").exists() else [sys.executable, "-m", "django_layers"]
    )
    lint_imports = _bin("lint-imports")
    if not lint_imports.exists():
        raise RuntimeError("lint-imports not found beside this interpreter: install benchmarks/requirements.txt")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    rows: list[Row] = []

    # 1. Django's own source
    django_dir = Path(django.__file__).resolve().parent
    site = django_dir.parent
    files = sorted(django_dir.rglob("*.py"))
    costs = import_costs(env, rounds)
    times, counted, profile = _compare(
        label="django",
        ours=[*ours_bin, "check", "--config", str(HERE / "django.layers.yaml"), "--root", str(site)],
        theirs=[str(lint_imports), "--no-logo", str(HERE / "django.importlinter")],
        work=work,
        env=env,
        rounds=rounds,
    )
    limits = _in_process_limits(files, rounds)
    tree = f"Django {django.get_version()} source ({len(files)} modules)"
    read = f"files read: ours {counted['ours']}, theirs {counted['theirs']}"
    peer = "import-linter `lint-imports`"
    for state, what in (("cold", "cold (caches emptied)"), ("warm", "warm (caches filled)")):
        rows.append(
            Row(
                area=AREA,
                name=f"{tree}, {what}",
                database="",
                ours=statistics.median(times[f"ours {state}"]) * 1000,
                other=statistics.median(times[f"theirs {state}"]) * 1000,
                other_name=peer,
                unit="ms",
                target=1.0,
                note=read,
                extra={"profile": profile, "imports": costs} if state == "cold" else {},
            )
        )
    cold = statistics.median(times["ours cold"]) * 1000
    rows.append(
        Row(
            area=AREA,
            name=f"{tree}, cold, beside `ast.parse` of every file",
            database="",
            ours=cold,
            other=limits["parse"] * 1000,
            other_name="limit: `ast.parse` of every file, in process",
            note="ours is a whole process",
        )
    )
    rows.append(
        Row(
            area=AREA,
            name=f"{tree}, cold, beside a regex pass for import lines",
            database="",
            ours=cold,
            other=limits["regex"] * 1000,
            other_name="limit: regex over every file, in process",
            note="ours is a whole process",
        )
    )

    # 2. This repository, as CI checks it
    root = Path(context.root)
    config, paths = repo_importlinter(root)
    (work / "repo.importlinter").write_text(config, encoding="utf-8")
    repo_env = {**env, "PYTHONPATH": os.pathsep.join(paths)}
    times, counted, profile = _compare(
        label="repo",
        ours=[*ours_bin, "check", "--config", str(root / "layers.yaml"), "--root", str(root)],
        theirs=[str(lint_imports), "--no-logo", str(work / "repo.importlinter")],
        work=work,
        env=repo_env,
        rounds=rounds,
    )
    read = f"files read: ours {counted['ours']}, theirs {counted['theirs']}"
    for state, what in (("cold", "cold (caches emptied)"), ("warm", "warm (caches filled)")):
        rows.append(
            Row(
                area=AREA,
                name=f"this repository, {what}",
                database="",
                ours=statistics.median(times[f"ours {state}"]) * 1000,
                other=statistics.median(times[f"theirs {state}"]) * 1000,
                other_name=peer,
                unit="ms",
                note=read,
                extra={"profile": profile, "imports": costs} if state == "cold" else {},
            )
        )
    return rows


def _profile_text(row: Row) -> str:
    profile, costs = row.extra["profile"], row.extra["imports"]
    order = ["imports", "discovery", "scan", "graph and rules", "cache write", "report", "the rest"]
    shares = ", ".join(f"{phase} {profile['shares'][phase]:.0%}" for phase in order)
    return (
        f"- {row.name} ({row.ours:.0f} ms): {shares}; {profile['whole']} of the {profile['scanned']} files"
        f" scanned were parsed whole. Outside the profiler, Python starts in {costs['start-up']:.0f} ms and"
        f" importing the command takes {costs['imports']:.0f} ms, {costs['PyYAML']:.0f} ms of it PyYAML"
        " (read once for layers.yaml)."
    )


def explain(rows: list[Row]) -> str:
    slower = [row for row in rows if row.other_name.startswith("import-linter") and (row.ratio or 0) > 1]
    text = [
        "Both tools run as whole processes (`django-layers check` and `lint-imports`), each with its own",
        "cache emptied (cold) or filled by the run just before (warm); the figure is the median of the rounds.",
        "On Django's source both check the same three layers (`benchmarks/layers/`); Django breaks them, so",
        "both report violations, which is part of the work timed. The target (no slower than import-linter,",
        "cold and warm) is set for Django's source. On this repository ours runs exactly what CI runs",
        "(`layers.yaml`: tiers, independence, undeclared siblings, cycles, lazy model references);",
        "import-linter gets the same tiers and independence group, derived from `layers.yaml` at run time.",
        "It cannot check the rest, so ours does more work there. import-linter also reads the",
        "`migrations/` folders that ours leaves out (`ignore.paths`).",
        "",
        "The limits are in-process loops over the same files: a full `ast.parse` (what a naive checker does)",
        "and a regex pass for import lines (about the least any checker can do). Ours, a whole process with",
        "Python's start-up, finds the few lines that matter with text searches and parses only those, and",
        "caches each file's result by a hash of its content, so a warm run reads and hashes files without",
        "scanning them; import-linter (grimp) caches each module's imports by modification time.",
    ]
    profiled = [row for row in rows if "profile" in row.extra]
    if profiled:
        text += [
            "",
            "Where a cold run of ours spends its time (one run under cProfile, shares of the whole process;"
            " the profiler slows Python code, so the shares are the measure, not its milliseconds):",
            *[_profile_text(row) for row in profiled],
        ]
    if slower:
        text += [
            "",
            "**Where ours is slower:** " + "; ".join(f"{row.name} ({row.ratio:.2f}x)" for row in slower) + ".",
            "A cold run pays Python's start-up and its imports before it reads a file, and the scan of every"
            " file after: the profile above gives each its share of the run, as measured here.",
        ]
    else:
        text += ["", "Ours is faster than import-linter on every row, cold and warm."]
    return "\n".join(text)
