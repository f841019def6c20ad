"""``AuditContextMiddleware``: records each request's context for the entries written while it runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from django_audit_log import conf
from django_audit_log.context import (
    clean_request_id,
    context_from_request,
    new_request_id,
    reset_context,
    set_context,
)


class AuditContextMiddleware:
    """Sets the request context (client address, user agent, request id, user) for the request.

    The request id is the ``AUDIT_LOG_REQUEST_ID_HEADER`` header (``X-Request-ID``) when it holds a
    valid id (1-128 of ``A-Za-z0-9._:=/+-``), else a new one; it is put on ``request.request_id``
    and on the response header. The context is reset when the response is returned, so nothing
    leaks into the next request served by the same thread or task. Works in sync and async stacks;
    place it after ``AuthenticationMiddleware`` so the acting user is known.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: Any) -> Any:
        if self.is_async:
            return self.__acall__(request)
        token = self._enter(request)
        try:
            response = self.get_response(request)
        finally:
            reset_context(token)
        return self._leave(request, response)

    async def __acall__(self, request: Any) -> Any:
        token = self._enter(request)
        try:
            response = await self.get_response(request)
        finally:
            reset_context(token)
        return self._leave(request, response)

    def _enter(self, request: Any) -> Any:
        header_key = "HTTP_" + conf.request_id_header().upper().replace("-", "_")
        request.request_id = clean_request_id(request.META.get(header_key)) or new_request_id()
        return set_context(context_from_request(request))

    def _leave(self, request: Any, response: Any) -> Any:
        response[conf.request_id_header()] = request.request_id
        return response
