"""The one service convention: the acting user is ``by=`` (old names warn), the API is importable from the root."""

import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest

import django_rbac
from django_rbac import services
from django_rbac.models import Role, UserRole

RENAMED = {
    "check_assignment": "assigner",
    "assign_role": "assigner",
    "check_revocation": "revoker",
    "revoke_role": "revoker",
    "check_role_definition": "actor",
    "create_role": "actor",
    "update_role": "actor",
    "delete_role": "actor",
}


@pytest.mark.parametrize(("name", "old"), sorted(RENAMED.items()))
def test_the_acting_user_is_by_and_only_by_shows_in_the_signature(name, old):
    parameters = inspect.signature(getattr(services, name)).parameters
    assert parameters["by"].kind is inspect.Parameter.KEYWORD_ONLY
    assert old not in parameters
    # Every parameter is keyword-only: nothing is passed by position.
    assert {p.kind for p in parameters.values()} == {inspect.Parameter.KEYWORD_ONLY}


@pytest.mark.django_db
def test_the_former_actor_keywords_still_work_with_a_warning(manager, clerk, staff_role):
    with pytest.warns(DeprecationWarning, match=r"assign_role\(assigner=...\) is deprecated; pass by="):
        assignment = services.assign_role(assigner=manager, user=clerk, role=staff_role)
    assert assignment.assigned_by == manager
    with pytest.warns(DeprecationWarning, match="check_revocation"):
        services.check_revocation(revoker=manager, assignment=assignment)
    with pytest.warns(DeprecationWarning, match="revoke_role"):
        [ended] = services.revoke_role(revoker=manager, user_role=assignment)
    assert ended.revoked_by == manager
    with pytest.warns(DeprecationWarning, match="check_assignment"):
        services.check_assignment(assigner=manager, user=clerk, role=staff_role)
    with pytest.warns(DeprecationWarning, match="create_role"):
        role = services.create_role(actor=manager, name="Nurse", slug="nurse", hierarchy_level=30)
    with pytest.warns(DeprecationWarning, match="check_role_definition"):
        services.check_role_definition(actor=manager, role=role)
    with pytest.warns(DeprecationWarning, match="update_role"):
        assert services.update_role(actor=manager, role=role, name="Head nurse").name == "Head nurse"
    with pytest.warns(DeprecationWarning, match="delete_role"):
        services.delete_role(actor=manager, role=role)
    assert not Role.objects.filter(slug="nurse").exists()


@pytest.mark.django_db
def test_passing_both_names_of_the_actor_is_refused(manager, clerk, staff_role):
    with pytest.raises(TypeError, match="both assigner= and by="):
        services.assign_role(assigner=manager, by=manager, user=clerk, role=staff_role)
    assert not UserRole.objects.filter(user=clerk).exists()


def test_every_exported_name_resolves_from_the_package_root():
    for name in django_rbac.__all__:
        assert getattr(django_rbac, name) is not None, name
    assert django_rbac.assign_role is services.assign_role
    assert set(django_rbac.__all__) <= set(dir(django_rbac))


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'assign_rolez'"):
        django_rbac.assign_rolez  # noqa: B018


def test_the_package_imports_before_django_is_configured():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    src = str(Path(django_rbac.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")])
    code = "import django_rbac; assert 'assign_role' in django_rbac.__all__; print(django_rbac.RBACError.__name__)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "RBACError"
