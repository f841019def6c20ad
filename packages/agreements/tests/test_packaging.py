"""The package imports only Django, the standard library and its declared siblings; migrations are complete."""

import ast
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

import django_agreements

SOURCE = Path(django_agreements.__file__).parent
ALLOWED = {"django", "django_basemodels", "django_decisioning", "django_money", "django_agreements"}
OTHER_PACKAGES = re.compile(
    r"django_(ledger|catalog|encounters|worklog|stock|budget|parties|rbac|audit_log|sequence|documents|notes|modules"
    r"|singleton|layers)\b"
)


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", sorted(SOURCE.rglob("*.py")), ids=lambda path: str(path.relative_to(SOURCE)))
def test_source_imports_only_django_and_declared_siblings(path):
    foreign = imported_roots(path) - ALLOWED - set(sys.stdlib_module_names)
    assert foreign == set()


@pytest.mark.parametrize("path", sorted(SOURCE.rglob("*.py")), ids=lambda path: str(path.relative_to(SOURCE)))
def test_source_names_no_other_package_of_the_monorepo(path):
    assert OTHER_PACKAGES.findall(path.read_text()) == []


def test_the_wheel_ships_the_type_marker():
    assert (SOURCE / "py.typed").exists()


def test_the_public_names_import_without_settings_or_the_app_registry():
    environment = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    script = "import django_agreements as a; print(all(hasattr(a, name) for name in a.__all__))"
    result = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True)
    assert (result.returncode, result.stdout.strip()) == (0, "True"), result.stderr


@pytest.mark.django_db
def test_models_and_migrations_agree():
    output = StringIO()
    call_command("makemigrations", "django_agreements", check=True, dry_run=True, stdout=output)
    assert "No changes detected" in output.getvalue()
