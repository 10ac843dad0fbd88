"""/api/sources/: structured fields in and out, the citation rendered from them."""
import pytest
from rest_framework.authtoken.models import Token

from sources.models import Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth(editor):  # type: ignore[no-untyped-def]
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=editor).key}", "content_type": "application/json"}


def test_a_source_given_as_fields_is_rendered_in_the_papers_style(client, auth):
    response = client.post("/api/sources/", {
        "kind": "journal_article", "author": "近藤 正規", "title": "モディ政権「戦略的自律」外交のゆくえ",
        "container": "外交", "volume": "Vol.88", "issued": "2024.11/12", "pages": "80～89頁",
    }, **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["citation"] == "近藤正規「モディ政権「戦略的自律」外交のゆくえ」『外交』Vol.88（2024.11/12）80～89頁"
    assert body["authors"] == [{"family": "近藤", "given": "正規"}]
    assert (body["issued_on"], body["issued_until"], body["issued_precision"]) == ("2024-11-01", "2024-12-01", "month")
    assert client.get(f"/api/sources/{body['id']}/", **auth).json()["citation"] == body["citation"]
    assert client.get(f"/api/sources/{body['id']}/").status_code == 404  # cited by nothing public yet


def test_a_citation_text_is_read_into_the_fields_it_names(client, auth):
    response = client.post("/api/sources/", {
        "kind": "website", "citation": "渡辺紫乃「トランプ次期政権への中国の反応」ＮＰＩウェブサイト（2024年12月）<https://www.npi.or.jp/a.pdf>",
    }, **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["author"], body["title"], body["publisher"], body["issued_text"], body["url"]) == (
        "渡辺紫乃", "トランプ次期政権への中国の反応", "ＮＰＩウェブサイト", "2024年12月", "https://www.npi.or.jp/a.pdf")
    # The same document spelled otherwise is the same source.
    again = client.post("/api/sources/", {"kind": "website", "author": "渡辺紫乃", "title": "トランプ次期政権への中国の反応",
                                          "publisher": "ＮＰＩウェブサイト", "issued": "2024.12",
                                          "url": "http://npi.or.jp/a.pdf"}, **auth)
    assert again.status_code == 409 and again.json()["id"] == body["id"]


def test_given_fields_win_and_the_text_fills_the_others(client, auth):
    response = client.post("/api/sources/", {"kind": "newspaper", "citation": "『朝日新聞』（2025.3.7）", "title": "停戦案",
                                             "issued": "2025.3.8"}, **auth)
    assert response.status_code == 201 and response.json()["citation"] == "「停戦案」『朝日新聞』（2025.3.8）"


def test_a_citation_with_an_unreadable_date_is_a_field_error(client, auth):
    response = client.post("/api/sources/", {"kind": "newspaper", "citation": "『日本経済新聞』（1月23日）"}, **auth)
    assert response.status_code == 400 and [e["field"] for e in response.json()["errors"]] == ["citation"]
    assert Source.objects.count() == 0
    nothing = client.post("/api/sources/", {"kind": "website"}, **auth)
    assert nothing.status_code == 400 and "title" in [e["field"] for e in nothing.json()["errors"]]


def test_patching_fields_or_a_citation_text_rerenders_and_refuses_a_duplicate(client, auth):
    created = client.post("/api/sources/", {"kind": "newspaper", "citation": "『朝日新聞』（2025.3.7）"}, **auth).json()
    other = client.post("/api/sources/", {"kind": "newspaper", "citation": "『朝日新聞』（2025.3.8）"}, **auth).json()
    url = f"/api/sources/{created['id']}/"
    titled = client.patch(url, {"title": "停戦案"}, **auth)
    assert titled.status_code == 200 and titled.json()["citation"] == "「停戦案」『朝日新聞』（2025.3.7）"
    rewritten = client.patch(url, {"citation": "『読売新聞』（令7.3.9）"}, **auth).json()
    assert (rewritten["container"], rewritten["title"], rewritten["issued_on"], rewritten["citation"]) == (
        "『読売新聞』", "", "2025-03-09", "『読売新聞』（令7.3.9）")
    clash = client.patch(url, {"citation": "『朝日新聞』（2025年3月8日）"}, **auth)
    assert clash.status_code == 409 and clash.json()["id"] == other["id"]
    assert client.get(url, **auth).json()["citation"] == "『読売新聞』（令7.3.9）"


def test_the_output_keeps_its_field_names(client, briefing):
    body = client.get("/api/sources/", {"kind": "journal_article"}).json()["results"][0]
    assert {"id", "kind", "citation", "title", "container", "volume", "author", "publisher", "issued_on",
            "issued_until", "issued_precision", "issued_text", "url", "url_domain", "accessed_on", "pages",
            "archive_url", "archive_captured_on", "link_status", "link_checked_at"} <= set(body)
    assert body["citation"] == Source.objects.get(pk=body["id"]).citation
