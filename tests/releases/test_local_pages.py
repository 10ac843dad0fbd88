"""Cache hits at static-file speed: a process serves reader pages it already served from its own memory.

``releases.caching.LocalPageMiddleware`` answers a repeated reader page
right after the request log: no query, no template, no page fetched from the
shared cache, the same bytes and headers (security headers included). A
publication through any process (the page generation in the shared cache), a
change of live information (events, sources) or a new day make the copies
stale; a process reads the generations at most once per
``RELEASE_PAGE_LOCAL_RECHECK`` seconds (0 in the test settings: every request).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from releases import caching
from releases.caching import LocalPage, LocalPageMiddleware, LocalPages, local_pages, remembered_stamp
from releases.services.live import live_state_changed

PAGE = "/briefings/world-2025/releases/1/"
LATEST = "/briefings/world-2025/"
KEY = f"http:{PAGE}"  # pages are kept by scheme and path (the test client asks over http)


@pytest.fixture(autouse=True)
def _no_local_pages() -> Any:
    """Each test starts with nothing kept and no stamp remembered (paths repeat between tests)."""
    local_pages.clear()
    remembered_stamp.forget()
    yield
    local_pages.clear()
    remembered_stamp.forget()


class Watch:
    """The SQL queries, templates rendered and shared-cache keys read while a request is served."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.templates: list[str] = []
        self.keys: list[str] = []
        self.queries = CaptureQueriesContext(connection)
        real_get, real_get_many = cache.get, cache.get_many

        def get(key: str, *args: Any, **kwargs: Any) -> Any:
            self.keys.append(key)
            return real_get(key, *args, **kwargs)

        def get_many(keys: list[str], *args: Any, **kwargs: Any) -> Any:
            self.keys.extend(keys)
            return real_get_many(keys, *args, **kwargs)

        monkeypatch.setattr(cache, "get", get)
        monkeypatch.setattr(cache, "get_many", get_many)

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
    assert stamp is not None and local_pages.get(KEY, stamp) is not None
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
    assert local_pages.get(KEY, stamp) is None and len(local_pages) == 0


def test_the_timegate_and_query_strings_and_other_methods_take_the_full_path(client, briefing):
    client.get(LATEST)
    assert client.get(LATEST)["Vary"] == "accept-datetime"
    gate = client.get(LATEST, HTTP_ACCEPT_DATETIME="Sun, 09 Feb 2025 12:00:00 GMT")
    assert gate.status_code == 302 and "/releases/1/" in gate["Location"]
    client.get(PAGE + "?utm_source=x")
    assert KEY not in local_pages._pages
    assert client.head(PAGE).status_code == 200 and KEY not in local_pages._pages
    client.post(PAGE)
    assert KEY not in local_pages._pages


def test_a_kept_page_still_refuses_a_host_not_allowed(client, briefing):
    client.get(PAGE)
    assert KEY in local_pages._pages
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


def test_a_hit_within_the_recheck_interval_asks_the_shared_cache_nothing(client, briefing, monkeypatch, settings):
    # given: the production interval, and a page served once
    settings.RELEASE_PAGE_LOCAL_RECHECK = 3600.0  # no real time reaches it; tests move the clock
    first = client.get(PAGE)
    # when
    with Watch(monkeypatch) as watch:
        again = client.get(PAGE)
        revalidated = client.get(PAGE, HTTP_IF_NONE_MATCH=first["ETag"])
    # then: not even the generations (a Redis round trip per hit cost more than the rest of the hit)
    assert again.content == first.content and revalidated.status_code == 304
    assert watch.keys == [] and len(watch.queries) == 0


def test_a_publication_through_another_process_reaches_this_one_within_the_recheck_interval(
    client, briefing, publish_change, monkeypatch, settings,
):
    # given
    settings.RELEASE_PAGE_LOCAL_RECHECK = 3600.0  # no real time reaches it; tests move the clock
    latest = client.get(LATEST)
    # when: another process publishes (the shared generation moves; this process is not told)
    with monkeypatch.context() as elsewhere:
        elsewhere.setattr(caching.local_pages, "clear", lambda: None)
        elsewhere.setattr(caching.remembered_stamp, "forget", lambda: None)
        publish_change(new="。第二版の新しい文。")
    # then: this process may answer from its memory for at most the interval...
    assert client.get(LATEST).content == latest.content
    # ...and reads the generation again once it has passed
    later = caching.time.monotonic() + settings.RELEASE_PAGE_LOCAL_RECHECK
    monkeypatch.setattr(caching.time, "monotonic", lambda: later)
    after = client.get(LATEST, HTTP_IF_NONE_MATCH=latest["ETag"])
    assert after.status_code == 200 and "第二版の新しい文。" in after.content.decode()


def test_a_publication_or_live_change_in_this_process_reaches_it_at_its_next_request(
    client, briefing, publish_change, settings,
):
    # given: the interval has not passed
    settings.RELEASE_PAGE_LOCAL_RECHECK = 3600.0  # no real time reaches it; tests move the clock
    old = client.get(PAGE).content.decode()
    client.get(PAGE)
    # when / then: a publication
    publish_change(new="。第二版の新しい文。")
    notice = client.get(PAGE).content.decode()
    assert notice != old and 'href="/briefings/world-2025/releases/2/"' in notice
    # when / then: a change of live information (an event or a source saved)
    kept = remembered_stamp.get()
    assert local_pages.get(KEY, kept) is not None
    live_state_changed()
    assert remembered_stamp.get() != kept and local_pages.get(KEY, kept) is not None  # stale under the new stamp
    assert local_pages.get(KEY, remembered_stamp.get()) is None


def _every_header(response: Any) -> dict[str, str]:
    """The response's headers but the request id (one per request)."""
    return {name: value for name, value in response.items() if name != "X-Request-ID"}


def test_a_hit_carries_exactly_the_security_headers_of_the_full_path_on_https_and_on_http(client, briefing,
                                                                                           monkeypatch, settings):
    # given: HSTS, sent on https only, and a report-only policy beside the enforced one
    settings.SECURE_HSTS_SECONDS = 3600
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    miss = client.get(PAGE, secure=True)
    # when
    with Watch(monkeypatch) as watch:
        hit = client.get(PAGE, secure=True)
        revalidated = client.get(PAGE, secure=True, HTTP_IF_NONE_MATCH=miss["ETag"])
    # then: the hit came from memory, with every header of the full path
    assert len(watch.queries) == 0 and watch.templates == []
    assert _every_header(hit) == _every_header(miss)
    for header in ("Strict-Transport-Security", "Content-Security-Policy", "Content-Security-Policy-Report-Only",
                   "Permissions-Policy", "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy",
                   "X-Frame-Options"):
        assert hit[header] == miss[header] and revalidated[header] == miss[header], header
    # and an http request gets the http answer (no HSTS), not the kept https copy
    plain = client.get(PAGE)
    assert "Strict-Transport-Security" not in plain and plain.content == miss.content
    assert "Strict-Transport-Security" not in client.get(PAGE)  # now from its own copy


def test_a_304_from_memory_has_the_headers_of_a_304_from_the_full_path(client, briefing, settings):
    first = client.get(PAGE)
    from_memory = client.get(PAGE, HTTP_IF_NONE_MATCH=first["ETag"])
    settings.RELEASE_PAGE_LOCAL_BYTES = 0
    full_path = client.get(PAGE, HTTP_IF_NONE_MATCH=first["ETag"])
    assert from_memory.status_code == full_path.status_code == 304
    # the full path's CommonMiddleware adds "Content-Length: 0", which a 304 should not say (RFC 9110 8.6)
    assert _every_header(from_memory) == {name: value for name, value in _every_header(full_path).items()
                                          if name != "Content-Length"}


def test_an_http_request_is_still_redirected_to_https_while_an_https_copy_is_kept(client, briefing, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(PAGE, secure=True).status_code == 200
    assert client.get(PAGE, secure=True).status_code == 200
    redirected = client.get(PAGE)
    assert redirected.status_code == 301 and redirected["Location"] == f"https://testserver{PAGE}"


def test_the_request_guard_still_refuses_a_get_with_a_body_for_a_kept_page(client, briefing, settings):
    # given
    settings.REQUEST_BODY_MAX_BYTES = 10
    client.get(PAGE)
    assert KEY in local_pages._pages
    # when / then
    too_large = client.generic("GET", PAGE, data=b"x" * 11)
    assert too_large.status_code == 413 and "大きすぎます" in too_large.content.decode()
    assert client.get(PAGE, CONTENT_LENGTH="many").status_code == 400


def test_a_page_whose_policy_carries_a_nonce_is_never_kept(settings):
    # given: a cacheable reader page whose CSP names a per-response nonce
    def view(request: Any) -> HttpResponse:
        response = HttpResponse(b"<p>x</p>", headers={
            "ETag": '"e"', "Content-Security-Policy": "script-src 'self' 'nonce-abc123'"})
        setattr(response, caching.LOCAL_PAGE_ATTRIBUTE, True)
        return response

    middleware = LocalPageMiddleware(view)
    # when
    middleware(RequestFactory().get(PAGE))
    # then
    assert len(local_pages) == 0
    view_without_nonce = LocalPageMiddleware(lambda request: _without_nonce(view(request)))
    view_without_nonce(RequestFactory().get(PAGE))
    assert len(local_pages) == 1


def _without_nonce(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = "script-src 'self'"
    return response


def test_a_stamp_read_before_a_bump_in_another_thread_is_not_remembered(monkeypatch, settings):
    # given: while one thread reads the generations, another publishes (and forgets the stamp)
    settings.RELEASE_PAGE_LOCAL_RECHECK = 60.0
    reads = iter([("before",), ("after",)])

    def read_during_a_bump() -> tuple[str]:
        stamp = next(reads)
        if stamp == ("before",):
            remembered_stamp.forget()
        return stamp

    monkeypatch.setattr(caching, "validity_stamp", read_during_a_bump)
    # when / then: the read in flight serves its own request, but the next one reads again
    assert remembered_stamp.get() == ("before",)
    assert remembered_stamp.get() == ("after",)
    assert remembered_stamp.get() == ("after",)  # and that one is remembered
