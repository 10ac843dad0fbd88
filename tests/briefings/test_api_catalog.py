"""The read API: sections, revisions, claims, releases, sources; drafts never leak."""
import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from briefings.models import Section
from briefings.services import Action, revision_create_draft, revision_transition, revision_update

SECRET = "未公開の下書きの文である"


@pytest.fixture
def pending(briefing, editor, reviewer):  # type: ignore[no-untyped-def]
    """One draft, one submitted, one rejected and one scheduled revision carrying SECRET."""
    made = {}
    for state, key in (("draft", "ch1"), ("submitted", "ch6"), ("rejected", "ch5-1"), ("scheduled", "ch4-1")):
        draft = revision_create_draft(section=Section.objects.get(briefing=briefing, key=key), actor=editor)
        revision_update(revision_id=draft.pk, actor=editor,
                        data={"body": draft.body.replace("。", f"。{SECRET}。", 1)})
        if state != "draft":
            revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
        if state == "rejected":
            revision_transition(revision_id=draft.pk, action=Action.REJECT, actor=reviewer, comment="no")
        if state == "scheduled":
            revision_transition(revision_id=draft.pk, action=Action.SCHEDULE, actor=reviewer,
                                publish_at=timezone.now() + dt.timedelta(days=1))
        made[state] = draft.pk
    return made


ANONYMOUS_URLS = [
    "/api/revisions/", "/api/claims/?q=" + SECRET, "/api/sections/", "/api/releases/", "/api/sources/",
    "/api/briefings/world-2025/snapshot/", "/api/events/", "/briefings/world-2025/",
    "/briefings/world-2025/changes/", "/briefings/world-2025/feed/", "/sources/", "/events/",
    "/briefings/world-2025/sections/ch4-1/history/",
    "/briefings/world-2025/search/?q=" + SECRET,
    "/api/briefings/world-2025/snapshot/?as_of=2099-01-01",
    "/briefings/world-2025/as-of/2099-01-01/",
    "/api/claims/?briefing=world-2025&release=2",
    "/api/revisions/?status=draft&status=submitted&status=scheduled&status=rejected",
]


@pytest.mark.parametrize("url", ANONYMOUS_URLS)
def test_drafts_never_reach_anonymous_readers(client, pending, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    html = response.content.decode()
    if "/search/" in url:  # the page repeats the query itself; it must find nothing
        assert "見つかりませんでした" in html
    else:
        assert SECRET not in html
    for revision_id in pending.values():
        assert client.get(f"/api/revisions/{revision_id}/").status_code == 404


def test_anonymous_revision_list_shows_published_only_and_editors_see_all(client, pending, editor):
    public = client.get("/api/revisions/", {"briefing": "world-2025"}).json()
    assert len(public["results"]) == 22 and public["next"] is None  # cursor-paginated: no count (issue 18)
    assert {r["status"] for r in public["results"]} == {"published"}
    client.force_login(editor)
    everything = client.get("/api/revisions/", {"status": ["draft", "submitted"]}).json()
    assert {r["id"] for r in everything["results"]} == {pending["draft"], pending["submitted"]}


def test_claim_search_finds_japanese_substrings_in_a_release(client, briefing):
    body = client.get("/api/claims/", {"briefing": "world-2025", "release": 1, "q": "クルスク州"}).json()
    assert len(body["results"]) >= 2 and body["next"] is None  # cursor-paginated: no count (issue 18)
    assert all("クルスク州" in claim["text"] for claim in body["results"])
    assert body["results"][0]["footnote_refs"] is not None


def test_sections_releases_and_filters(client, briefing):
    sections = client.get("/api/sections/", {"briefing": "world-2025"}).json()
    assert sections["count"] == 22 and sections["results"][0]["published_revision"] is not None
    releases = client.get("/api/releases/", {"briefing": "world-2025"}).json()
    assert releases["results"][0]["number"] == 1 and len(releases["results"][0]["sections"]) == 22
    release_id = releases["results"][0]["id"]
    assert client.get(f"/api/releases/{release_id}/").json()["url"] == "/briefings/world-2025/releases/1/"
    assert client.get("/api/releases/999999/").status_code == 404
    assert client.get("/api/releases/", {"published_after": "not-a-date"}).status_code == 400
    assert client.get("/api/revisions/", {"status": "nonsense"}).status_code == 400


def test_sources_api_filters_and_editor_writes(client, briefing, editor, reviewer):
    diet = client.get("/api/sources/", {"kind": "diet_record"}).json()
    assert diet["count"] >= 1 and all(s["kind"] == "diet_record" for s in diet["results"])
    assert client.get("/api/sources/", {"domain": "mofa.go.jp"}).json()["count"] >= 1
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=editor).key}"}
    payload = {"kind": "website", "citation": "防衛省「テスト」", "url": "javascript:alert(1)"}
    bad = client.post("/api/sources/", payload, content_type="application/json", **auth)
    assert bad.status_code == 400 and "http" in str(bad.json())
    payload["url"] = "https://www.mod.go.jp/j/test.html"
    created = client.post("/api/sources/", {**payload, "issued": "令7.3.10"}, content_type="application/json", **auth)
    assert created.status_code == 201 and created.json()["issued_on"] == "2025-03-10"
    again = {**payload, "issued": "2025.3.10"}  # the same document, its date spelled otherwise
    assert client.post("/api/sources/", again, content_type="application/json", **auth).status_code == 409
    source_id = created.json()["id"]
    patched = client.patch(f"/api/sources/{source_id}/", {"issued": "2025年3月"}, content_type="application/json", **auth)
    assert patched.status_code == 200 and patched.json()["issued_precision"] == "month"
    reviewer_auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=reviewer).key}"}
    assert client.patch(f"/api/sources/{source_id}/", {"title": "x"}, content_type="application/json",
                        **reviewer_auth).status_code == 403
    assert client.patch(f"/api/sources/{source_id}/", {"title": "x"}, content_type="application/json").status_code == 401


@pytest.mark.parametrize(
    "query",
    [
        "published_before=0082-02-18T11:51:36%2B19:56",
        "published_after=0001-01-01T00:00:00%2B05:00",
        "published_after=9999-12-31T23:59:59-05:00",
        "information_as_of_after=7371-12-17&information_as_of_before=0403-07-19",
    ],
)
def test_extreme_dates_and_offsets_are_answered_not_crashed(client, briefing, query):
    for endpoint in ("/api/revisions/", "/api/releases/"):
        response = client.get(f"{endpoint}?{query}")
        assert response.status_code in (200, 400), (endpoint, query, response.content[:200])


def test_ids_beyond_64_bits_are_a_400_not_a_crash(client, briefing):
    response = client.get("/api/claims/", {"revision": "24539355688215612592488448"})
    assert response.status_code == 400 and [e["field"] for e in response.json()["errors"]] == ["revision"]
