"""Per-section Atom feeds and the subscribe forms on reader pages."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.django_db
def test_a_section_feed_lists_only_the_notifying_releases_that_changed_the_section(
    briefing, publish_change,
):  # type: ignore[no-untyped-def]
    # given
    mine = publish_change(key="ch4-1", summary="この節の更新")
    publish_change(key="ch2", summary="別の節の更新")
    publish_change(key="ch4-1", kind="minor", old="。新しい文。", new="。新しい文章。", summary="軽微")
    # when
    response = Client().get("/briefings/world-2025/sections/ch4-1/feed/")
    # then
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [
        f"https://briefings.example.org/briefings/world-2025/releases/{mine.number}/"]
    summary = entries[0].find(f"{ATOM}summary").text
    assert "この節の更新" in summary and "別の節の更新" not in summary
    assert "の更新履歴" in feed.find(f"{ATOM}title").text
    # conditional requests
    again = Client().get("/briefings/world-2025/sections/ch4-1/feed/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.django_db
def test_a_section_never_published_has_no_feed(briefing):  # type: ignore[no-untyped-def]
    response = Client().get("/briefings/world-2025/sections/no-such/feed/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_briefing_and_section_pages_carry_a_subscribe_form_without_inline_script(
    briefing, publish_change,
):  # type: ignore[no-untyped-def]
    publish_change(key="ch4-1")
    client = Client()
    page = client.get("/briefings/world-2025/").content.decode()
    assert 'action="/briefings/world-2025/subscribe/"' in page and 'name="section"' not in page.split(
        'class="subscribe"')[1].split("</form>")[0]
    history = client.get("/briefings/world-2025/sections/ch4-1/history/").content.decode()
    form = history.split('class="subscribe"')[1].split("</form>")[0]
    assert 'name="section" value="ch4-1"' in form
    assert 'href="/briefings/world-2025/sections/ch4-1/feed/"' in history
    for html in (page, history):
        assert " onclick=" not in html and " onsubmit=" not in html
    standalone = client.get("/briefings/world-2025/subscribe/?section=ch4-1")
    assert standalone.status_code == 200
    assert '<option value="ch4-1" selected>' in standalone.content.decode()
    assert client.get("/briefings/no-such/subscribe/").status_code == 404
