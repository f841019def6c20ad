"""The public API from the package root: every name resolves, the import needs no settings, old names alias."""

import os
import subprocess
import sys

import pytest

import django_worklog
from django_worklog import exceptions, selectors, services


def test_every_public_name_resolves_from_the_package_root():
    assert all(getattr(django_worklog, name) is not None for name in django_worklog.__all__)
    assert django_worklog.start_session is services.start_session
    assert django_worklog.stop_session is services.stop_session
    assert django_worklog.get_active_session is services.get_active_session
    assert django_worklog.total_time_by_context is selectors.total_time_by_context
    assert django_worklog.daily_totals is selectors.daily_totals
    with pytest.raises(AttributeError):
        django_worklog.start_sessions  # noqa: B018


def test_the_package_imports_without_settings_or_the_app_registry():
    environment = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    # The exceptions need no settings; the services and reports load on first use.
    script = "import django_worklog as w; print(w.NoActiveSessionError.__name__, 'start_session' in w.__all__)"
    result = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True)
    assert (result.returncode, result.stdout.strip()) == (0, "NoActiveSessionError True"), result.stderr


@pytest.mark.parametrize("old", ["NoActiveSession", "InvalidUser", "InvalidContext", "SessionImmutable"])
def test_the_former_exception_names_are_aliases_of_the_error_names(old):
    assert getattr(exceptions, old) is getattr(exceptions, f"{old}Error")
    assert getattr(django_worklog, old) is getattr(django_worklog, f"{old}Error")
    assert issubclass(getattr(exceptions, old), exceptions.WorklogError)


@pytest.mark.django_db
def test_the_roadmap_name_still_catches_a_stop_without_a_session(user):
    from django_worklog import NoActiveSession, stop_session

    with pytest.raises(NoActiveSession):
        stop_session(user)


def test_the_refusal_of_a_backdated_start_is_public_and_a_value_error():
    assert "InvalidEffectiveAtError" in django_worklog.__all__
    assert issubclass(django_worklog.InvalidEffectiveAtError, exceptions.WorklogError)
    assert issubclass(django_worklog.InvalidEffectiveAtError, ValueError)
