"""HTTP caching of release pages: revalidated with strong ETags, 304s without rendering, Vary only where it varies."""
from django.core.management import call_command
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from core.dates import today_tokyo
from tests.events.conftest import EVENTS


def _publish_a_new_sentence(briefing, editor, reviewer):  # type: ignore[no-untyped-def]
    from briefings.models import Section
    from briefings.services import Action, revision_create_draft, revision_transition, revision_update

    section = Section.objects.get(briefing=briefing, key="ch4-1")
    draft = revision_create_draft(section=section, actor=editor)
    revision_update(revision_id=draft.pk, actor=editor, data={"body": draft.body.replace("。", "。新しい文。", 1)})
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor)
    revision_transition(revision_id=draft.pk, action=Action.APPROVE, actor=reviewer)


def test_a_release_page_is_revalidated_with_a_strong_etag_and_a_304_renders_nothing(client, briefing):
    # given
    first = client.get("/briefings/world-2025/releases/1/")
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, no-cache"
    etag = first["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    rendered = []

    def on_render(sender, template, context, **kwargs):  # type: ignore[no-untyped-def]
        rendered.append(template.name)

    # when
    template_rendered.connect(on_render)
    try:
        with CaptureQueriesContext(connection) as queries:
            again = client.get("/briefings/world-2025/releases/1/", HTTP_IF_NONE_MATCH=etag)
    finally:
        template_rendered.disconnect(on_render)
    # then
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    assert again["Memento-Datetime"] == first["Memento-Datetime"] and again["Link"] == first["Link"]
    assert rendered == []  # served from the page cache
    assert len(queries) <= 12  # resolving the release and the live state (newest release, pending events, archives)
    other = client.get("/briefings/world-2025/releases/1/", HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200 and other.content == first.content


def test_as_of_pages_are_revalidated_past_and_today(client, briefing):
    past = client.get("/briefings/world-2025/as-of/2025-02-09/")
    assert past["Cache-Control"] == "public, no-cache" and past["ETag"]
    today = client.get(f"/briefings/world-2025/as-of/{today_tokyo().isoformat()}/")
    assert today["Cache-Control"] == "public, no-cache" and today["ETag"]
    assert client.get(f"/briefings/world-2025/as-of/{today_tokyo().isoformat()}/",
                      HTTP_IF_NONE_MATCH=today["ETag"]).status_code == 304


def test_a_new_release_changes_the_latest_page_and_tells_readers_of_the_old_one(client, briefing, editor, reviewer):
    # given
    latest = client.get("/briefings/world-2025/")
    old = client.get("/briefings/world-2025/releases/1/")
    assert "これは初版" not in old.content.decode()
    # when
    _publish_a_new_sentence(briefing, editor, reviewer)
    # then
    after = client.get("/briefings/world-2025/", HTTP_IF_NONE_MATCH=latest["ETag"])
    assert after.status_code == 200 and "新しい文。" in after.content.decode()
    revalidated = client.get("/briefings/world-2025/releases/1/", HTTP_IF_NONE_MATCH=old["ETag"])
    assert revalidated.status_code == 200  # the live notice changed; the frozen text did not
    html = revalidated.content.decode()
    assert "これは初版（2025年2月9日現在）です。最新は" in html
    assert 'href="/briefings/world-2025/releases/2/">第2版（' in html
    assert "新しい文。" not in html


def test_recording_an_event_changes_the_latest_page_but_not_its_text(client, briefing):
    before = client.get("/briefings/world-2025/")
    assert "未反映の出来事" not in before.content.decode()
    call_command("import_events", str(EVENTS))
    after = client.get("/briefings/world-2025/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and "未反映の出来事" in after.content.decode()


def test_reader_pages_do_not_vary_on_the_browser_language(client, briefing):
    # given
    urls = ["/", "/briefings/world-2025/releases/1/", "/briefings/world-2025/releases/",
            "/briefings/world-2025/feed/", "/sources/"]
    for url in urls:
        # when
        japanese = client.get(url, HTTP_ACCEPT_LANGUAGE="ja")
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        # then
        assert "Accept-Language" not in japanese.get("Vary", ""), url
        assert "Accept-Encoding" not in japanese.get("Vary", ""), url
        assert japanese.content == english.content, url
        assert japanese["Content-Language"] == "ja"
    # the original resource varies on what changes it: Accept-Datetime (Memento), nothing else
    assert client.get("/briefings/world-2025/")["Vary"] == "accept-datetime"


def test_the_admin_and_the_api_are_japanese_for_an_english_browser(client, briefing):
    # given: a browser that prefers English
    english = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
    # when
    login = client.get("/admin/login/", **english)
    api = client.get("/api/revisions/999999/", **english)
    # then: the admin's own strings and the API's messages are Japanese, and nothing varies on the language
    assert login["Content-Language"] == "ja" and "Accept-Language" not in login.get("Vary", "")
    assert "ユーザー名" in login.content.decode() and "Username" not in login.content.decode()
    assert api["Content-Language"] == "ja" and "存在しません" in api.json()["detail"]
