"""The package imports only Django, the standard library and its declared siblings; migrations are complete."""

import ast
import re
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

import django_encounters

SOURCE = Path(django_encounters.__file__).parent
ALLOWED = {"django", "django_basemodels", "django_decisioning", "django_encounters"}
OTHER_PACKAGES = re.compile(r"django_(ledger|catalog|worklog|stock|budget|parties|rbac|audit_log|money|sequence)\b")


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
def test_source_names_no_model_of_another_domain_package(path):
    assert OTHER_PACKAGES.findall(path.read_text()) == []


def test_the_wheel_ships_the_type_marker():
    assert (SOURCE / "py.typed").exists()


@pytest.mark.django_db
def test_models_and_migrations_agree():
    output = StringIO()
    call_command("makemigrations", "django_encounters", check=True, dry_run=True, stdout=output)
    assert "No changes detected" in output.getvalue()
