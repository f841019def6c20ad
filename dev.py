#!/usr/bin/env python3
"""The two quickstart commands, bootstrapping their own virtualenv (``.venv``) with uv.

    python3 dev.py demo    # the example site with demo data at http://127.0.0.1:8000
    python3 dev.py test    # every package's tests, the torture suite, the example site, layers, lint, migrations

``python3 dev.py nox -s <session>`` runs any other nox session in the same environment.
Needs only Python 3.10+ and git.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed-from"
TEST_SESSIONS = ["tests", "torture", "conventions", "demo", "layers", "lint", "migrations"]


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    completed = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)
    if completed.returncode:
        sys.exit(completed.returncode)


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(VENV)
    env.pop("PYTHONPATH", None)
    return env


def bootstrap() -> None:
    """Create ``.venv`` with uv in it, then install the workspace (every package, editable)."""
    if not (BIN / "python").exists():
        print(f"Creating {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if not (BIN / "uv").exists():
        run(BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "uv")
    wanted = (ROOT / "pyproject.toml").read_text()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        run(BIN / "uv", "pip", "install", "--quiet", "--python", BIN / "python", "-e", ".[dev]", env=environment())
        STAMP.write_text(wanted)


def demo() -> None:
    env = environment()
    env.setdefault("DJANGO_DEBUG", "1")
    manage = ROOT / "example_site" / "manage.py"
    run(BIN / "python", manage, "migrate", "--noinput", env=env)
    run(BIN / "python", manage, "seed_demo", env=env)
    print("\nThe example site runs at http://127.0.0.1:8000/ (admin: demo / demo). Ctrl+C stops it.\n", flush=True)
    run(BIN / "python", manage, "runserver", "127.0.0.1:8000", env=env)


def main(argv: list[str]) -> None:
    if sys.version_info < (3, 10):  # noqa: UP036  (say so plainly instead of failing on syntax later)
        sys.exit("Python 3.10 or newer is needed.")
    command = argv[0] if argv else "help"
    if command not in {"demo", "test", "nox"}:
        print(__doc__)
        sys.exit(0 if command in {"help", "-h", "--help"} else 2)
    bootstrap()
    if command == "demo":
        demo()
    elif command == "test":
        run(BIN / "nox", "-s", *TEST_SESSIONS, *argv[1:], env=environment())
    else:
        run(BIN / "nox", *argv[1:], env=environment())


if __name__ == "__main__":
    main(sys.argv[1:])
