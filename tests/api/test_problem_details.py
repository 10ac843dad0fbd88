"""Every 4xx and 5xx under /api/ is one RFC 9457 problem document (application/problem+json)."""
from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token

import config.urls  # noqa: F401  (imports every app's API, so every ApplicationError subclass is loaded)
from core.errors import ApplicationError
from core.problems import PROBLEM_TYPES

pytestmark = pytest.mark.django_db

SOURCE = {"kind": "website", "title": "停戦案", "publisher": "外務省", "url": "https://www.example.org/a"}
TYPES = "https://briefings.example.org/problems/"


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """Assert ``response`` is the problem ``code`` with ``status``; return its body."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].split(";")[0] == "application/problem+json"
    body = response.json()
    assert body["type"] == TYPES + code and body["code"] == code
    assert body["status"] == status and body["title"] == PROBLEM_TYPES[code].title
    assert isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.fixture
def auth(editor) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=editor).key}"}


@pytest.mark.urls("tests.api.urls_problems")
def test_400_validation_names_each_nested_field_by_dotted_path(client):
    # given
    order = {"title": "", "items": [{"name": "a", "quantity": 1}, {"quantity": 0}], "tags": [1, "x"],
             "address": {"city": ["not", "text"]}}
    # when
    response = client.post("/api/test/nested/", json.dumps(order), content_type="application/json")
    # then
    body = _problem(response, 400, "validation_error")
    assert {(e["field"], e["code"]) for e in body["errors"]} == {
        ("title", "blank"), ("items.1.name", "required"), ("items.1.quantity", "min_value"),
        ("tags.1", "invalid"), ("address.city", "invalid"),
    }
    assert all(isinstance(e["message"], str) and e["message"] for e in body["errors"])
    assert "items.1.name" in body["detail"]


@pytest.mark.urls("tests.api.urls_problems")
def test_400_a_forbidden_character_in_a_list_item_names_the_item(client):
    order = {"items": [], "tags": [1], "address": {}}
    response = client.post("/api/test/nested/", json.dumps({**order, "title": ["a", "b\u0000"]}),
                           content_type="application/json")
    body = _problem(response, 400, "validation_error")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("title.1", "invalid")]
    assert "U+0000" in body["errors"][0]["message"]


def test_400_validation_of_a_real_endpoint(client, auth):
    response = client.post("/api/sources/", json.dumps({"kind": "bogus"}), content_type="application/json", **auth)
    body = _problem(response, 400, "validation_error")
    assert ("kind", "invalid_choice") in {(e["field"], e["code"]) for e in body["errors"]}


def test_400_a_domain_field_error_keeps_its_field(client, auth):
    response = client.post("/api/sources/", json.dumps({"kind": "newspaper", "citation": "『日本経済新聞』（1月23日）"}),
                           content_type="application/json", **auth)
    body = _problem(response, 400, "invalid")
    assert [e["field"] for e in body["errors"]] == ["citation"] and body["errors"][0]["code"] == "invalid"


def test_400_unreadable_json(client):
    response = client.post("/api/auth/token/", "{", content_type="application/json")
    body = _problem(response, 400, "parse_error")
    assert "JSON" in body["detail"] and "errors" not in body


def test_401_without_credentials_challenges_for_a_token(client):
    response = client.post("/api/sources/", json.dumps(SOURCE), content_type="application/json")
    _problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_401_with_an_unknown_token_even_on_a_public_read(client):
    response = client.get("/api/sources/", HTTP_AUTHORIZATION="Token nope")
    _problem(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == "Token"


def test_403_authenticated_but_not_allowed(client, django_user_model):
    reader = django_user_model.objects.create_user("reader", "r@example.org", "pw")
    key = Token.objects.create(user=reader).key
    response = client.post("/api/sources/", json.dumps(SOURCE), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {key}")
    body = _problem(response, 403, "permission_denied")
    assert "編集者" in body["detail"] and "WWW-Authenticate" not in response


@pytest.mark.parametrize("path", ["/api/nope/", "/api/sources/999999/", "/api/briefings/?page=99"])
def test_404_unknown_paths_and_objects(client, path):
    _problem(client.get(path), 404, "not_found")


def test_405_names_the_allowed_methods(client, auth):
    response = client.put("/api/sources/", json.dumps(SOURCE), content_type="application/json", **auth)
    _problem(response, 405, "method_not_allowed")
    assert "POST" in response["Allow"]


def test_406_and_html_clients_still_get_a_problem_document(client):
    _problem(client.get("/api/nope/", HTTP_ACCEPT="text/html"), 404, "not_found")
    _problem(client.get("/api/sources/999999/", HTTP_ACCEPT="text/html"), 404, "not_found")
    _problem(client.get("/api/sources/", HTTP_ACCEPT="application/xml"), 406, "not_acceptable")


def test_409_keeps_the_domain_members(client, auth):
    first = client.post("/api/sources/", json.dumps(SOURCE), content_type="application/json", **auth)
    again = client.post("/api/sources/", json.dumps(SOURCE), content_type="application/json", **auth)
    body = _problem(again, 409, "duplicate_source")
    assert body["id"] == first.json()["id"]


def test_412_says_the_current_version(client, auth):
    source = client.post("/api/sources/", json.dumps(SOURCE), content_type="application/json", **auth).json()
    url = f"/api/sources/{source['id']}/"
    etag = client.get(url, **auth)["ETag"]
    client.patch(url, json.dumps({"title": "一"}), content_type="application/json", HTTP_IF_MATCH=etag, **auth)
    stale = client.patch(url, json.dumps({"title": "二"}), content_type="application/json", HTTP_IF_MATCH=etag, **auth)
    body = _problem(stale, 412, "precondition_failed")
    assert f'"{body["current_version"]}"' == client.get(url, **auth)["ETag"]


@override_settings(REQUEST_BODY_MAX_BYTES=100)
def test_413_a_body_over_the_limit(client, auth):
    response = client.post("/api/sources/", json.dumps({**SOURCE, "title": "あ" * 200}),
                           content_type="application/json", **auth)
    body = _problem(response, 413, "request_too_large")
    assert "上限100バイト" in body["detail"]


def test_415_a_body_that_is_not_json(client, auth):
    response = client.post("/api/sources/", "kind=website", content_type="text/plain", **auth)
    _problem(response, 415, "unsupported_media_type")


@override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
    **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon_read": "1/min"}})
def test_429_says_when_to_retry(client):
    client.get("/api/sources/")
    response = client.get("/api/sources/")
    body = _problem(response, 429, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 60 and "秒ほど" in body["detail"]


@pytest.mark.urls("tests.api.urls_problems")
def test_500_an_unexpected_error_shows_no_internals():
    response = Client(raise_request_exception=False).get("/api/test/raise/")
    body = _problem(response, 500, "server_error")
    assert "passwd" not in response.content.decode() and "Traceback" not in response.content.decode()
    assert set(body) == {"type", "title", "status", "detail", "code"}


@pytest.mark.urls("tests.api.urls_problems")
def test_503_while_the_database_is_down():
    response = Client(raise_request_exception=False).get("/api/test/database-down/")
    _problem(response, 503, "service_unavailable")
    assert response["Retry-After"] == str(settings.SERVICE_UNAVAILABLE_RETRY_AFTER)
    assert "127.0.0.1" not in response.content.decode()


def test_reader_pages_keep_their_html_error_pages(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def _subclasses(cls: type) -> list[type]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_subclasses(direct))]


def test_every_domain_error_has_a_documented_problem_type_with_its_status():
    for error in (ApplicationError, *_subclasses(ApplicationError)):
        kind = PROBLEM_TYPES.get(error.code)
        assert kind is not None, f"{error.__name__}.code={error.code!r} has no entry in core.problems.PROBLEM_TYPES"
        if error.code not in {"invalid", "permission_denied"}:  # generic codes reused at their own status
            assert kind.status == error.status, error.__name__


def test_the_schema_documents_every_error_response_as_problem_detail(client):
    schema = client.get("/api/schema/?format=json").json()
    problem = schema["components"]["schemas"]["ProblemDetail"]
    assert problem["required"] == ["type", "title", "status", "detail"]
    assert set(problem["properties"]["errors"]["items"]["properties"]) == {"field", "message", "code"}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            errors = {status: r for status, r in operation["responses"].items() if status[0] in "45"}
            assert {"401", "403", "404"} <= set(errors), (path, method)
            for status, response in errors.items():
                assert response["content"] == {"application/problem+json": {
                    "schema": {"$ref": "#/components/schemas/ProblemDetail"}}}, (path, method, status)
            assert "WWW-Authenticate" in errors["401"]["headers"]
    assert "Error" not in schema["components"]["schemas"]


def test_the_api_docs_list_every_problem_type():
    docs = (settings.BASE_DIR / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [slug for slug in PROBLEM_TYPES if f"| `{slug}` |" not in docs]
    assert missing == [], "add these problem types to docs/api.md"


def test_every_type_uri_resolves_to_a_page_explaining_it(client):
    for slug, kind in PROBLEM_TYPES.items():
        page = client.get(f"/problems/{slug}")
        assert page.status_code == 200 and kind.title in page.content.decode(), slug
    listing = client.get("/problems/").content.decode()
    assert all(f'id="{slug}"' in listing for slug in PROBLEM_TYPES)
    assert client.get("/problems/nope").status_code == 404
