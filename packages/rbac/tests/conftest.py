from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from django_basemodels.generic import generic_key_values
from django_basemodels.testing import skip_postgres_tests
from django_decisioning.models import Decision, IdempotencyKey
from django_rbac.models import Role, UserRole
from tests.testapp.models import Organization, Province, User


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_postgres_tests(items)


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    def make(username: str, **fields: Any) -> User:
        return User.objects.create_user(username=username, password="pw", **fields)

    return make


@pytest.fixture
def make_role(db) -> Callable[..., Role]:
    def make(slug: str, level: int, *, modules: list[str] | None = None, perms: list[str] | None = None) -> Role:
        role = Role.objects.create(
            name=slug.title(), slug=slug, hierarchy_level=level, module_permissions=modules or []
        )
        for name in perms or []:
            app_label, codename = name.split(".")
            role.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        return role

    return make


@pytest.fixture
def grant(db) -> Callable[..., UserRole]:
    """Set up an assignment directly (tests of the services call the services instead)."""

    def make(user: User, role: Role, scope: Any = None, **fields: Any) -> UserRole:
        return UserRole.objects.create(user=user, role=role, **generic_key_values("scope", scope), **fields)

    return make


@pytest.fixture
def organization(db) -> Organization:
    return Organization.objects.create(name="Clinic North")


@pytest.fixture
def other_organization(db) -> Organization:
    return Organization.objects.create(name="Clinic South")


@pytest.fixture
def province(db) -> Province:
    return Province.objects.create(name="Gitega")


@pytest.fixture
def other_province(db) -> Province:
    return Province.objects.create(name="Ngozi")


@pytest.fixture
def past() -> Callable[[int], Any]:
    return lambda days: timezone.now() - timedelta(days=days)


@pytest.fixture
def future() -> Callable[[int], Any]:
    return lambda days: timezone.now() + timedelta(days=days)


@pytest.fixture
def manager(make_user, make_role, grant) -> User:
    """A level-60 manager with practice.* and user-management permissions."""
    user = make_user("manager", is_staff=True)
    role = make_role(
        "manager",
        60,
        modules=["practice.*", "billing.view"],
        perms=[
            "django_rbac.view_userrole",
            "django_rbac.add_userrole",
            "django_rbac.change_userrole",
            "django_rbac.delete_userrole",
            "django_rbac.view_role",
            "django_rbac.add_role",
            "django_rbac.change_role",
            "django_rbac.delete_role",
            "testapp.view_medicine",
        ],
    )
    grant(user, role)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def staff_role(make_role) -> Role:
    return make_role("staff", 20, modules=["practice.view"])


@pytest.fixture
def supervisor_role(make_role) -> Role:
    return make_role("supervisor", 60, modules=["practice.view"])


@pytest.fixture
def director_role(make_role) -> Role:
    return make_role("director", 80, modules=["practice.*"])


@pytest.fixture
def clerk(make_user) -> User:
    return make_user("clerk")


def fresh(user: User) -> User:
    """The same user as a new object, as ``request.user`` would be (nothing cached)."""
    return User.objects.get(pk=user.pk)


def row_counts() -> tuple[int, ...]:
    """Rows of every table the services write, for "nothing was written" assertions."""
    return (
        UserRole.objects.count(),
        Role.objects.count(),
        Role.permissions.through.objects.count(),
        Decision.objects.count(),
        IdempotencyKey.objects.count(),
    )


def state_of_assignments() -> list[tuple[Any, ...]]:
    return list(UserRole.objects.order_by("pk").values_list("pk", "valid_from", "valid_to", "revoked_by_id"))
