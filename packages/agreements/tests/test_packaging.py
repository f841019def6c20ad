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


def test_the_package_imports_without_settings_or_the_app_registry():
    environment = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    # The exceptions and the terms codec need no settings; the services and selectors load on first use.
    script = (
        "import django_agreements as a; "
        "print(a.InvalidAgreementError.__name__, a.encode_terms.__name__, 'create_agreement' in a.__all__)"
    )
    result = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True)
    assert (result.returncode, result.stdout.strip()) == (0, "InvalidAgreementError encode_terms True"), result.stderr


def test_every_public_name_resolves_from_the_package_root():
    from django_agreements import selectors, services

    assert all(getattr(django_agreements, name) is not None for name in django_agreements.__all__)
    assert django_agreements.create_agreement is services.create_agreement
    assert django_agreements.terms_as_of is selectors.terms_as_of
    with pytest.raises(AttributeError):
        django_agreements.create_agreements  # noqa: B018


def test_the_former_exception_names_are_aliases_of_the_error_names():
    from django_agreements import exceptions

    for old in [
        "InvalidAgreement",
        "InvalidTerms",
        "FloatInTerms",
        "NotAuthorized",
        "TermsNotInForce",
        "AgreementTerminated",
        "AgreementExpired",
        "VersionImmutable",
    ]:
        assert getattr(exceptions, old) is getattr(exceptions, f"{old}Error")
        assert getattr(django_agreements, old) is getattr(exceptions, f"{old}Error")


@pytest.mark.django_db
def test_models_and_migrations_agree():
    output = StringIO()
    call_command("makemigrations", "django_agreements", check=True, dry_run=True, stdout=output)
    assert "No changes detected" in output.getvalue()
