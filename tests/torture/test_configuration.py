"""The settings assemble every package as a site would: Django's system checks find nothing to report."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_system_checks_pass_with_every_package_installed():
    out = io.StringIO()
    call_command("check", "--database", "default", "--fail-level", "WARNING", stdout=out)
    assert "no issues" in out.getvalue()
