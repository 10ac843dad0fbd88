"""drf-spectacular hook: document the error responses every operation can give, in one shape.

Every error is an RFC 9457 problem document (``core.problems``), described once
as the ``ProblemDetail`` component and referenced, as ``application/problem+json``,
by every 4xx/5xx response of every operation. Any request may carry bad
credentials (401, with ``WWW-Authenticate: Token``) or be refused (403); list
endpoints answer a bad filter with 400 and a page past the end with 404; path
parameters may name nothing (404). Views name their specific errors
(400/403/404/409) with ``extend_schema(responses={...: ERROR})``; this hook fills
in the rest and points them all at ``ProblemDetail``.
"""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse

from core.problems import PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, problem_type_uri

# The error response views name in ``extend_schema``; the hook below gives it the ProblemDetail schema.
ERROR = OpenApiResponse(response={"type": "object"}, description="a problem document (RFC 9457)")

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem document: every 4xx and 5xx under /api/ (`application/problem+json`). "
                   "`title` and `detail` are Japanese, for people; `type` (and `code`, its last segment) "
                   "are stable, for programs. Domain errors may add members (`id`, `current_version`, ...).",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri",
                 "description": "the kind of problem: `<SITE_URL>/problems/<code>` (listed in docs/api.md), "
                                "or `about:blank`",
                 "example": "https://briefings.example.org/problems/validation_error"},
        "title": {"type": "string", "description": "a short Japanese summary of the kind of problem",
                  "example": "入力内容に誤りがあります"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599, "description": "the HTTP status code",
                   "example": 400},
        "detail": {"type": "string", "description": "a Japanese explanation of this occurrence",
                   "example": "入力内容に誤りがあります（1件）: as_of: 日付の形式が違います。"},
        "code": {"type": "string", "description": "the last segment of `type` (one of the types listed above)",
                 "example": "validation_error"},
        "errors": {
            "type": "array",
            "description": "validation failures only: one entry per message",
            "items": {
                "type": "object",
                "required": ["field", "message", "code"],
                "properties": {
                    "field": {"type": "string", "description": "dotted path of the field (`items.0.name`); "
                                                               "`non_field_errors` for the body as a whole",
                              "example": "as_of"},
                    "message": {"type": "string", "description": "a Japanese message",
                                "example": "日付の形式が違います。"},
                    "code": {"type": "string", "description": "a machine-readable reason (`required`, `invalid`, ...)",
                             "example": "invalid"},
                },
            },
        },
    },
    "additionalProperties": True,
}
PROBLEM_TYPES_DESCRIPTION = "\n".join(
    f"- `{kind.slug}` ({kind.status}, {kind.title}): {kind.description}" for kind in PROBLEM_TYPES.values()
)
NO_NUL = "^[^\\u0000]*$"  # text parameters never contain NUL (refused by Django forms)
NON_BLANK = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"
DESCRIPTIONS = {
    "400": "invalid parameters or body",
    "401": "no credentials, or wrong ones (an unknown or revoked token): send `Authorization: Token <key>`",
    "403": "authenticated, but not allowed for this user",
    "404": "not found (an unknown id, or a page past the end)",
}

# What a status named in a view's ``extend_schema`` means, said once.
ERROR_DESCRIPTIONS = {
    **DESCRIPTIONS,
    "409": "refused in the resource's current state (an illegal transition, a stale base, a duplicate)",
    "412": "the resource changed since the ETag given in If-Match",
    "429": "too many requests (or a login locked out): retry after the seconds in Retry-After",
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["ProblemDetail"] = {**PROBLEM_SCHEMA, "description": PROBLEM_SCHEMA["description"]
                                   + "\n\nTypes (`type` is `" + problem_type_uri("<code>") + "`):\n"
                                   + PROBLEM_TYPES_DESCRIPTION}
    reference = {"$ref": "#/components/schemas/ProblemDetail"}
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
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if str(status)[0] in "45":
                    response["content"] = {PROBLEM_CONTENT_TYPE: {"schema": reference}}
                    if response.get("description") == ERROR.description:
                        response["description"] = ERROR_DESCRIPTIONS.get(str(status), ERROR.description)
            responses["401"]["headers"] = {"WWW-Authenticate": {
                "schema": {"type": "string", "example": "Token"},
                "description": "`Token`: authenticate with `Authorization: Token <key>` (POST /api/auth/token/)",
            }}
    for name, component in components.items():
        if name != "ProblemDetail":
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
        "content": {PROBLEM_CONTENT_TYPE: {"schema": reference}},
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
