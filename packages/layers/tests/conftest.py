"""Fixture trees built in tmp_path: a small three-layer monorepo, and helpers to write files and run checks."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from django_layers import load_config, run_check
from django_layers.check import CheckResult
from django_layers.cli import main

LAYERS_YAML = """\
layers:
  - name: foundation
    packages: [django_base]
  - name: core
    packages: [django_core, django_other]
  - name: top
    packages: [django_top]
rules:
  default: same_or_lower
"""


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write each ``relative path -> content`` (dedented) under ``root``."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def pyproject(name: str, *dependencies: str) -> str:
    listed = ", ".join(f'"{dependency}"' for dependency in ("Django>=5.2", *dependencies))
    return f'[project]\nname = "{name}"\nversion = "0.1.0"\ndependencies = [{listed}]\n'


def package_files(short: str, *dependencies: str, label: str | None = None) -> dict[str, str]:
    """A monorepo package ``packages/<short>/src/django_<short>/`` with a pyproject and an AppConfig."""
    module = f"django_{short}"
    label_line = f'    label = "{label}"\n' if label else ""
    return {
        f"packages/{short}/pyproject.toml": pyproject(f"django-primitives-{short}", *dependencies),
        f"packages/{short}/src/{module}/__init__.py": "",
        f"packages/{short}/src/{module}/apps.py": (
            f"from django.apps import AppConfig\n\n\nclass Config(AppConfig):\n    name = {module!r}\n{label_line}"
        ),
        f"packages/{short}/src/{module}/models.py": "from django.db import models\n",
    }


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A clean three-layer monorepo: base <- core, other <- top (core and top declare what they import)."""
    files = {"layers.yaml": LAYERS_YAML}
    files |= package_files("base")
    files |= package_files("core", "django-primitives-base")
    files |= package_files("other", "django-primitives-base")
    files |= package_files("top", "django-primitives-core", "django-primitives-base")
    files["packages/core/src/django_core/services.py"] = "from django_base.models import thing\n"
    files["packages/top/src/django_top/services.py"] = "import django_core\nfrom django_base import models\n"
    return write_files(tmp_path, files)


def check(root: Path, **options: object) -> CheckResult:
    """Run the check of ``root/layers.yaml`` over ``root`` without a cache."""
    options.setdefault("use_cache", False)
    return run_check(load_config(root / "layers.yaml"), root, **options)  # type: ignore[arg-type]


def rules_broken(result: CheckResult) -> list[tuple[str, str, int, str, str]]:
    """(rule, path, line, importer, imported) of each new violation."""
    return [(v.rule, v.path, v.line, v.importer, v.imported) for v in result.new]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run the command line in-process: returns (exit status, stdout, stderr)."""

    def run(*arguments: str | Path) -> tuple[int, str, str]:
        status = main([str(argument) for argument in arguments])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run
