"""The public API imports from the package root, before the app registry too, and never pulls in DRF."""

import django_decisioning
from django_basemodels.testing import run_without_settings
from django_decisioning import exceptions, http, services


def test_every_public_name_resolves_from_the_package_root():
    assert all(getattr(django_decisioning, name) is not None for name in django_decisioning.__all__)
    assert django_decisioning.run_once is services.run_once
    assert django_decisioning.respond_once is http.respond_once
    assert django_decisioning.read_idempotency_key is http.read_idempotency_key
    assert django_decisioning.request_idempotency_key is http.request_idempotency_key
    assert django_decisioning.request_payload is http.request_payload
    assert django_decisioning.RequestOutcome is http.RequestOutcome
    assert django_decisioning.InvalidIdempotencyKeyError is exceptions.InvalidIdempotencyKeyError
    assert issubclass(exceptions.InvalidIdempotencyKeyError, exceptions.DecisioningError)


def test_the_root_imports_before_settings_without_drf():
    result = run_without_settings(
        "import sys, django_decisioning\n"
        "from django_decisioning import read_idempotency_key, respond_once, InvalidIdempotencyKeyError\n"
        "print('rest_framework' in sys.modules)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
