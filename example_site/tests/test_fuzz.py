"""A fuzz of every operation of the schema: each field and filter gets hostile values, none is a 5xx.

The operations, their fields and their filters are read from the OpenAPI schema, so a new endpoint
is fuzzed without a line here. Path parameters name real rows (the first of the matching list),
so the requests reach validation instead of stopping at a 404. Each answer must be below 500 and,
when it is a refusal, JSON in the error shape of ``api.errors``. Signed in as the superuser (every
operation runs), then without a sign-in (401 everywhere but the token endpoint).
"""

from __future__ import annotations

import json
import re

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

HOSTILE = [
    None,
    True,
    0,
    -1,
    2**31,
    2**63,
    -(2**63) - 1,
    10**40,
    1.5,
    1e308,
    "",
    " ",
    "x" * 20_000,
    "\x00",
    "\ud800",  # a lone surrogate: not encodable as UTF-8
    "💊" * 50,
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+23:59",
    "9999-12",
    "NaN",
    "1e999",
    "-0",
    "00000000-0000-0000-0000-000000000000",
    "../../etc/passwd",
    [],
    [None, {"a": [1]}],
    {},
    {"$money": {"amount": "1e999999", "currency": "EUR"}},
    {"$decimal": "NaN"},
    json.loads("[" * 19 + "]" * 19),
]
WHOLE_BODIES = ["[]", '"text"', "12", "null", "[" * 5000 + "]" * 5000, '{"a": 1e999}', "{,}"]
LOOKUP_FIELDS = {"id": "id", "code": "code", "key": "key", "scope": "scope"}
LIST_OF = {"/api/v1/clinic/visits/": "/api/v1/encounters/", "/api/v1/clinic/work-items/": "/api/v1/catalog/work-items/"}


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations() -> list[tuple[str, str]]:
    schema = _schema()
    return [
        (path, method.upper())
        for path, item in sorted(schema["paths"].items())
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _body_fields(schema: dict, operation: dict) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    for media in ("application/json", "multipart/form-data"):
        if media in content:
            return sorted(_resolve(schema, content[media]["schema"]).get("properties", {}))
    return []


def _real_path(client: APIClient, path: str) -> str:
    """``path`` with each parameter replaced by a value naming a real row (or this month)."""
    names = re.findall(r"{(\w+)}", path)
    for name in names:
        if name == "month":
            path = path.replace("{month}", f"{timezone.localdate():%Y-%m}")
            continue
        prefix = path.split("{" + name + "}")[0]
        listing = client.get(LIST_OF.get(prefix, prefix), {"limit": 1})
        body = listing.json() if listing.status_code == 200 else {}
        rows = body.get("results", body) if isinstance(body, dict) else body
        value = rows[0].get(LOOKUP_FIELDS.get(name, name)) if rows else "00000000-0000-0000-0000-000000000000"
        path = path.replace("{" + name + "}", str(value))
    return path


def _query_value(value) -> bytes:
    """The value as the bytes of a query string (a lone surrogate as the bytes a client could send)."""
    text = value if isinstance(value, str) else json.dumps(value)
    return text.encode("utf-8", "surrogatepass")


def _assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.status_code >= 400 and response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        assert isinstance(body, dict) and "error" in body, f"{what}: {body}"


@pytest.fixture(scope="module")
def openapi(django_db_blocker):
    with django_db_blocker.unblock():
        return _schema()


@pytest.mark.parametrize(("path", "method"), _operations())
def test_no_field_or_filter_makes_a_server_error(api, openapi, path, method):
    client = api("demo")
    operation = openapi["paths"][path][method.lower()]
    url = _real_path(client, path)
    send = getattr(client, method.lower())
    fields = _body_fields(openapi, operation)
    filters = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    for value in HOSTILE:
        for name in filters:
            response = (
                client.get(url, {name: _query_value(value)})
                if method == "GET"
                else send(f"{url}?{name}=x", {}, format="json")
            )
            _assert_no_server_error(response, f"{method} {url}?{name}={str(value)[:40]!r}")
        if method != "GET":
            for name in fields or ["unknown"]:
                response = send(url, json.dumps({name: value}), content_type="application/json")
                _assert_no_server_error(response, f"{method} {url} {name}={str(value)[:40]!r}")
            response = send(url, json.dumps({name: value for name in fields}), content_type="application/json")
            _assert_no_server_error(response, f"{method} {url} every field={str(value)[:40]!r}")
    _assert_no_server_error(client.options(url), f"OPTIONS {url}")
    if method != "GET":
        for body in WHOLE_BODIES:
            response = send(url, body, content_type="application/json")
            _assert_no_server_error(response, f"{method} {url} body {body[:20]!r}")
        response = send(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="\x7f" * 300)
        _assert_no_server_error(response, f"{method} {url} with a malformed Idempotency-Key")


@pytest.mark.parametrize(("path", "method"), _operations())
def test_without_a_sign_in_every_operation_is_a_401(db, openapi, path, method):
    client = APIClient()
    url = re.sub(r"{\w+}", "00000000-0000-0000-0000-000000000000", path.replace("{month}", "2026-01"))
    if method == "GET":
        response = client.get(url, {"limit": "[" * 50})
    else:
        response = getattr(client, method.lower())(url, "[" * 5000 + "]" * 5000, content_type="application/json")
    if path in {"/api/v1/auth/token/", "/api/v1/schema/"}:
        _assert_no_server_error(response, f"{method} {url}")
    else:
        assert response.status_code == 401, f"{method} {url}: {response.status_code}"
        assert response.json()["error"] == "NotAuthenticated"
