"""drf-spectacular hooks: a schema that validators, linters and client generators take as it is.

Run after ``core.openapi.add_error_responses`` (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``):

* ``oneOf`` becomes ``anyOf``. drf-spectacular writes a blank-allowed ``URLField`` as
  ``oneOf: [{format: uri}, {maxLength: 0}]`` and a blank- or null-allowed choice as
  ``oneOf: [Enum, BlankEnum, NullEnum]``. Validators that do not check ``format: uri``
  (openapi-core) find ``""`` valid under both branches, and ``oneOf`` then rejects it: every
  source without a URL failed validation. None of our alternatives is meant to be exclusive
  (there is no discriminator anywhere), so ``anyOf`` says what we mean.
* Enums get ``x-enum-varnames`` (English identifiers derived from the English values,
  ``""`` → ``BLANK``) and ``x-enum-descriptions`` (the Japanese labels), so generated clients
  have ``RevisionStatusEnum.SUBMITTED``, not ``VALUE_1``; the inline enums of filter
  parameters are named after the parameter, not after the field's Japanese title. A value
  that gives no identifier (Japanese text) stops the generation: give it an English value
  and a Japanese label.
* Every operation documents 406 (an ``Accept`` the API cannot answer), 429 (rate limits,
  ``core.throttling``: anonymous reads and authenticated writes are limited) and 503 (the
  database is down, ``core.errorpages``), both with ``Retry-After``; every operation with a
  request body documents 413 (a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``,
  ``core.request_guard``) and 415 (the API parses JSON only).
  The error body is the one the operation's own error responses document (a component if one
  names it), whatever the error shape is: it follows ``core.openapi`` when that changes.
"""
from __future__ import annotations

import re
from typing import Any

from django.conf import settings

METHODS = frozenset({"get", "post", "put", "patch", "delete"})
WITH_BODY = frozenset({"post", "put", "patch"})
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 0},
        "description": "seconds to wait before sending the request again",
        "required": True,
    }
}
_CHOICE_LINE = re.compile(r"^\* `(?P<value>[^`]*)` - (?P<label>.*)$")


def anyof_for_alternatives(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Replace every ``oneOf`` without a discriminator by ``anyOf`` (module docstring)."""
    _walk_oneof(result)
    return result


def _walk_oneof(node: Any) -> None:
    if isinstance(node, dict):
        if "oneOf" in node and "discriminator" not in node:
            node["anyOf"] = node.pop("oneOf")
        for child in node.values():
            _walk_oneof(child)
    elif isinstance(node, list):
        for child in node:
            _walk_oneof(child)


def enum_varnames(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Give every enum component English identifiers and its Japanese labels (module docstring)."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if "enum" not in component:
            continue
        component["x-enum-varnames"] = [_varname(name, value) for value in component["enum"]]
        labels = _labels(component.get("description", ""))
        if labels:
            component["x-enum-descriptions"] = [labels.get(value, "") for value in component["enum"]]
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in METHODS:
                for parameter in operation.get("parameters", []):
                    _name_parameter_enum(parameter)
    return result


def _name_parameter_enum(parameter: dict[str, Any]) -> None:
    """Name an inline enum of a filter parameter in English.

    django-filter gives a choice filter's schema the model field's Japanese ``title``
    (「種別」), which generators take as the enum's class name (``ReleasesList種別``): the
    parameter's own name is the better one, and the label moves to its description.
    """
    schema = parameter.get("schema", {})
    schema = schema.get("items", schema) if schema.get("type") == "array" else schema
    if "enum" not in schema:
        return
    title = schema.get("title", "")
    if title and not title.isascii():
        del schema["title"]
        if title not in parameter.get("description", ""):
            parameter["description"] = f"{title}. {parameter.get('description', '')}".rstrip(". ")
    schema["x-enum-varnames"] = [_varname(parameter.get("name", ""), value) for value in schema["enum"]]


def _varname(enum: str, value: Any) -> str:
    if value is None:
        return "NULL"
    if value == "":
        return "BLANK"
    identifier = re.sub(r"[^0-9A-Za-z]+", "_", str(value)).strip("_").upper()
    if not identifier or not identifier[0].isalpha():
        raise ValueError(f"{enum}: the value {value!r} gives no English identifier; use an English value "
                         "with a Japanese label")
    return identifier


def _labels(description: str) -> dict[str, str]:
    """Read drf-spectacular's choice list ("* `draft` - 下書き") back into value → label."""
    return {m["value"]: m["label"] for m in map(_CHOICE_LINE.match, description.splitlines()) if m}


def transport_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Document what any operation may answer before or around its view (module docstring).

    406, 429 and 503 on every operation, 413 and 415 on every operation with a body. The error body
    is the one the operation's own errors document (``_error_content``).
    """
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            error_content = _error_content(responses)
            if error_content is None:
                continue  # core.openapi documents 400 everywhere; without it there is no error shape to name
            for status, (description, headers) in ANY_OPERATION.items():
                documented = responses.setdefault(status, _response(description, headers, error_content))
                for name, header in headers.items():  # documented elsewhere without its header: add it
                    documented.setdefault("headers", {}).setdefault(name, header)
            if method in WITH_BODY and "requestBody" in operation:
                for status, (description, headers) in WITH_A_BODY.items():
                    text = description.format(limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
                    responses.setdefault(status, _response(text, headers, error_content))
    return result


def _error_content(responses: dict[str, Any]) -> dict[str, Any] | None:
    """Return the content of the operation's documented errors, preferring one naming a component.

    A component (``#/components/schemas/…``) gives generated clients one error class; an
    inline schema would give each status of each operation a class of its own.
    """
    errors = [r.get("content") for code, r in sorted(responses.items()) if code.startswith("4") and r.get("content")]
    named = [c for c in errors if all("$ref" in media.get("schema", {}) for media in c.values())]
    return (named or errors or [None])[0]


def _response(description: str, headers: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, **({"headers": headers} if headers else {}), "content": content}


# status -> (description, headers)
ANY_OPERATION: dict[str, tuple[str, dict[str, Any]]] = {
    "406": ("the `Accept` header names no media type the API answers with (JSON)", {}),
    "429": ("too many requests (anonymous reads and authenticated writes are rate-limited): wait `Retry-After` "
            "seconds", RETRY_AFTER),
    "503": ("service unavailable (the database cannot be reached): try again after `Retry-After` seconds",
            RETRY_AFTER),
}
WITH_A_BODY: dict[str, tuple[str, dict[str, Any]]] = {
    "413": ("the body is larger than the limit ({limit:,} bytes), refused before it is read", {}),
    "415": ("the body is not `application/json` (the only media type the API reads)", {}),
}
