import asyncio

import pytest
from asgiref.sync import async_to_sync, iscoroutinefunction
from django.http import HttpResponse
from django.test import AsyncClient, RequestFactory

from django_audit_log import current_context
from django_audit_log.middleware import AuditContextMiddleware
from django_audit_log.models import AuditLog


def _seen_context(request):
    response = HttpResponse()
    response.context = current_context()
    return response


def _run(request, view=_seen_context):
    return AuditContextMiddleware(view)(request)


def test_request_id_header_is_kept_and_returned():
    response = _run(RequestFactory().get("/", HTTP_X_REQUEST_ID="req-123"))
    assert response.context.request_id == "req-123"
    assert response["X-Request-ID"] == "req-123"


@pytest.mark.parametrize("header", ["", "has space", "x" * 129, "bad\nline", "<script>"])
def test_an_invalid_request_id_header_is_replaced_by_a_new_id(header):
    response = _run(RequestFactory().get("/", HTTP_X_REQUEST_ID=header))
    assert response.context.request_id != header
    assert len(response.context.request_id) == 32
    assert response["X-Request-ID"] == response.context.request_id


def test_a_request_without_id_gets_a_new_one_on_request_and_response():
    request = RequestFactory().get("/")
    response = _run(request)
    assert request.request_id == response.context.request_id == response["X-Request-ID"]


def test_each_request_gets_its_own_id():
    assert _run(RequestFactory().get("/"))["X-Request-ID"] != _run(RequestFactory().get("/"))["X-Request-ID"]


def test_context_records_client_address_and_user_agent():
    response = _run(RequestFactory().get("/", REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="curl/8"))
    assert (response.context.ip_address, response.context.user_agent) == ("192.0.2.7", "curl/8")


def test_user_agent_is_truncated():
    response = _run(RequestFactory().get("/", HTTP_USER_AGENT="a" * 2000))
    assert len(response.context.user_agent) == 512


def test_an_invalid_client_address_is_recorded_as_none():
    assert _run(RequestFactory().get("/", REMOTE_ADDR="unknown")).context.ip_address is None


def test_forwarded_header_is_read_from_the_right(settings):
    settings.AUDIT_LOG_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert _run(request).context.ip_address == "203.0.113.9"


def test_proxy_count_skips_the_trusted_proxies(settings):
    settings.AUDIT_LOG_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.AUDIT_LOG_PROXY_COUNT = 2
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.2")
    assert _run(request).context.ip_address == "203.0.113.9"


def test_a_missing_forwarded_header_gives_no_address(settings):
    settings.AUDIT_LOG_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    assert _run(RequestFactory().get("/")).context.ip_address is None


def test_request_id_header_name_is_configurable(settings):
    settings.AUDIT_LOG_REQUEST_ID_HEADER = "X-Correlation-ID"
    response = _run(RequestFactory().get("/", HTTP_X_CORRELATION_ID="corr-1"))
    assert response["X-Correlation-ID"] == "corr-1"


def test_context_is_reset_after_the_request():
    _run(RequestFactory().get("/"))
    assert current_context() is None


def test_context_is_reset_when_the_view_raises():
    def boom(request):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        _run(RequestFactory().get("/"), boom)
    assert current_context() is None


def test_middleware_is_async_for_an_async_stack():
    async def view(request):
        return _seen_context(request)

    middleware = AuditContextMiddleware(view)
    assert iscoroutinefunction(middleware)
    response = async_to_sync(middleware)(RequestFactory().get("/", HTTP_X_REQUEST_ID="async-1"))
    assert response.context.request_id == "async-1"
    assert response["X-Request-ID"] == "async-1"
    assert current_context() is None


def test_concurrent_async_requests_keep_their_own_context():
    async def view(request):
        await asyncio.sleep(0.01)  # let the other request run in between
        return _seen_context(request)

    middleware = AuditContextMiddleware(view)

    async def both():
        return await asyncio.gather(
            middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID="one")),
            middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID="two")),
        )

    first, second = async_to_sync(both)()
    assert (first.context.request_id, second.context.request_id) == ("one", "two")


@pytest.mark.django_db
def test_entries_written_in_a_sync_view_carry_the_request(client, user):
    client.force_login(user)
    response = client.get("/sync/event/", HTTP_X_REQUEST_ID="view-1", REMOTE_ADDR="198.51.100.4")
    entry = AuditLog.objects.get(pk=response.json()["entry"])
    assert (entry.request_id, entry.ip_address, entry.actor_id) == ("view-1", "198.51.100.4", user.pk)
    assert response["X-Request-ID"] == "view-1"


@pytest.mark.django_db
def test_entries_written_in_an_async_view_carry_the_request(user):
    client = AsyncClient()
    client.force_login(user)
    response = async_to_sync(client.get)("/async/event/", headers={"X-Request-ID": "async-view-1"})
    payload = response.json()
    assert payload["context_request_id"] == payload["request_id"] == "async-view-1"
    assert payload["actor_id"] == user.pk
    assert AuditLog.objects.get(pk=payload["entry"]).request_id == "async-view-1"


@pytest.mark.django_db
def test_anonymous_requests_record_no_actor(client):
    entry = AuditLog.objects.get(pk=client.get("/sync/event/").json()["entry"])
    assert entry.actor_id is None
