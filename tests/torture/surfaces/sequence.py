"""django-sequence: ``next_sequence(scope, org)`` and ``next_value(scope, org)``."""

from __future__ import annotations

SURFACES: list = []
