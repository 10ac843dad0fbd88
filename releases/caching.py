"""HTTP caching of reader pages of releases.

A release page is the frozen release (its stored rendering, which never
changes) with live information beside it: whether a newer release exists, the
events not yet reflected, archived copies of cited sources, the reader's access
date in the citations, and the Memento links to the newest release. So:

* every release and as-of page is ``Cache-Control: public, no-cache`` with a
  strong ``ETag``: browsers and proxies keep it and revalidate, and a
  conditional request with a matching ``If-None-Match`` gets a 304 without
  rendering anything;
* the rendered page is kept in the Django cache under the release, the page
  kind, ``PAGE_VERSION`` and the stamp of the live information
  (``releases.services.live``), so it is rendered once per change of what
  it shows, never per request, and never keyed by the request's Host (absolute
  URLs in pages come from ``SITE_URL``).

Each rendered page is also kept as the **last good copy** of its URL (release
n, or as-of day D), without the live stamp in the key: while the database
cannot be reached, ``served_while_database_down`` answers with that copy
(its live part as it was when rendered) instead of a 503.

**Hits at static-file speed** (``LocalPageMiddleware``): each process also keeps
the pages it served, by scheme and path, in a small LRU in its own memory
(bounded in bytes: ``RELEASE_PAGE_LOCAL_BYTES``), with every header the
middleware inside it added (security headers, CSP, permissions policy
included). A hit is answered (200, or 304 on a matching ``If-None-Match``)
right after the request log, before the security headers are rebuilt and
before the session, authentication, CSRF and messages middleware and the view
run: no database query, no rendering, no page fetched from Redis, no Redis
round trip. An entry is valid while its *validity stamp* is unchanged: the
page generation (bumped on every publication, ``purge_after_publication``),
the live-state generation (``releases.services.live``: events, sources), and
today's date (access dates); and for at most ``LOCAL_TTL`` seconds (what
changes without a signal, bounded as the live state is). The generations live
in the shared cache (Redis); each process reads them at most once every
``RELEASE_PAGE_LOCAL_RECHECK`` seconds (``RememberedStamp``, a tenth of a
second by default), so a publication through any process reaches every other
process within that interval, and the process that published at its next
request.

A conditional request that misses the local layer is still answered 304 before
the body is fetched: the page's ETag and headers are kept under their own small
key beside it.

(Until this change release pages were ``immutable`` for a year; that was
correct only while nothing live was shown in the HTML and headers.)
"""
from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from core.dates import today_tokyo

logger = logging.getLogger(__name__)

PAGE_VERSION = "12"  # bump when a reader page template changes
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
PAGE_TIMEOUT = 24 * 3600  # keys carry the day (access dates), so a day's pages expire with it
LAST_GOOD_TIMEOUT = 7 * 24 * 3600  # how long a page can stand in for the database
PAGE_GENERATION_KEY = "release-page-generation"
LIVE_GENERATION_KEY = "live-state-generation"
"""Bumped in the shared cache whenever the live state changes (``releases.services.live``)."""
LIVE_TTL = 30
"""Seconds live information may lag a change made past the signals (the stored live state's lifetime)."""
LOCAL_TTL = LIVE_TTL  # seconds a process trusts its own copy without the full path
READER_PREFIX = "/briefings/"  # the paths whose pages the local layer may hold
LOCAL_PAGE_ATTRIBUTE = "release_page_cacheable"  # set on a response by cached_release_page
ETAG_OF_INPUTS = "etag_of_inputs"
"""Set by a renderer whose page is a pure function of a few inputs: their digest is the ETag (no hash of the body)."""
_NOT_KEPT = frozenset({"set-cookie"})
_NOT_IN_304 = frozenset({"content-type", "content-length"})
_CSP_HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    etag: str
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
    """Headers that belong with the body (Memento's ``Link`` and ``Memento-Datetime``)."""


def cached_release_page(
    request: HttpRequest, *, key: str, render: Callable[[], HttpResponse], headers: Callable[[], dict[str, str]],
    last_good: str = "",
) -> HttpResponse:
    """Serve a page from the cache (or render and store it), honouring If-None-Match.

    ``last_good``: the page's key without its live stamp; a fresh rendering is
    also kept there for ``served_while_database_down``.
    """
    cache_key = f"release-page:{PAGE_VERSION}:{key}"
    if request.headers.get("If-None-Match"):  # a 304 needs the ETag and headers only, not the body
        known: tuple[str, dict[str, str]] | None = cache.get(_etag_key(cache_key))
        if known is not None and if_none_match(request, known[0]):
            return respond(request, body=b"", etag=known[0], content_type="", headers=known[1])
    page: CachedPage | None = cache.get(cache_key)
    if page is None:
        response = render()
        if hasattr(response, "render"):
            response.render()
        if response.status_code != 200:
            return response
        body = response.content
        etag = getattr(response, ETAG_OF_INPUTS, None) or etag_of(body)
        page = CachedPage(body, etag, response["Content-Type"], headers())
        cache.set_many({cache_key: page, _etag_key(cache_key): (page.etag, page.headers)}, timeout=PAGE_TIMEOUT)
        if last_good:
            cache.set(_last_good_key(last_good), page, timeout=LAST_GOOD_TIMEOUT)
    response = respond(request, body=page.body, etag=page.etag, content_type=page.content_type, headers=page.headers)
    setattr(response, LOCAL_PAGE_ATTRIBUTE, True)
    return response


def _etag_key(cache_key: str) -> str:
    return f"{cache_key}:etag"


def served_while_database_down(last_good: Callable[..., str]) -> Callable[..., Any]:
    """Decorate a release page view: while the database is unreachable, answer with its last good copy.

    ``last_good(**view_kwargs)`` names the copy; the view receives the name as
    ``last_good`` and passes it on to ``cached_release_page``. Without a copy
    the error goes on to ``handler500`` (a 503 page).
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def serve(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            name = last_good(**kwargs)
            try:
                return view(request, last_good=name, **kwargs)
            except DatabaseError:
                page: CachedPage | None = cache.get(_last_good_key(name))
                if page is None:
                    raise
                logger.warning("database unreachable: %s served from its last good copy", request.path)
                return respond(request, body=page.body, etag=page.etag, content_type=page.content_type,
                               headers=page.headers)

        return serve

    return decorate


def _last_good_key(name: str) -> str:
    return f"release-page-last:{PAGE_VERSION}:{name}"


def etag_of(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def respond(
    request: HttpRequest, *, body: bytes, etag: str, content_type: str, headers: dict[str, str] | None = None,
    cache_control: str = REVALIDATE,
) -> HttpResponse:
    """A 200 with ``body``, or a 304 when ``If-None-Match`` names ``etag``; both with ``headers``."""
    extra = {"ETag": etag, "Cache-Control": cache_control, **(headers or {})}
    response: HttpResponse
    if if_none_match(request, etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=content_type)
    for name, value in extra.items():
        response[name] = value
    return response


def purge_after_publication(*, backdated: bool) -> None:
    """Drop what a new release can change.

    Page keys carry the newest release, so pages miss by themselves once a
    newer release exists; a release dated in the past can change what past
    as-of URLs resolve to, so then everything cached goes.
    """
    if backdated:
        cache.clear()
    page_generation_bump()


def live_generation_bump() -> None:
    """Make every process's local copies of reader pages stale: what they show beside the frozen text changed."""
    remembered_stamp.forget()  # this process at once; the others within RELEASE_PAGE_LOCAL_RECHECK seconds
    try:
        cache.incr(LIVE_GENERATION_KEY)
    except ValueError:  # not there yet (or evicted): any new value differs from the stamps in use
        cache.set(LIVE_GENERATION_KEY, time.time_ns(), timeout=None)


def page_generation_bump() -> None:
    """Make every process's local copies of reader pages stale (a release was published or the cache purged)."""
    local_pages.clear()  # this process at once; the others within RELEASE_PAGE_LOCAL_RECHECK seconds
    remembered_stamp.forget()
    try:
        cache.incr(PAGE_GENERATION_KEY)
    except ValueError:  # not there yet (or evicted, or the cache emptied): a new value unlike any in use
        cache.set(PAGE_GENERATION_KEY, time.time_ns(), timeout=None)


def if_none_match(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    candidates = [part.strip().removeprefix("W/") for part in header.split(",")]
    return "*" in candidates or etag in candidates


@dataclass(frozen=True)
class LocalPage:
    """A reader page as this process last served it: body and every header, with the stamp it is valid under."""

    body: bytes
    etag: str
    headers: tuple[tuple[str, str], ...]
    """Every header of the 200 as the middleware inside the local layer left it (security headers included)."""
    vary: frozenset[str]
    """Request headers the page varies on (``Accept-Datetime``): a request carrying one takes the full path."""
    stamp: tuple[Any, ...]
    expires: float

    @functools.cached_property
    def headers_304(self) -> tuple[tuple[str, str], ...]:
        """The 200's headers without those describing its body (a 304 has none)."""
        return tuple((name, value) for name, value in self.headers if name.lower() not in _NOT_IN_304)

    def response(self, request: HttpRequest) -> HttpResponse:
        """The stored 200, or a 304 with the same headers when ``If-None-Match`` names the ETag."""
        response: HttpResponse
        if if_none_match(request, self.etag):
            response, headers = HttpResponseNotModified(), self.headers_304
        else:
            response, headers = HttpResponse(self.body), self.headers
        for name, value in headers:
            response[name] = value
        return response


class LocalPages:
    """A per-process LRU of reader pages, bounded in bytes (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pages: OrderedDict[str, LocalPage] = OrderedDict()
        self._bytes = 0

    def get(self, path: str, stamp: tuple[Any, ...]) -> LocalPage | None:
        """The page kept for ``path`` if it was stored under ``stamp`` and has not expired."""
        with self._lock:
            page = self._pages.get(path)
            if page is None:
                return None
            if page.stamp != stamp or page.expires <= time.monotonic():
                self._drop(path)
                return None
            self._pages.move_to_end(path)
            return page

    def put(self, path: str, page: LocalPage) -> None:
        """Keep ``page``, dropping the least recently used pages beyond the byte budget."""
        budget = settings.RELEASE_PAGE_LOCAL_BYTES
        if len(page.body) > budget // 4:  # also 0: the layer is off
            return
        with self._lock:
            self._drop(path)
            self._pages[path] = page
            self._bytes += len(page.body)
            while self._bytes > budget:
                self._drop(next(iter(self._pages)))

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._pages)

    @property
    def size(self) -> int:
        """Bytes of page bodies held."""
        return self._bytes

    def _drop(self, path: str) -> None:
        page = self._pages.pop(path, None)
        if page is not None:
            self._bytes -= len(page.body)


local_pages = LocalPages()


def validity_stamp() -> tuple[Any, ...] | None:
    """What a local copy is valid under: the page and live-state generations (shared cache) and today.

    None while the shared cache cannot say (Redis unreachable): then a
    publication elsewhere could not reach this process, so nothing local is used.
    """
    generations = cache.get_many([PAGE_GENERATION_KEY, LIVE_GENERATION_KEY])
    page_generation = generations.get(PAGE_GENERATION_KEY)
    if page_generation is None:  # first use, or the shared cache was emptied: start a generation no copy has
        cache.add(PAGE_GENERATION_KEY, time.time_ns(), timeout=None)
        page_generation = cache.get(PAGE_GENERATION_KEY)
        if page_generation is None:
            return None
    return page_generation, generations.get(LIVE_GENERATION_KEY), today_tokyo()


class RememberedStamp:
    """The validity stamp this process last read, trusted for ``RELEASE_PAGE_LOCAL_RECHECK`` seconds (thread-safe).

    Reading the generations from the shared cache on every hit was a round trip
    to Redis costing more than the rest of the hit; a process now reads them at
    most once per interval, so a publication or live change made through
    another process reaches it within that interval (a tenth of a second by
    default: at full load about one hit in a hundred reads them; 0 reads on
    every request). The process that made the change forgets its stamp at once
    (``page_generation_bump``, ``live_generation_bump``).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: tuple[tuple[Any, ...] | None, float, int] = (None, 0.0, 0)
        """(stamp, trusted until on the monotonic clock, times forgotten): one tuple, replaced whole."""

    def get(self) -> tuple[Any, ...] | None:
        """The stamp read at most ``RELEASE_PAGE_LOCAL_RECHECK`` seconds ago, or a fresh one."""
        stamp, until, forgotten = self._held
        now = time.monotonic()
        if now < until:
            return stamp
        stamp = validity_stamp()  # read after ``now``: the interval counts from before the read
        with self._lock:
            if self._held[2] == forgotten:  # a bump in between must not be overwritten by what was read before it
                self._held = (stamp, now + settings.RELEASE_PAGE_LOCAL_RECHECK, forgotten)
        return stamp

    def forget(self) -> None:
        """Read the stamp again at the next request (this process changed it)."""
        with self._lock:
            self._held = (None, 0.0, self._held[2] + 1)


remembered_stamp = RememberedStamp()


class LocalPageMiddleware:
    """Serve reader pages this process already served from its own memory, before everything but logging.

    Only anonymous-looking cacheable answers are kept: a GET without a query
    string or a body, answered 200 by ``cached_release_page`` without a cookie
    and without ``Vary: Cookie`` (the page is the same for every reader, as the
    shared page cache already assumes).

    Placed right after the request log (a hit is logged, with its request id)
    and before the security, CSP and permissions-policy middleware: a page is
    kept with the headers they added, so a hit answers with the same headers
    without rebuilding them per request. What those middleware and the request
    guard decide from the request itself still applies:

    * pages are kept per scheme (``request.scheme``): HSTS is sent on https
      only, and with ``SECURE_SSL_REDIRECT`` an http request is redirected by
      the full path (a redirect is never kept, so no http copy exists);
    * a request with a body (``Content-Length``, which the request guard may
      refuse) or a query string takes the full path, and a path the guard
      refuses (NUL) is never kept;
    * a page whose CSP carries a nonce is never kept (a nonce is per response);
    * the Host is checked against ``ALLOWED_HOSTS`` on every hit.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if (request.method != "GET" or meta.get("QUERY_STRING") or meta.get("CONTENT_LENGTH", "0") != "0"
                or not request.path.startswith(READER_PREFIX) or not settings.RELEASE_PAGE_LOCAL_BYTES):
            return self.get_response(request)
        stamp = remembered_stamp.get()  # read before the view reads the database: a publication after makes it stale
        if stamp is None:
            return self.get_response(request)
        key = local_key(request)
        page = local_pages.get(key, stamp)
        if page is not None and not any(name in request.headers for name in page.vary):
            request.get_host()  # ALLOWED_HOSTS, as on every other path (DisallowedHost is a 400)
            return page.response(request)
        response = self.get_response(request)
        if _keepable(response):
            local_pages.put(key, LocalPage(
                body=response.content, etag=response["ETag"],
                headers=tuple((name, value) for name, value in response.items() if name.lower() not in _NOT_KEPT),
                vary=frozenset(part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()),
                stamp=stamp, expires=time.monotonic() + LOCAL_TTL,
            ))
        return response


def local_key(request: HttpRequest) -> str:
    """What a page is kept under: its path and scheme (an https answer carries HSTS, an http one must not)."""
    return f"{request.scheme}:{request.path}"


def _keepable(response: HttpResponse) -> bool:
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",")}
    return (getattr(response, LOCAL_PAGE_ATTRIBUTE, False) and response.status_code == 200
            and not response.streaming and not response.cookies and "cookie" not in vary and response.has_header("ETag")
            and not any("'nonce-" in response.get(header, "") for header in _CSP_HEADERS))
