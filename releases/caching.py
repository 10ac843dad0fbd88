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
  (``releases.selectors.currency``), so it is rendered once per change of what
  it shows, never per request, and never keyed by the request's Host (absolute
  URLs in pages come from ``SITE_URL``).

(Until this change release pages were ``immutable`` for a year; that was
correct only while nothing live was shown in the HTML and headers.)
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

PAGE_VERSION = "7"  # bump when a reader page template changes
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
PAGE_TIMEOUT = 24 * 3600  # keys carry the day (access dates), so a day's pages expire with it


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    etag: str
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
    """Headers that belong with the body (Memento's ``Link`` and ``Memento-Datetime``)."""


def cached_release_page(
    request: HttpRequest, *, key: str, render: Callable[[], HttpResponse], headers: Callable[[], dict[str, str]]
) -> HttpResponse:
    """Serve a page from the cache (or render and store it), honouring If-None-Match."""
    cache_key = f"release-page:{PAGE_VERSION}:{key}"
    page: CachedPage | None = cache.get(cache_key)
    if page is None:
        response = render()
        if hasattr(response, "render"):
            response.render()
        if response.status_code != 200:
            return response
        body = response.content
        page = CachedPage(body, etag_of(body), response["Content-Type"], headers())
        cache.set(cache_key, page, timeout=PAGE_TIMEOUT)
    return respond(request, body=page.body, etag=page.etag, content_type=page.content_type, headers=page.headers)


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


def if_none_match(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    candidates = [part.strip().removeprefix("W/") for part in header.split(",")]
    return "*" in candidates or etag in candidates
