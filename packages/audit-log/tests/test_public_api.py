"""The public API is importable from the package root, also before Django is set up."""

import subprocess
import sys

import pytest

import django_audit_log
import django_audit_log.tracking


@pytest.mark.parametrize("name", django_audit_log.__all__)
def test_every_exported_name_resolves(name):
    assert getattr(django_audit_log, name) is not None


def test_an_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError):
        django_audit_log.no_such_name  # noqa: B018


def test_dir_lists_the_lazy_exports():
    assert {"log", "log_event", "register", "verify_chain", "audit_context"} <= set(dir(django_audit_log))


def test_the_package_imports_without_settings():
    env = {"PATH": "", "PYTHONPATH": ":".join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-c", "import django_audit_log; print(django_audit_log.Action.CREATE)"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "name",
    [
        "Registration",
        "TrackedField",
        "TrackingQuerySetMixin",
        "register",
        "registration_for",
        "tracked_queryset_class",
        "unregister",
    ],
)
def test_tracking_names_are_importable_from_the_tracking_module(name):
    assert name in django_audit_log.tracking.__all__
    assert getattr(django_audit_log.tracking, name) is not None
