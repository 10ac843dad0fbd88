"""Hostile input on every reader page, every API endpoint and the admin: a clear 4xx, never a 500.

NUL bytes (PostgreSQL cannot compare or store them), invalid UTF-8, lone
surrogates, bidi override/isolate controls, absurdly nested JSON and oversized
bodies. Each case crashed (500) or was silently accepted before the guard.
"""
from __future__ import annotations

import json

import pytest
from django.test import override_settings
from rest_framework.authtoken.models import Token

from briefings.models import SectionRevision

READER_URLS = [
    "/", "/sources/", "/sources/csl.json", "/events/", "/briefings/world-2025/", "/briefings/world-2025/releases/1/",
    "/briefings/world-2025/as-of/2025-03-01/", "/briefings/world-2025/changes/", "/briefings/world-2025/search/",
    "/briefings/world-2025/feed/", "/briefings/world-2025/sections/ch4-1/history/",
]
API_URLS = [
    "/api/briefings/", "/api/briefings/world-2025/", "/api/briefings/world-2025/snapshot/", "/api/sections/",
    "/api/revisions/", "/api/claims/", "/api/sources/", "/api/events/", "/api/releases/",
]
# Every query parameter a reader page or an API list reads, each given a NUL.
PARAMETERS = ["q", "kind", "domain", "from", "to", "release", "tag", "since", "until", "briefing", "section",
              "status", "page", "as_of", "from_release", "to_release", "published_after", "information_as_of_before"]
NUL_QUERY = "&".join(f"{name}=a%00b" for name in PARAMETERS)


def _token(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


@pytest.mark.parametrize("url", READER_URLS)
def test_nul_in_a_reader_query_string_is_a_japanese_400_page(client, briefing, url):
    # when
    response = client.get(f"{url}?{NUL_QUERY}")
    # then
    assert response.status_code == 400
    page = response.content.decode()
    assert 'lang="ja"' in page and "NUL文字（U+0000）は使用できません" in page and "「q」" in page


@pytest.mark.parametrize("parameter", PARAMETERS)
def test_nul_in_any_one_parameter_of_the_sources_page_is_refused(client, briefing, parameter):
    response = client.get(f"/sources/?{parameter}=%00")
    assert response.status_code == 400 and f"「{parameter}」" in response.content.decode()


@pytest.mark.parametrize("url", API_URLS)
def test_nul_in_an_api_query_string_is_a_problem_400_naming_the_parameter(client, briefing, url):
    response = client.get(f"{url}?q=%00")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [{"field": "q", "message": "NUL文字（U+0000）は使用できません。", "code": "invalid"}]


@pytest.mark.parametrize("path", ["/briefings/world-2025/sections/ch%00/history/", "/api/sections/ch%004-1/revisions/",
                                  "/admin/briefings/section/%00/change/"])
def test_nul_in_a_path_is_a_400(client, briefing, editor, path):
    client.force_login(editor)
    assert client.get(path).status_code == 400


def test_the_admin_changelist_search_with_nul_is_a_400(client, briefing, editor):
    client.force_login(editor)
    assert client.get("/admin/sources/source/?q=%00").status_code == 400
    assert client.get("/admin/sources/source/?q=%E5%A4%96%E5%8B%99").status_code == 200  # 外務: searching still works


@pytest.fixture
def draft(briefing, editor, client) -> int:  # type: ignore[no-untyped-def]
    response = client.post("/api/sections/ch4-1/revisions/", {}, content_type="application/json", **_token(editor))
    assert response.status_code == 201
    return int(response.json()["id"])


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("見出し\u0000", "U+0000"),
        ("見出し\ud800", "U+D800"),
        ("見出し\u202e逆順", "U+202E"),
        ("\u2066分離\u2069", "U+2066"),
        ("\u202a埋め込み", "U+202A"),
    ],
)
def test_an_api_write_with_a_forbidden_character_is_a_400_naming_the_field(client, editor, draft, text, named):
    # given: a body as a client would send it (json.dumps escapes the surrogate as \ud800)
    body = json.dumps({"heading": text, "change_summary": "ok"})
    # when
    response = client.patch(f"/api/revisions/{draft}/", body, content_type="application/json", **_token(editor))
    # then
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == ["heading"] and named in errors[0]["message"]
    assert SectionRevision.objects.get(pk=draft).heading != text


def test_a_forbidden_character_inside_a_list_field_is_refused_too(client, editor, briefing):
    body = json.dumps({"date": "2025年3月1日", "title": "出来事", "tags": ["正常", "隠し\u202e"]})
    response = client.post("/api/events/", body, content_type="application/json", **_token(editor))
    assert response.status_code == 400 and [error["field"] for error in response.json()["errors"]] == ["tags.1"]
    assert "U+202E" in response.json()["errors"][0]["message"]


def test_invalid_utf8_in_a_json_body_is_a_400(client, editor, draft):
    response = client.patch(f"/api/revisions/{draft}/", b'{"heading": "\xff\xfe"}', content_type="application/json",
                            **_token(editor))
    assert response.status_code == 400 and "utf-8として読めません" in response.json()["detail"]


@pytest.mark.parametrize("depth", [33, 1_000, 300_000])
def test_deeply_nested_json_is_a_400_with_a_clear_message(client, editor, draft, depth):
    body = '{"heading": ' + "[" * depth + "]" * depth + "}"
    response = client.patch(f"/api/revisions/{draft}/", body, content_type="application/json", **_token(editor))
    assert response.status_code == 400
    assert response.json()["detail"] == "JSONの入れ子が深すぎます（最大32段）。"


def test_json_within_the_depth_limit_is_still_parsed(client, editor, draft):
    body = '{"heading": "見出し", "unknown": ' + "[" * 31 + "]" * 31 + "}"
    response = client.patch(f"/api/revisions/{draft}/", body, content_type="application/json", **_token(editor))
    assert response.status_code == 200 and response.json()["heading"] == "見出し"


@override_settings(REQUEST_BODY_MAX_BYTES=10_000)
def test_an_api_body_over_the_limit_is_a_413_before_it_is_read(client, editor, draft):
    body = json.dumps({"body": "あ" * 5_000})
    response = client.patch(f"/api/revisions/{draft}/", body, content_type="application/json", **_token(editor))
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large" and "上限10,000バイト" in response.json()["detail"]


def test_the_documented_body_limit_is_one_mebibyte(client, editor, draft):
    # given: a body just over 1 MiB; the default limit is documented in docs/reliability.md
    body = json.dumps({"body": "x" * (1024 * 1024)})
    response = client.patch(f"/api/revisions/{draft}/", body, content_type="application/json", **_token(editor))
    assert response.status_code == 413


@override_settings(REQUEST_BODY_MAX_BYTES=10_000, DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_an_admin_form_over_the_limit_is_a_japanese_413_page(client, editor, draft):
    client.force_login(editor)
    response = client.post(f"/admin/briefings/sectionrevision/{draft}/change/", {"body": "あ" * 5_000})
    assert response.status_code == 413 and "送信内容が大きすぎます" in response.content.decode()


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        (b"heading=%E8%A6%8B%FF", "UTF-8として読めない"),
        (b"heading=a%00b", "NUL文字"),
        (b"heading=%E2%80%AE", "U+202E"),
        (b"heading=%E2%81%A6x%E2%81%A9", "U+2066"),
    ],
)
def test_an_admin_form_post_with_bad_text_is_a_400_naming_the_field(client, editor, draft, raw, named):
    # given
    client.force_login(editor)
    before = SectionRevision.objects.get(pk=draft).heading
    # when
    response = client.generic("POST", f"/admin/briefings/sectionrevision/{draft}/change/", raw,
                              content_type="application/x-www-form-urlencoded")
    # then
    assert response.status_code == 400
    page = response.content.decode()
    assert "「heading」" in page and named in page
    assert SectionRevision.objects.get(pk=draft).heading == before


def test_a_clean_admin_form_post_still_saves(client, editor, draft):
    # given: the change form as the browser would post it back (its inlines' management forms included)
    client.force_login(editor)
    url = f"/admin/briefings/sectionrevision/{draft}/change/"
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    for inline in page.context["inline_admin_formsets"]:
        data.update({f"{inline.formset.prefix}-{key}": value
                     for key, value in inline.formset.management_form.initial.items()})
    data["heading"] = "新しい見出し（置換文字\ufffdは使える）"
    # when
    response = client.post(url, data)
    # then
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert SectionRevision.objects.get(pk=draft).heading.startswith("新しい見出し")
