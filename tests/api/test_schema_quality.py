"""The OpenAPI schema as its users need it: Spectral-clean, documented, usable by generators and validators.

The schema is the one ``/api/schema/`` serves, generated once per test process
(``tests/openapi_validation.api_schema``).
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.http import JsonResponse
from drf_spectacular.generators import SchemaGenerator

from core.openapi_clients import _varname
from tests.openapi_validation import api_schema, mismatch

ROOT = Path(__file__).resolve().parents[2]
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"
METHODS = {"get", "post", "put", "patch", "delete"}


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, operation) for path, item in api_schema()["paths"].items()
            for method, operation in item.items() if method in METHODS]


def _walk(node: Any):  # type: ignore[no-untyped-def]
    if isinstance(node, dict):
        yield node
        for child in node.values():
            yield from _walk(child)
    elif isinstance(node, list):
        for child in node:
            yield from _walk(child)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = api_schema()["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema


def test_spectral_finds_no_error_and_no_warning_with_the_repositorys_ruleset(tmp_path):
    # given the schema as served, and the ruleset kept in the repository
    document = tmp_path / "schema.json"
    document.write_text(json.dumps(api_schema(), ensure_ascii=False), encoding="utf-8")
    # when Spectral lints it, failing on warnings too (examples are checked against their schemas
    # by its oas3-valid-media-example rule)
    result = subprocess.run(
        [str(SPECTRAL), "lint", "--ruleset", str(ROOT / ".spectral.yaml"), "--fail-severity", "warn",
         "--format", "json", "--quiet", str(document)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    # then it reports nothing
    problems = json.loads(result.stdout or "[]")
    assert problems == [] and result.returncode == 0, "\n".join(
        f"{p.get('code')}: {p.get('message')} at {'.'.join(map(str, p.get('path', [])))}" for p in problems
    ) or result.stderr


def test_every_operation_has_a_declared_tag_a_summary_a_description_and_an_example():
    # given the tags declared in SPECTACULAR_SETTINGS
    declared = {tag["name"] for tag in settings.SPECTACULAR_SETTINGS["TAGS"]}
    missing = []
    for path, method, operation in _operations():
        # when each operation is read as a client generator or Swagger UI reads it
        name = f"{method.upper()} {path}"
        if not operation.get("tags") or not set(operation["tags"]) <= declared:
            missing.append(f"{name}: tag {operation.get('tags')} not declared")
        for field in ("summary", "description"):
            if not operation.get(field, "").strip():
                missing.append(f"{name}: no {field}")
        success = next(r for code, r in operation["responses"].items() if code.startswith("2"))
        bodies = [success, operation.get("requestBody", {})]
        if not any(body.get("content") for body in bodies):
            continue  # nothing to exemplify (DELETE /api/auth/token/: no body either way, 204)
        if not any("example" in media or "examples" in media
                   for body in bodies for media in body.get("content", {}).values()):
            missing.append(f"{name}: no example")
    # then none is missing anything
    assert missing == []


def test_alternatives_are_anyof_never_oneof():
    # given the schema; when looking for oneOf anywhere; then there is none (openapi-core would reject
    # a blank URL, valid under both alternatives of a blank-allowed URL field)
    assert [node for node in _walk(api_schema()) if "oneOf" in node] == []
    url = _resolve({"$ref": "#/components/schemas/SourceOutput"})["properties"]["url"]
    assert "anyOf" in url


def test_every_enum_has_english_identifiers_and_its_japanese_labels():
    # given every enum component
    enums = {name: c for name, c in api_schema()["components"]["schemas"].items() if "enum" in c}
    # then each value has an English identifier, and the labels are kept beside them
    assert {"RevisionStatusEnum", "ReleaseKindEnum", "SourceKindEnum"} <= set(enums)
    for name, component in enums.items():
        assert len(component["x-enum-varnames"]) == len(component["enum"]), name
        assert all(v.isascii() and v.replace("_", "").isalnum() for v in component["x-enum-varnames"]), name
    status = enums["RevisionStatusEnum"]
    assert dict(zip(status["enum"], status["x-enum-varnames"], strict=True))["submitted"] == "SUBMITTED"
    assert dict(zip(status["enum"], status["x-enum-descriptions"], strict=True))["submitted"] == "審査待ち"


def test_a_japanese_enum_value_stops_the_generation_instead_of_giving_a_meaningless_name():
    # given a value with no English letters; when named; then the generation refuses, saying what to do
    with pytest.raises(ValueError, match="English value with a Japanese label"):
        _varname("KindEnum", "新聞")
    assert _varname("KindEnum", "diet_record") == "DIET_RECORD" and _varname("KindEnum", "") == "BLANK"


def test_rate_limits_outages_body_size_media_type_and_preconditions_are_documented_where_they_happen():
    # given every operation
    for path, method, operation in _operations():
        responses = operation["responses"]
        name = f"{method.upper()} {path}"
        # then any of them may be throttled or meet a database outage, each with Retry-After
        for status in ("429", "503"):
            assert "Retry-After" in responses[status]["headers"], name
        # writes with a body may be too large or not JSON
        if "requestBody" in operation:
            assert {"413", "415"} <= set(responses), name
        # and every PATCH takes If-Match and may be refused with 412
        if method == "patch":
            assert "412" in responses, name
            assert any(p["name"] == "If-Match" for p in operation["parameters"]), name


@pytest.mark.django_db
def test_a_response_that_breaks_the_schema_is_reported_with_the_place_it_breaks(client):  # type: ignore[no-untyped-def]
    # given a real request to the API, and a response its schema does not describe
    request = client.get("/api/briefings/").wsgi_request
    wrong = JsonResponse({"count": "many", "results": [{"slug": 1}]})
    undocumented = JsonResponse({"detail": "x"}, status=418)
    # when checked; then each is reported, naming what is wrong
    assert "count" in (mismatch(request, wrong) or "")
    assert "418" in (mismatch(request, undocumented) or "")
    # and a correct response, or a path that is no API operation, is not
    assert mismatch(request, JsonResponse({"count": 0, "next": None, "previous": None, "results": []})) is None
    assert mismatch(client.get("/api/nothing-here/").wsgi_request, undocumented) is None


@pytest.mark.django_db
def test_describing_the_api_reads_no_data(django_assert_num_queries):  # type: ignore[no-untyped-def]
    # given the schema generator (as /api/schema/ and the suite's response check run it)
    # when it describes every view; then no view queries the database to be described
    with django_assert_num_queries(0):
        SchemaGenerator().get_schema(request=None, public=True)
