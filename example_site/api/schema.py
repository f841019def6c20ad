"""The OpenAPI schema as the contract: every status an operation can answer, with its error body.

drf-spectacular documents the success of each operation from its serializers; this ``AutoSchema``
adds what the views share, read from the view rather than repeated on each:

- the query filters of a list (``filters = <Serializer>`` on the view, validated by
  ``ModuleAPIView.filter_values``: an unparsable value is a 400, not ignored);
- the ``Idempotency-Key`` header of every write that goes through ``api.writes.write``;
- the errors, each with the body ``api.errors`` makes (``Error``): 400 when the request carries
  anything to validate, 401 and 403 when it needs a sign-in, 404 for a path naming an object,
  409 for a write (a reused key, a conflicting state), 415 for a body, 429 for a throttled view.
"""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter

from api.writes import HEADER

ERROR_COMPONENT = ResolvedComponent(
    name="Error",
    type=ResolvedComponent.SCHEMA,
    object="Error",
    schema={
        "type": "object",
        "description": (
            "`error` names the refusal (`ValidationError`, `NotAuthenticated`, `InsufficientStockError`, ...); "
            "`detail` says why, or each field with a problem lists its messages."
        ),
        "properties": {
            "error": {"type": "string"},
            "detail": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        },
        "required": ["error"],
        "additionalProperties": True,
    },
)
#: For ``extend_schema(responses={409: ERROR})`` on an operation that answers an error the rules above miss.
ERROR = ERROR_COMPONENT.ref

DESCRIPTIONS = {
    "400": "The request is not valid: `detail`, or the messages of each field.",
    "401": "Not signed in, or the token is wrong or expired (`WWW-Authenticate: Token`).",
    "403": "Signed in, but the role or the clinic's modules do not allow it.",
    "404": "Nothing has this id.",
    "409": "It conflicts with the current state, or the Idempotency-Key was used with another request.",
    "415": "The body's media type is not accepted.",
    "429": "Too many attempts: wait `Retry-After` seconds.",
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(openapi.AutoSchema):
    def _takes_filters(self) -> bool:
        return self.method == "GET" and getattr(self.view, "action", "list") in {"list", None}

    def _signs_in(self) -> bool:
        return bool(getattr(self.view, "permission_classes", None)) and not getattr(self.view, "public", False)

    def _writes(self) -> bool:
        return self.method in WRITE_METHODS and getattr(self.view, "idempotent_writes", True)

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        filters = getattr(self.view, "filters", None)
        if filters is not None and self._takes_filters():
            parameters.append(filters)
        if self._writes():
            parameters.append(
                OpenApiParameter(
                    HEADER,
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    pattern=r"^[\x21-\x7e]{1,200}$",
                    description=(
                        "1 to 200 visible ASCII characters: a retry with the same key and request replays "
                        "the first response (`Idempotent-Replayed: true`); with another request it is a 409."
                    ),
                )
            )
        return parameters

    def _error_statuses(self, operation: dict) -> list[str]:
        statuses = []
        lookup = {"id", getattr(self.view, "lookup_url_kwarg", None) or getattr(self.view, "lookup_field", "pk")}
        validated_parameters = [
            p for p in operation.get("parameters", []) if p["in"] != "path" or p["name"] not in lookup
        ]
        if self.method != "GET" or validated_parameters:
            statuses.append("400")
        if self._signs_in():
            statuses += ["401", "403"]
        if "{" in self.path:
            statuses.append("404")
        if self._writes() and self._signs_in():
            statuses.append("409")
        if "requestBody" in operation:
            statuses.append("415")
        if getattr(self.view, "throttle_classes", None):
            statuses.append("429")
        return statuses

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        registry.register_on_missing(ERROR_COMPONENT)
        for status in self._error_statuses(operation):
            operation["responses"].setdefault(
                status,
                {"description": DESCRIPTIONS[status], "content": {"application/json": {"schema": ERROR_COMPONENT.ref}}},
            )
        for status, response in operation["responses"].items():
            if not response.get("description") and status in DESCRIPTIONS:
                response["description"] = DESCRIPTIONS[status]
        return operation
