"""Parsers that refuse what would crash the server instead of answering it.

DRF's parser lets ``json.loads`` raise ``RecursionError`` on a body nested a few thousand levels
deep (a 500); and a body nested a few hundred levels deep still reaches serializers and the
fingerprint of the ``Idempotency-Key``. Here a body deeper than ``API_MAX_JSON_DEPTH`` is a 400,
decided by counting brackets before parsing. A JSON constant such as ``NaN`` or ``Infinity`` (not
JSON at all) and a lone surrogate escape such as ``"\\ud800"`` (no UTF-8 text, so no database
can store it) are 400s too. So is a NUL character in any body (JSON, form or multipart): PostgreSQL
cannot store it in a text or JSON column, and no field of the API needs one.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.views import defaults
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from api import conf


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value.")


def json_depth(text: str) -> int:
    """How deeply the arrays and objects of the JSON ``text`` nest (brackets inside strings ignored)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


NUL = "\x00"


def holds_nul(data: Any) -> bool:
    """Whether a NUL character is in ``data`` (strings, keys, lists, dicts, a form's values)."""
    if isinstance(data, str):
        return NUL in data
    if isinstance(data, dict):
        return any(holds_nul(key) or holds_nul(value) for key, value in data.items())
    if isinstance(data, (list, tuple)):
        return any(holds_nul(item) for item in data)
    if hasattr(data, "lists"):  # a QueryDict
        return any(holds_nul(key) or holds_nul(values) for key, values in data.lists())
    return False


def _refuse_nul(data: Any) -> Any:
    if holds_nul(data):
        raise ParseError("A NUL character is not accepted in any field.")
    return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _refuse_nul(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        _refuse_nul(parsed.data)
        return parsed


class RefuseNulInURLs:
    """Middleware: a NUL character in the path or query string is a 400, for every URL (JSON under /api/).

    Lookups by code or key would otherwise reach PostgreSQL, which refuses NUL in text (a 500).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            from api.errors import api_error_view  # errors imports the packages; load it on first use

            refusal = SuspiciousOperation("A NUL character is not accepted in a URL.")
            return api_error_view(400, defaults.bad_request)(request, refusal)
        return self.get_response(request)


class JSONParser(parsers.JSONParser):
    """``application/json`` bodies up to ``API_MAX_JSON_DEPTH`` levels deep, standard JSON only."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(f"JSON parse error - the body is not {encoding} text.") from exc
        limit = conf.max_json_depth()
        if json_depth(text) > limit:
            raise ParseError(f"JSON parse error - the body nests deeper than {limit} levels.")
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        if "\\u" in text:  # only an escape can smuggle in a lone surrogate or a NUL
            try:
                json.dumps(data, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ParseError("JSON parse error - a string holds a lone surrogate (not UTF-8 text).") from exc
            _refuse_nul(data)
        return data
