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


def test_the_package_imports_without_settings_or_the_app_registry():
    environment = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    # The exceptions and the validator API need no settings; the services and selectors load on first use.
    script = (
        "import django_encounters as e; "
        "print(e.TransitionBlockedError.__name__, e.Validator.__name__, 'transition' in e.__all__)"
    )
    result = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True)
    assert (result.returncode, result.stdout.strip()) == (0, "TransitionBlockedError Validator True"), result.stderr


def test_every_public_name_resolves_from_the_package_root():
    from django_encounters import selectors, services

    assert all(getattr(django_encounters, name) is not None for name in django_encounters.__all__)
    assert django_encounters.create_encounter is services.create_encounter
    assert django_encounters.transition is services.transition
    assert django_encounters.get_allowed_transitions is services.get_allowed_transitions
    assert django_encounters.encounter_board is selectors.encounter_board
    assert django_encounters.definitions is selectors.definitions
    assert django_encounters.get_definition is selectors.get_definition
    assert django_encounters.encounters_for is selectors.encounters_for
    with pytest.raises(AttributeError):
        django_encounters.create_encounters  # noqa: B018


@pytest.mark.parametrize(
    "old",
    [
        "InvalidDefinition",
        "UnknownDefinition",
        "InvalidInput",
        "TransitionNotAllowed",
        "TransitionBlocked",
        "TransitionImmutable",
    ],
)
def test_the_former_exception_names_are_aliases_of_the_error_names(old):
    from django_encounters import exceptions

    assert getattr(exceptions, old) is getattr(exceptions, f"{old}Error")
    assert getattr(django_encounters, old) is getattr(django_encounters, f"{old}Error")
    assert issubclass(getattr(exceptions, old), exceptions.EncountersError)


def test_the_organization_names_are_public():
    from django_encounters import exceptions

    assert {"CrossOrgDefinitionError", "definitions", "get_definition", "encounters_for"} <= set(
        django_encounters.__all__
    )
    assert django_encounters.CrossOrgDefinitionError is exceptions.CrossOrgDefinitionError
    assert issubclass(exceptions.CrossOrgDefinitionError, exceptions.InvalidInputError)


def test_an_old_exception_name_still_catches_what_the_services_raise(definition, asset):
    from django_encounters import TransitionNotAllowed, create_encounter, transition

    encounter = create_encounter(definition, subject=asset, created_by=None)
    with pytest.raises(TransitionNotAllowed):
        transition(encounter, "completed", by_user=None)


@pytest.mark.django_db
def test_models_and_migrations_agree():
    output = StringIO()
    call_command("makemigrations", "django_encounters", check=True, dry_run=True, stdout=output)
    assert "No changes detected" in output.getvalue()
