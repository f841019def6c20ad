"""Time ``django-layers check`` over Django's own source, cold and warm, beside import-linter's ``lint-imports``.

    python benchmarks/django_source.py [--rounds 7]

Needs Django installed in this interpreter's environment; import-linter is timed when ``lint-imports`` is
found beside this interpreter. Both tools check the same layers (Django's subpackages in three layers, a
benchmark and no judgement on Django) as whole processes; runs alternate, and each figure is the fastest
and the median of the rounds, so that other load on the machine weighs on both alike.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

LAYERS = [
    ("utils", ["django.utils", "django.dispatch"]),
    (
        "core",
        [
            "django.conf", "django.apps", "django.core", "django.db", "django.http", "django.urls",
            "django.template", "django.templatetags", "django.forms", "django.middleware", "django.views",
        ],
    ),
    ("contrib", ["django.contrib", "django.test"]),
]  # fmt: skip


def layers_yaml() -> str:
    lines = ["layers:"]
    for name, packages in LAYERS:
        lines += [f"  - name: {name}", f"    packages: [{', '.join(packages)}]"]
    lines += ["rules: {default: same_or_lower, undeclared: false}", "ignore: {paths: []}"]
    return "\n".join(lines) + "\n"


def import_linter_ini() -> str:
    layers = "\n".join(f"    {' : '.join(packages)}" for _, packages in reversed(LAYERS))
    return (
        "[importlinter]\nroot_package = django\n\n[importlinter:contract:layers]\nname = Django layers\n"
        f"type = layers\nlayers =\n{layers}\n"
    )


def timed(command: list[str], cwd: Path, env: dict[str, str], before: Callable[[], None] | None = None) -> float:
    if before is not None:
        before()
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if completed.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed ({completed.returncode}): {completed.stderr.decode()[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    arguments = parser.parse_args()
    import django

    source_root = Path(django.__file__).resolve().parent.parent
    modules = sum(1 for _ in Path(django.__file__).resolve().parent.rglob("*.py"))
    bin_dir = Path(sys.executable).parent
    ours = (
        [str(bin_dir / "django-layers")]
        if (bin_dir / "django-layers").exists()
        else [sys.executable, "-m", "django_layers"]
    )
    lint_imports = bin_dir / "lint-imports"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(source_root)  # for lint-imports, which imports the root package's location

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "layers.yaml").write_text(layers_yaml(), encoding="utf-8")
        (work / ".importlinter").write_text(import_linter_ini(), encoding="utf-8")
        cache = work / "layers-cache"
        check = [*ours, "check", "--config", "layers.yaml", "--root", str(source_root)]
        variants: dict[str, tuple[list[str], Callable[[], None] | None]] = {
            "django-layers cold (empty cache)": (
                [*check, "--cache-dir", str(cache)],
                lambda: shutil.rmtree(cache, True),
            ),
            "django-layers warm (cache)": ([*check, "--cache-dir", str(cache)], None),
            "django-layers --no-cache": ([*check, "--no-cache"], None),
        }
        if lint_imports.exists():
            il_cache = work / ".import_linter_cache"
            variants["import-linter cold"] = ([str(lint_imports)], lambda: shutil.rmtree(il_cache, True))
            variants["import-linter warm"] = ([str(lint_imports)], None)
        for command, before in variants.values():  # warm-up: bytecode compiled, caches filled
            timed(command, work, env, before)
        times: dict[str, list[float]] = {name: [] for name in variants}
        for round_number in range(arguments.rounds):
            order = list(variants.items())
            for name, (command, before) in order if round_number % 2 == 0 else reversed(order):
                if name.endswith("warm (cache)") or name == "import-linter warm":
                    # a warm run follows its cold run, whatever the order
                    cold_name = name.replace("warm (cache)", "cold (empty cache)").replace("warm", "cold")
                    timed(*variants[cold_name][:1], work, env, variants[cold_name][1])
                times[name].append(timed(command, work, env, before))

    print(
        f"Django {django.__version__} source: {modules} modules, "
        f"Python {sys.version.split()[0]}, {arguments.rounds} rounds"
    )
    print(f"{'':36} {'fastest':>8} {'median':>8}")
    for name, values in times.items():
        print(f"{name:36} {min(values):8.3f} {statistics.median(values):8.3f}")
    if "import-linter cold" in times:
        for ours_name, theirs in (
            ("django-layers cold (empty cache)", "import-linter cold"),
            ("django-layers warm (cache)", "import-linter warm"),
        ):
            ratio = statistics.median(times[ours_name]) / statistics.median(times[theirs])
            print(f"ratio {ours_name} / {theirs}: {ratio:.2f} (median)")


if __name__ == "__main__":
    main()
