"""``?limit=&offset=`` pagination that refuses what it cannot honour instead of guessing.

DRF's ``LimitOffsetPagination`` ignores a ``limit`` it cannot parse and passes any ``offset`` on to
the database (an offset past 2**63 is a 500 on SQLite). Here both must be whole numbers:
``limit`` from 1 to ``API_MAX_PAGE_SIZE``, ``offset`` from 0 to 2**31 - 1; anything else is a 400
naming the parameter.
"""

from __future__ import annotations

from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from api import conf

MAX_OFFSET = 2**31 - 1


def _whole(request, name: str, lowest: int, highest: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or not lowest <= int(raw) <= highest:
        raise ValidationError({name: [f"Give a whole number from {lowest} to {highest}."]})
    return int(raw)


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """Pages of ``PAGE_SIZE`` rows by default, at most ``API_MAX_PAGE_SIZE``."""

    @property
    def max_limit(self) -> int:  # type: ignore[override]  # a setting, read on each request
        return conf.max_page_size()

    def get_limit(self, request) -> int:
        limit = _whole(request, self.limit_query_param, 1, self.max_limit)
        if limit is None:
            return self.max_limit if self.default_limit is None else self.default_limit
        return limit

    def get_offset(self, request) -> int:
        offset = _whole(request, self.offset_query_param, 0, MAX_OFFSET)
        return 0 if offset is None else offset

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_limit}
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}
        return parameters
