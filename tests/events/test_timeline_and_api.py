"""The /events/ timeline for readers and /api/events/ for clients."""
import pytest
from rest_framework.authtoken.models import Token

from briefings.models import SectionRevision
from events.models import Event


def test_timeline_lists_events_with_precision_aware_dates_sources_and_sections(client, briefing, demo_events):
    response = client.get("/events/")
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="ja">' in html
    assert html.index("2024年") < html.index("2025年3月6日")  # oldest first
    assert '<time datetime="2025-02-01">2025年2月</time>' in html and "（原文：令和７年（2025年）２月）" in html
    assert "2024年11月29日～30日" in html
    assert "防衛省「ロシアによるウクライナ侵略の状況（3月10日現在）」（2025.3.10）（英国防省（25年3月5日））" in html
    assert 'href="/briefings/world-2025/#sec-ch4-1">（１）ロシア・ウクライナの攻防と国際社会の動き</a>' in html
    assert "強調し、力や威圧" in html  # no spaces left by YAML line folding in Japanese text


def test_timeline_filters_by_date_range_and_tags(client, briefing, demo_events):
    html = client.get("/events/", {"since": "2025-03-01", "until": "2025-03-05", "tag": ["北朝鮮"]}).content.decode()
    assert "北朝鮮兵の死傷と第2陣派遣に関する報道" in html
    assert "クルスク州の2集落" not in html and "捕虜" not in html
    # a month-precision event overlapping the range is included
    assert "日米首脳共同声明" in client.get("/events/", {"since": "2025-02-20"}).content.decode()
    both = client.get("/events/", {"tag": ["北朝鮮", "ウクライナ"]}).content.decode()
    assert "捕虜" in both and "イスカンデル" not in both


@pytest.mark.parametrize("query", [{"since": "2025-13-01"}, {"until": "yesterday"}, {"precision": "hour"}])
def test_bad_timeline_filters_are_a_400_with_a_message(client, briefing, query):
    response = client.get("/events/", query)
    assert response.status_code == 400 and "絞り込みの条件に誤りがあります" in response.content.decode()


def test_events_api_lists_and_filters_for_anonymous_readers(client, briefing, demo_events):
    body = client.get("/api/events/", {"section": "ch7-2", "since": "2025-02-10"}).json()
    assert [e["key"] for e in body["results"]] == ["2025-03-05-dprk-troops-losses-and-second-wave"]
    event = body["results"][0]
    assert event["date"] == {"start": "2025-03-05", "until": None, "latest": "2025-03-05", "precision": "day",
                             "text": "25年3月5日", "display": "2025年3月5日"}
    assert {"briefing": "world-2025", "key": "ch7-2", "claim": None} in event["sections"]
    assert client.get("/api/events/", {"q": "イスカンデル"}).json()["count"] == 1
    assert client.get("/api/events/", {"until": "bad"}).status_code == 400
    assert client.get("/api/events/99999/").status_code == 404


def test_editors_create_and_patch_events_through_the_api(client, briefing, editor, reviewer):
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=editor).key}"}
    payload = {"briefing": "world-2025", "key": "api-made", "date": "令7.3.7", "title": "APIで記録", "tags": ["ロシア"],
               "sections": ["ch4-1"]}
    assert client.post("/api/events/", payload, content_type="application/json").status_code == 401
    created = client.post("/api/events/", payload, content_type="application/json", **auth)
    assert created.status_code == 201 and created.json()["date"]["display"] == "2025年3月7日"
    again = client.post("/api/events/", payload, content_type="application/json", **auth)
    assert again.status_code == 409
    event_id = created.json()["id"]
    patched = client.patch(f"/api/events/{event_id}/", {"date": "2025年3月"}, content_type="application/json", **auth)
    assert patched.status_code == 200 and patched.json()["date"]["precision"] == "month"
    assert patched.json()["sections"][0]["key"] == "ch4-1"  # untouched fields kept
    bad = client.patch(f"/api/events/{event_id}/", {"date": "3月10日"}, content_type="application/json", **auth)
    assert bad.status_code == 400 and "3月10日" in bad.json()["detail"]
    reviewer_auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=reviewer).key}"}
    denied = client.patch(f"/api/events/{event_id}/", {"title": "x"}, content_type="application/json", **reviewer_auth)
    assert denied.status_code == 403


def test_patching_a_draft_links_the_events_it_covers(client, briefing, demo_events, editor):
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=editor).key}"}
    draft = client.post("/api/sections/ch7-2/revisions/", {}, content_type="application/json", **auth).json()
    event = Event.objects.get(key="2025-03-05-dprk-troops-losses-and-second-wave")
    response = client.patch(f"/api/revisions/{draft['id']}/", {"events": [event.pk]}, content_type="application/json", **auth)
    assert response.status_code == 200 and response.json()["events"] == [event.pk]
    missing = client.patch(f"/api/revisions/{draft['id']}/", {"events": [987654]}, content_type="application/json", **auth)
    assert missing.status_code == 404
    assert SectionRevision.objects.get(pk=draft["id"]).covered_events.count() == 1
