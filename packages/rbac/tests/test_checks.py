import pytest

from django_rbac import checks


def test_no_errors_with_the_test_settings():
    assert checks.check_scope_parents() == []
    assert checks.check_backend() == []
    assert checks.check_use_tz() == []


@pytest.mark.parametrize(
    ("path", "error_id"),
    [("tests.scopes.missing", "django_rbac.E001"), ("tests.scopes.not_callable", "django_rbac.E002")],
)
def test_bad_scope_parents_hook_is_an_error(settings, path, error_id):
    settings.RBAC_SCOPE_PARENTS = path
    assert [message.id for message in checks.check_scope_parents()] == [error_id]


def test_valid_scope_parents_hook_passes(settings):
    settings.RBAC_SCOPE_PARENTS = "tests.scopes.parents"
    assert checks.check_scope_parents() == []


def test_missing_backend_is_a_warning(settings):
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    assert [message.id for message in checks.check_backend()] == ["django_rbac.W001"]


def test_naive_datetimes_are_a_warning(settings):
    settings.USE_TZ = False
    assert [message.id for message in checks.check_use_tz()] == ["django_rbac.W002"]
