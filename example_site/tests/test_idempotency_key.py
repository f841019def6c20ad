"""The API's ``Idempotency-Key`` is django-decisioning's reusable piece, not a copy of the site's own."""

import inspect

from api import writes
from django_decisioning import drf


def test_the_api_writes_through_decisionings_idempotent_write():
    assert writes.idempotent_write is drf.idempotent_write
    assert writes.HEADER == drf.IDEMPOTENCY_KEY_HEADER
    source = inspect.getsource(writes)
    assert "run_idempotent" not in source and "request_fingerprint" not in source  # no second copy of the logic
