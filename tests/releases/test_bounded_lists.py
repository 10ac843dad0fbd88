"""Every reader page and API list costs the same number of queries however long the history is (issue 18).

A briefing updated after every event reaches thousands of releases. Each list
that grows with the history is bounded (a page of the section's history, the
newest releases in the feed with the limit in SQL, a page of releases, of
sources, of events, a cursor page of claims) and nothing is looked up once per
row, so a page's query count at two releases is its count at many. Page sizes
are made small here so that the bounds are reached by a short history.
"""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from briefings.api.catalog import RevisionPagination
from core.pagination import KeysetPagination
from releases import feeds, memento, views
from releases.api.views import ReleasePagination
from releases.models import Release

SLUG = "world-2025"
READER_URLS = [
    "/",
    f"/briefings/{SLUG}/",
    f"/briefings/{SLUG}/releases/2/",
    f"/briefings/{SLUG}/as-of/2025-02-09/",
    f"/briefings/{SLUG}/releases/",
    f"/briefings/{SLUG}/releases/?before=2",
    f"/briefings/{SLUG}/releases/?after=1",
    f"/briefings/{SLUG}/releases/?date=2025-02-09",
    f"/briefings/{SLUG}/sections/ch4-1/history/?before=2",
    f"/briefings/{SLUG}/timemap/",
    f"/briefings/{SLUG}/timemap/?from_release=1",
    f"/briefings/{SLUG}/timemap/json/",
    f"/briefings/{SLUG}/sections/ch4-1/history/",
    f"/briefings/{SLUG}/changes/",
    f"/briefings/{SLUG}/changes/?from_release=1&to_release=2",
    f"/briefings/{SLUG}/feed/",
    f"/briefings/{SLUG}/sections/ch4-1/feed/",
    f"/briefings/{SLUG}/search/?q=%E6%97%A5%E7%B1%B3",
    f"/briefings/{SLUG}/releases/2/dead-links.json",
    "/sources/",
    "/events/",
    "/api/briefings/",
    f"/api/briefings/{SLUG}/",
    f"/api/briefings/{SLUG}/snapshot/",
    "/api/releases/",
    f"/api/releases/?briefing={SLUG}",
    "/api/claims/",
    "/api/revisions/",
    f"/api/revisions/?briefing={SLUG}&section=ch4-1",
    "/api/sections/",
    "/api/sources/",
    "/api/events/",
]


def _query_counts(client: Client, urls: list[str]) -> dict[str, tuple[int, int]]:
    """Status and queries of each URL on a cache miss (the page cache emptied first: the costly case)."""
    counts = {}
    for url in urls:
        client.get(url)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts[url] = (response.status_code, len(queries))
    return counts


@pytest.fixture
def small_pages(monkeypatch):  # type: ignore[no-untyped-def]
    """Page sizes a short history overflows: 2 releases a list page, 2 entries of a section's history."""
    monkeypatch.setattr("releases.views.RELEASE_LIST_PAGE", 2)
    monkeypatch.setattr("releases.views.HISTORY_PAGE", 2)
    monkeypatch.setattr("releases.feeds.FEED_SIZE", 2)
    monkeypatch.setattr("releases.memento.TIMEMAP_PAGE", 2)
    monkeypatch.setattr("releases.api.views.ReleasePagination.page_size", 2)
    monkeypatch.setattr("briefings.api.catalog.RevisionPagination.page_size", 2)


@pytest.mark.django_db
def test_no_reader_page_or_api_list_costs_more_queries_as_the_history_grows(client, briefing, publish_change,
                                                                            small_pages):
    # given a history of two releases (a page of everything)
    publish_change(key="ch4-1", old="。", new="。第2版で加えた文。", summary="第2版")
    before = _query_counts(client, READER_URLS)
    assert {url: status for url, (status, _) in before.items() if status != 200} == {}
    # when it grows to six (three pages of releases, of the TimeMap, of the section's history)
    for n in range(3, 7):
        publish_change(key="ch4-1", old="。", new=f"。第{n}版で加えた文。", summary=f"第{n}版")
    assert Release.objects.filter(briefing=briefing).count() == 6
    after = _query_counts(client, READER_URLS)
    # then no page asks the database more
    grown = {url: (before[url], after[url]) for url in READER_URLS if after[url] != before[url]}
    assert grown == {}, f"pages whose query count grew with the history (before, after): {grown}"


@pytest.mark.django_db
def test_lists_that_grow_with_the_history_show_a_page_and_lead_to_the_rest(client, briefing, publish_change,
                                                                          small_pages):
    # given six releases, each changing the same section
    for n in range(2, 7):
        publish_change(key="ch4-1", old="。", new=f"。第{n}版で加えた文。", summary=f"第{n}版")
    # the section's history: the newest two, then the next two through "before"
    history = client.get(f"/briefings/{SLUG}/sections/ch4-1/history/").content.decode()
    assert history.count('<li id="release-') == 2 and 'id="release-6"' in history and 'id="release-5"' in history
    assert '?before=5" rel="next"' in history
    older = client.get(f"/briefings/{SLUG}/sections/ch4-1/history/?before=5").content.decode()
    assert older.count('<li id="release-') == 2 and 'id="release-4"' in older and 'id="release-3"' in older
    # the feed: the newest two entries, limited in SQL (never all releases fetched and cut in Python)
    with CaptureQueriesContext(connection) as queries:
        feed = client.get(f"/briefings/{SLUG}/feed/").content.decode()
    assert feed.count("<entry>") == 2
    assert any('FROM "releases_release"' in q["sql"] and "LIMIT 2" in q["sql"] for q in queries.captured_queries)
    # the changes page: the newest releases in between, and a way to the others
    changes = client.get(f"/briefings/{SLUG}/changes/").content.decode()
    assert changes.count('<li class="release-entry') == 2 and "これより前の版は" in changes
    few = client.get(f"/briefings/{SLUG}/changes/?from_release=4&to_release=6").content.decode()
    assert few.count('<li class="release-entry') == 2 and "これより前の版は" not in few
    # no control on any page has an option per release (dates and numbers are typed, not picked from a list)
    for url in (f"/briefings/{SLUG}/changes/", f"/briefings/{SLUG}/search/", f"/briefings/{SLUG}/",
                f"/briefings/{SLUG}/releases/"):
        page = client.get(url).content.decode()
        assert "<option" not in page or page.count("<option") < 6, url


def test_every_list_that_grows_with_the_history_has_a_bounded_page():
    """The page sizes the tests above shrink are small constants (what a full page at 5,000 releases holds)."""
    sizes = {
        "release list": views.RELEASE_LIST_PAGE, "section history": views.HISTORY_PAGE, "feed": feeds.FEED_SIZE,
        "TimeMap": memento.TIMEMAP_PAGE, "/api/releases/": ReleasePagination.page_size,
        "/api/revisions/": RevisionPagination.page_size, "/api/claims/": KeysetPagination.page_size,
    }
    assert {name: size for name, size in sizes.items() if not 1 <= size <= 100} == {}
    assert issubclass(ReleasePagination, KeysetPagination) and issubclass(RevisionPagination, KeysetPagination)
