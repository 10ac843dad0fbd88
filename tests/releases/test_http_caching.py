"""HTTP caching of release pages: immutable releases, past days, revalidated latest, 304s."""
import datetime as dt

from django.test.utils import CaptureQueriesContext
from django.db import connection

from core.dates import today_tokyo


def test_a_release_page_is_immutable_with_a_strong_etag_and_answers_304(client, briefing):
    first = client.get("/briefings/world-2025/releases/1/")
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=31536000, immutable"
    etag = first["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/briefings/world-2025/releases/1/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    assert len(queries) <= 4  # resolving the release only: nothing is rendered
    other = client.get("/briefings/world-2025/releases/1/", HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200 and other.content == first.content


def test_a_past_day_is_cacheable_for_long_and_today_is_revalidated(client, briefing):
    past = client.get("/briefings/world-2025/as-of/2025-02-09/")
    assert past["Cache-Control"] == "public, max-age=31536000, immutable"
    today = client.get(f"/briefings/world-2025/as-of/{today_tokyo().isoformat()}/")
    assert today["Cache-Control"] == "public, no-cache" and today["ETag"]
    assert client.get(f"/briefings/world-2025/as-of/{today_tokyo().isoformat()}/",
                      HTTP_IF_NONE_MATCH=today["ETag"]).status_code == 304


def test_the_latest_page_is_revalidated_and_changes_with_a_new_release(client, briefing, editor, reviewer):
    from briefings.models import Section
    from briefings.services import Action, revision_create_draft, revision_transition, revision_update

    latest = client.get("/briefings/world-2025/")
    assert latest["Cache-Control"] == "public, no-cache"
    section = Section.objects.get(briefing=briefing, key="ch4-1")
    draft = revision_create_draft(section=section, actor=editor)
    revision_update(revision_id=draft.pk, actor=editor, data={"body": draft.body.replace("。", "。新しい文。", 1)})
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    revision_transition(revision_id=draft.pk, action=Action.APPROVE, actor=reviewer)
    after = client.get("/briefings/world-2025/", HTTP_IF_NONE_MATCH=latest["ETag"])
    assert after.status_code == 200 and "新しい文。" in after.content.decode()
    # the old release page is byte for byte what it was, and says it is not the latest through the API
    assert client.get("/briefings/world-2025/releases/1/", HTTP_IF_NONE_MATCH=latest["ETag"]).status_code in (200, 304)
    releases = client.get("/api/briefings/world-2025/").json()["releases"]
    assert max(r["number"] for r in releases) == 2


def test_a_release_page_carries_the_not_latest_notice_for_the_browser(client, briefing):
    html = client.get("/briefings/world-2025/releases/1/").content.decode()
    assert 'id="not-latest" hidden data-release="1" data-api="/api/briefings/world-2025/"' in html
    assert "js/release.js" in html and "<noscript>" in html
