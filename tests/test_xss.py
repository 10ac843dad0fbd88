"""Hostile text in every field readers see is escaped on every page; bad URLs are refused."""
import pytest
from rest_framework.authtoken.models import Token

from briefings.models import Section
from briefings.services import Action, revision_create_draft, revision_transition, revision_update
from events.importing import read_events
from events.services import event_import

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
RAW = ("<script>alert(1)</script>", "<img src=x onerror")


@pytest.fixture
def hostile(briefing, editor, reviewer, client):  # type: ignore[no-untyped-def]
    yaml_payload = PAYLOAD.replace("'", "''")
    _slug, rows = read_events(
        f"- key: hostile\n  date: 2025年3月1日\n  title: '{yaml_payload}'\n  description: '{yaml_payload}'\n"
        f"  tags: ['<script>alert(1)</script>']\n  sections: [ch4-1]\n"
        f"  sources: [{{citation: '{yaml_payload}', title: '{yaml_payload}', locator: '{yaml_payload}'}}]\n",
        fmt="yaml",
    )
    event_import(briefing_slug="world-2025", rows=rows)
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=editor).key}"}
    created = client.post("/api/sources/", {"kind": "website", "citation": PAYLOAD, "title": PAYLOAD,
                                             "url": "https://example.org/?q=%22%3E%3Cscript%3E"},
                          content_type="application/json", **auth)
    assert created.status_code == 201
    draft = revision_create_draft(section=Section.objects.get(briefing=briefing, key="ch4-1"), actor=editor)
    revision_update(revision_id=draft.pk, actor=editor, data={"change_summary": PAYLOAD,
                                                               "body": draft.body.replace("。", "。変更。", 1)})
    revision_transition(revision_id=draft.pk, action=Action.SUBMIT, actor=editor, comment=PAYLOAD)
    revision_transition(revision_id=draft.pk, action=Action.APPROVE, actor=reviewer, comment=PAYLOAD)
    return draft.pk


@pytest.mark.parametrize(
    "url",
    [
        "/events/", "/sources/", "/sources/?q=%3Cscript%3E", "/briefings/world-2025/sections/ch4-1/history/",
        "/briefings/world-2025/changes/", "/briefings/world-2025/feed/", "/briefings/world-2025/",
        "/briefings/world-2025/search/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
        "/briefings/world-2025/as-of/%3Cscript%3E/", "/briefings/%3Cscript%3E/", "/events/?since=%3Cscript%3E",
    ],
)
def test_payloads_are_escaped_on_reader_pages(client, hostile, url):
    html = client.get(url).content.decode()
    for raw in RAW:
        assert raw not in html, url


def test_payloads_are_escaped_in_the_admin(client, hostile, reviewer):
    client.force_login(reviewer)
    for url in ("/admin/briefings/sectionrevision/", f"/admin/briefings/sectionrevision/{hostile}/review/",
                "/admin/events/stalesection/", "/admin/events/event/", "/admin/sources/source/"):
        html = client.get(url).content.decode()
        for raw in RAW:
            assert raw not in html, url


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://example.org/", "//example.org"])
def test_non_http_urls_are_refused_for_sources(client, briefing, editor, url):
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=editor).key}"}
    response = client.post("/api/sources/", {"kind": "website", "citation": "x", "url": url},
                           content_type="application/json", **auth)
    assert response.status_code == 400


def test_html_in_a_revision_body_is_refused_with_its_position(briefing, editor):
    from briefings.markup import BodyValidationError

    draft = revision_create_draft(section=Section.objects.get(briefing=briefing, key="ch6"), actor=editor)
    with pytest.raises(BodyValidationError) as error:
        revision_update(revision_id=draft.pk, actor=editor, data={"body": "本文<script>alert(1)</script>。"})
    assert "1行" in error.value.message
