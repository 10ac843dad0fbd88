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

Each rendered page is also kept as the **last good copy** of its URL (release
n, or as-of day D), without the live stamp in the key: while the database
cannot be reached, ``served_while_database_down`` answers with that copy
(its live part as it was when rendered) instead of a 503.

(Until this change release pages were ``immutable`` for a year; that was
correct only while nothing live was shown in the HTML and headers.)
"""
from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

logger = logging.getLogger(__name__)

PAGE_VERSION = "9"  # bump when a reader page template changes
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
PAGE_TIMEOUT = 24 * 3600  # keys carry the day (access dates), so a day's pages expire with it
LAST_GOOD_TIMEOUT = 7 * 24 * 3600  # how long a page can stand in for the database


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
        if last_good:
            cache.set(_last_good_key(last_good), page, timeout=LAST_GOOD_TIMEOUT)
    return respond(request, body=page.body, etag=page.etag, content_type=page.content_type, headers=page.headers)


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


def if_none_match(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    candidates = [part.strip().removeprefix("W/") for part in header.split(",")]
    return "*" in candidates or etag in candidates
