"""Readers: link status and archives on /sources/, dead links flagged around the release page."""
import datetime as dt

import pytest
from django.utils import timezone

from sources.models import LinkHealth, LinkStatus, Source


@pytest.fixture
def dead_source(briefing):  # type: ignore[no-untyped-def]
    source = Source.objects.filter(url__contains="jetro.go.jp").first()
    source.archive_url = "https://warp.ndl.go.jp/20250209/https://www.jetro.go.jp/biznews/2025/02/3c47421538fdd400.html"
    source.archive_captured_on = dt.date(2025, 2, 9)
    source.save()
    LinkHealth.objects.filter(source=source).update(status=LinkStatus.DEAD, last_checked_at=timezone.now(),
                              consecutive_failures=3, failing_since=timezone.now() - dt.timedelta(days=4))
    return source


def test_bibliography_shows_link_status_and_the_archive(client, dead_source):
    html = client.get("/sources/").content.decode()
    entry = html.split(f'id="source-{dead_source.pk}"')[1].split("</li>")[0]
    assert "リンク切れ" in entry and 'href="https://warp.ndl.go.jp/20250209/' in entry and "2025年2月9日保存" in entry
    assert "リンク：未確認" in html  # the others


def test_the_release_page_script_gets_the_dead_sources_of_its_release(client, dead_source):
    body = client.get("/api/sources/", {"link_status": "dead"}).json()
    assert [s["id"] for s in body["results"]] == [dead_source.pk]
    assert body["results"][0]["archive_url"].startswith("https://warp.ndl.go.jp/")
    page = client.get("/briefings/world-2025/releases/1/").content.decode()
    assert 'data-dead-links="/briefings/world-2025/releases/1/dead-links.json"' in page
    listed = client.get("/briefings/world-2025/releases/1/dead-links.json").json()["dead_links"]
    assert [link["archive_url"] for link in listed] == [dead_source.archive_url]
    # the published note still links the original URL; the archive is only offered beside it (Robust Links)
    assert 'href="https://warp.ndl.go.jp' not in page
    assert f'data-versionurl="{dead_source.archive_url}"' in page


def test_archive_urls_must_be_http(client, briefing, editor):
    from rest_framework.authtoken.models import Token

    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=editor).key}"}
    source = Source.objects.exclude(url="").first()
    response = client.patch(f"/api/sources/{source.pk}/", {"archive_url": "javascript:alert(1)"},
                            content_type="application/json", **auth)
    assert response.status_code == 400
