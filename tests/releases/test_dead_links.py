"""The dead-link marks of a release page come from a small, cached, conditional list of that release's sources.

``release.js`` used to ask ``/api/sources/?link_status=dead`` on every page
view: uncached, paginated over the whole bibliography (a dead source past the
first page was never marked) and costlier as the history grew. Now each
release has its own list; browsers and shared caches keep it for
``DEAD_LINKS_MAX_AGE`` seconds and revalidate it with ``If-None-Match``.
"""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from releases.views import DEAD_LINKS_MAX_AGE
from sources.models import LinkHealth, LinkStatus, Source

URL = "/briefings/world-2025/releases/1/dead-links.json"


def _kill(source: Source, *, archive: str = "") -> None:
    if archive:
        source.archive_url = archive
        source.archive_captured_on = dt.date(2025, 2, 9)
        source.save()
    LinkHealth.objects.update_or_create(source=source, defaults={
        "status": LinkStatus.DEAD, "last_checked_at": timezone.now(), "consecutive_failures": 3})


@pytest.mark.django_db
def test_the_list_names_the_cited_dead_links_with_their_archives(client, briefing):
    # given a release page, whose script is pointed at the release's own list
    body = client.get("/briefings/world-2025/releases/1/").content.decode()
    assert f'data-dead-links="{URL}"' in body and "/api/sources/" not in body
    assert client.get(URL).json() == {"release": 1, "dead_links": []}
    cache.clear()  # DEAD_LINKS_TTL passed
    # and a cited source whose link died, archived, and a dead source no release cites
    cited = Source.objects.filter(url__contains="jetro.go.jp").first()
    _kill(cited, archive="https://warp.ndl.go.jp/info:ndljp/pid/0000000")
    stray = Source.objects.create(kind=cited.kind, citation="引用されていない資料", url="https://gone.example.org/x")
    _kill(stray)
    # when the release page's script asks
    response = client.get(URL)
    # then only the release's own dead link is listed, with its archived copy
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == {"release": 1, "dead_links": [{
        "url": cited.url, "archive_url": "https://warp.ndl.go.jp/info:ndljp/pid/0000000",
        "archive_captured_on": "2025-02-09", "archive_captured_label": "2025年2月9日"}]}


@pytest.mark.django_db
def test_the_list_is_cacheable_and_answers_a_revalidation_with_304(client, briefing, django_assert_num_queries):
    first = client.get(URL)
    assert first["Cache-Control"] == f"public, max-age={DEAD_LINKS_MAX_AGE}"
    assert first["ETag"].startswith('"')
    # a browser revalidating after max-age: an empty 304, one query (the release), no rendering read
    with django_assert_num_queries(1):
        again = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]


    # a link that dies later: listed once the server's copy expires, with a new ETag (a 200, not a 304)
    _kill(Source.objects.filter(url__contains="jetro.go.jp").first())
    cache.clear()  # DEAD_LINKS_TTL passed
    after = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and len(after.json()["dead_links"]) == 1
    # no list for a release nobody can read
    for path in ("/briefings/world-2025/releases/2/dead-links.json",  # not published
                 "/briefings/world-2025/releases/99999999999/dead-links.json",
                 "/briefings/nope/releases/1/dead-links.json"):
        assert client.get(path).status_code == 404, path
