"""drf-spectacular hook: document the error responses every operation can give.

Any request may carry bad credentials (401/403); list endpoints answer a bad
filter with 400 and a page past the end with 404; path parameters may name
nothing (404). Views document their specific errors (400/403/404/409) with
``extend_schema``; this hook fills in the rest with the same error body:
``{"detail": "...", "code": "..."}`` or, for field validation, ``{"field": ["message"]}``.
"""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse

# The error response views name in ``extend_schema`` (400/403/404/409).
ERROR = OpenApiResponse(
    response={"type": "object", "properties": {"detail": {"type": "string"}, "code": {"type": "string"}}},
    description="error with a message",
)

ERROR_SCHEMA = {
    "type": "object",
    "description": "`detail` (a Japanese message) and `code`, or a map of field names to messages",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "additionalProperties": True,
}
NO_NUL = "^[^\\u0000]*$"  # text parameters never contain NUL (refused by Django forms)
NON_BLANK = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"
DESCRIPTIONS = {
    "400": "invalid parameters or body",
    "401": "authentication failed (bad token or session)",
    "403": "not allowed for this user",
    "404": "not found (an unknown id, or a page past the end)",
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    parameter["allowEmptyValue"] = True  # an empty filter (?until=) means "not given"
                    schema = parameter.get("schema", {})
                    if schema.get("type") == "string" and "format" not in schema and "enum" not in schema:
                        schema.setdefault("pattern", NO_NUL)
            responses = operation.setdefault("responses", {})
            if method == "patch":
                _if_match(operation, responses, reference)
            for status, description in DESCRIPTIONS.items():
                if status not in responses:
                    responses[status] = {"content": {"application/json": {"schema": reference}}, "description": description}
    for component in components.values():
        _no_nul_in_strings(component)
    return result


IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "the `ETag` of the GET this change is based on: if the resource changed since, the PATCH is "
                   "refused with 412 (optimistic locking). Without it the PATCH applies to the current version.",
}


def _if_match(operation: dict[str, Any], responses: dict[str, Any], reference: dict[str, Any]) -> None:
    """Every PATCH takes ``If-Match`` (core.versioning) and may answer 412."""
    parameters = operation.setdefault("parameters", [])
    if not any(p.get("in") == "header" and p.get("name") == "If-Match" for p in parameters):
        parameters.append(IF_MATCH)
    responses.setdefault("412", {
        "content": {"application/json": {"schema": reference}},
        "description": "the resource changed since the ETag given in If-Match",
    })


def _no_nul_in_strings(schema: dict[str, Any]) -> None:
    """Text never contains NUL (Django refuses it), and required text is trimmed, so it
    needs a visible character: say so, so that clients and fuzzers know."""
    if schema.get("type") == "string" and "format" not in schema and "enum" not in schema and not schema.get("readOnly"):
        schema.setdefault("pattern", NON_BLANK if schema.get("minLength", 0) >= 1 else NO_NUL)
    for child in schema.get("properties", {}).values():
        _no_nul_in_strings(child)
    if isinstance(schema.get("items"), dict):
        _no_nul_in_strings(schema["items"])
