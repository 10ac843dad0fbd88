"""Cache hits at static-file speed: a process serves reader pages it already served from its own memory.

``releases.caching.LocalPageMiddleware`` answers a repeated reader page
before sessions, authentication and the view: no query, no template, no page
fetched from the shared cache, the same bytes and headers. A publication
through any process (the page generation in the shared cache), a change of
live information (events, sources) or a new day make the copies stale.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from releases import caching
from releases.caching import LocalPage, LocalPages, local_pages
from releases.services.live import live_state_changed

PAGE = "/briefings/world-2025/releases/1/"
LATEST = "/briefings/world-2025/"


@pytest.fixture(autouse=True)
def _no_local_pages() -> Any:
    """Each test starts with nothing kept (pages are kept by path; paths repeat between tests)."""
    local_pages.clear()
    yield
    local_pages.clear()


class Watch:
    """The SQL queries, templates rendered and shared-cache keys read while a request is served."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.templates: list[str] = []
        self.keys: list[str] = []
        self.queries = CaptureQueriesContext(connection)
        real_get = cache.get

        def get(key: str, *args: Any, **kwargs: Any) -> Any:
            self.keys.append(key)
            return real_get(key, *args, **kwargs)

        monkeypatch.setattr(cache, "get", get)

    def __enter__(self) -> Watch:
        template_rendered.connect(self._rendered)
        self.queries.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.queries.__exit__(*exc)
        template_rendered.disconnect(self._rendered)

    def _rendered(self, sender: Any, template: Any, **kwargs: Any) -> None:
        self.templates.append(template.name)


def test_a_repeated_page_is_the_same_bytes_and_headers_without_a_query_a_template_or_the_shared_page(
    client, briefing, monkeypatch,
):
    first = client.get(PAGE)
    assert first.status_code == 200
    with Watch(monkeypatch) as watch:
        again = client.get(PAGE)
    assert again.status_code == 200 and again.content == first.content
    for header in ("ETag", "Cache-Control", "Memento-Datetime", "Link", "Content-Type", "Content-Language",
                   "X-Frame-Options", "Content-Security-Policy"):
        assert again[header] == first[header], header
    assert len(watch.queries) == 0 and watch.templates == []
    assert not any(key.startswith("release-page:") for key in watch.keys)  # only the small generations


def test_a_conditional_request_is_a_304_from_memory(client, briefing, monkeypatch):
    first = client.get(PAGE)
    with Watch(monkeypatch) as watch:
        revalidated = client.get(PAGE, HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 304 and revalidated.content == b""
    assert revalidated["ETag"] == first["ETag"] and revalidated["Link"] == first["Link"]
    assert "Content-Type" not in revalidated
    assert len(watch.queries) == 0
    assert client.get(PAGE, HTTP_IF_NONE_MATCH='"another"').content == first.content


def test_without_the_local_copy_a_304_is_answered_before_the_body_is_fetched(client, briefing, monkeypatch, settings):
    settings.RELEASE_PAGE_LOCAL_BYTES = 0  # the layer off: the shared cache's ETag key answers
    first = client.get(PAGE)
    with Watch(monkeypatch) as watch:
        revalidated = client.get(PAGE, HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 304 and revalidated["Memento-Datetime"] == first["Memento-Datetime"]
    page_keys = [key for key in watch.keys if key.startswith("release-page:")]
    assert page_keys and all(key.endswith(":etag") for key in page_keys), page_keys
    assert watch.templates == []


def test_a_publication_elsewhere_reaches_this_process_at_its_next_request(client, briefing, publish_change):
    old = client.get(PAGE)
    latest = client.get(LATEST)
    assert len(local_pages) == 2
    # another process publishes: its receivers bump the shared generation; this process's memory is untouched
    kept = dict(local_pages._pages)
    publish_change(new="。第二版の新しい文。")
    local_pages._pages.update(kept)
    local_pages._bytes = sum(len(page.body) for page in kept.values())
    # then
    after = client.get(LATEST, HTTP_IF_NONE_MATCH=latest["ETag"])
    assert after.status_code == 200 and "第二版の新しい文。" in after.content.decode()
    notice = client.get(PAGE).content.decode()
    assert notice != old.content.decode() and 'href="/briefings/world-2025/releases/2/"' in notice


def test_emptying_the_shared_cache_or_a_change_of_live_information_or_day_makes_copies_stale(client, briefing,
                                                                                              monkeypatch):
    client.get(PAGE)
    stamp = caching.validity_stamp()
    assert stamp is not None and local_pages.get(PAGE, stamp) is not None
    cache.clear()  # e.g. a backdated publication, or an operator's flush
    assert caching.validity_stamp() != stamp
    client.get(PAGE)
    stamp = caching.validity_stamp()
    live_state_changed()  # an event or a source was saved
    assert caching.validity_stamp() != stamp
    stamp = caching.validity_stamp()
    tomorrow = caching.today_tokyo() + dt.timedelta(days=1)
    monkeypatch.setattr(caching, "today_tokyo", lambda: tomorrow)
    assert caching.validity_stamp()[2] != stamp[2]


def test_a_copy_expires_after_the_live_ttl_even_without_a_signal(client, briefing, monkeypatch):
    client.get(PAGE)
    stamp = caching.validity_stamp()
    later = caching.time.monotonic() + caching.LOCAL_TTL + 1
    monkeypatch.setattr(caching.time, "monotonic", lambda: later)
    assert local_pages.get(PAGE, stamp) is None and len(local_pages) == 0


def test_the_timegate_and_query_strings_and_other_methods_take_the_full_path(client, briefing):
    client.get(LATEST)
    assert client.get(LATEST)["Vary"] == "accept-datetime"
    gate = client.get(LATEST, HTTP_ACCEPT_DATETIME="Sun, 09 Feb 2025 12:00:00 GMT")
    assert gate.status_code == 302 and "/releases/1/" in gate["Location"]
    client.get(PAGE + "?utm_source=x")
    assert PAGE not in local_pages._pages
    assert client.head(PAGE).status_code == 200 and PAGE not in local_pages._pages
    client.post(PAGE)
    assert PAGE not in local_pages._pages


def test_a_kept_page_still_refuses_a_host_not_allowed(client, briefing):
    client.get(PAGE)
    assert PAGE in local_pages._pages
    assert client.get(PAGE, HTTP_HOST="evil.example.com").status_code == 400


def test_errors_and_other_pages_are_never_kept(client, briefing):
    assert client.get("/briefings/world-2025/releases/99/").status_code == 404
    assert client.get("/briefings/world-2025/releases/").status_code == 200
    assert len(local_pages) == 0


def test_a_signed_in_reader_gets_the_same_page_and_the_session_is_not_touched(client, briefing, editor):
    anonymous = client.get(PAGE)
    client.force_login(editor)
    signed_in = client.get(PAGE)
    assert signed_in.content == anonymous.content
    assert "sessionid" not in signed_in.cookies and "Cookie" not in signed_in.get("Vary", "")


def test_the_memory_is_bounded_in_bytes_least_recently_used_first(settings):
    settings.RELEASE_PAGE_LOCAL_BYTES = 1000
    pages = LocalPages()

    def page(size: int) -> LocalPage:
        return LocalPage(body=b"x" * size, etag='"e"', headers=(), vary=frozenset(), stamp=(1,),
                         expires=caching.time.monotonic() + 60)

    for name in "abcd":
        pages.put(name, page(250))
    assert pages.get("a", (1,)) is not None  # a is now the most recently used
    pages.put("e", page(250))
    assert pages.size <= 1000 and pages.get("b", (1,)) is None and pages.get("a", (1,)) is not None
    pages.put("huge", page(251))  # more than a quarter of the budget is never kept
    assert pages.get("huge", (1,)) is None
    assert pages.get("a", (2,)) is None and pages.get("a", (1,)) is None  # another stamp drops it
    settings.RELEASE_PAGE_LOCAL_BYTES = 0
    pages.put("f", page(1))
    assert pages.get("f", (1,)) is None
