"""HTTP caching of reader pages of releases.

* ``/releases/<n>/`` never changes: strong ETag, ``Cache-Control: public,
  max-age=31536000, immutable``. Its "not the latest" notice is filled in by
  the browser from ``/api/briefings/<slug>/``, so the page itself stays fixed.
* ``/as-of/<date>/`` for a day that has ended in Asia/Tokyo names a fixed
  release: cached like a release page. For today it may change before
  midnight: ``no-cache`` (always revalidated) with an ETag.
* ``/briefings/<slug>/`` (latest): ``no-cache`` with an ETag.

Rendered pages are kept in the Django cache under the release, the page kind
and ``PAGE_VERSION``, never the request's Host (absolute URLs in pages come
from ``SITE_URL``); a conditional request with a matching ``If-None-Match``
gets a 304 without rendering anything.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

PAGE_VERSION = "6"  # bump when a reader page template changes
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    etag: str
    content_type: str


def immutable_hit(request: HttpRequest) -> HttpResponse | None:
    """The response for an immutable URL served before, straight from the cache: no database."""
    page: CachedPage | None = cache.get(_url_key(request))
    return None if page is None else _respond(request, page, immutable=True)


def cached_release_page(
    request: HttpRequest, *, key: str, immutable: bool, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """Serve a release page from the cache (or render and store it), honouring If-None-Match."""
    cache_key = f"release-page:{PAGE_VERSION}:{key}"
    page: CachedPage | None = cache.get(cache_key)
    if page is None:
        response = render()
        if hasattr(response, "render"):
            response.render()
        if response.status_code != 200:
            return response
        body = response.content
        page = CachedPage(body, f'"{hashlib.sha256(body).hexdigest()[:32]}"', response["Content-Type"])
        cache.set(cache_key, page, timeout=None if immutable else 60)
    if immutable:
        cache.set(_url_key(request), page, timeout=None)
    return _respond(request, page, immutable=immutable)


def _url_key(request: HttpRequest) -> str:
    return f"url-page:{PAGE_VERSION}:{request.path}"


def purge_after_publication(*, backdated: bool) -> None:
    """Drop what a new release can change.

    Pages keyed by release id (latest, today's as-of) miss by themselves once
    a newer release exists; a release dated in the past can change what past
    as-of URLs resolve to, so then everything cached goes.
    """
    if backdated:
        cache.clear()


def _respond(request: HttpRequest, page: CachedPage, *, immutable: bool) -> HttpResponse:
    headers = {"ETag": page.etag, "Cache-Control": IMMUTABLE if immutable else REVALIDATE}
    if _matches(request.headers.get("If-None-Match", ""), page.etag):
        not_modified = HttpResponseNotModified()
        for name, value in headers.items():
            not_modified[name] = value
        return not_modified
    response = HttpResponse(page.body, content_type=page.content_type)
    for name, value in headers.items():
        response[name] = value
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _matches(header: str, etag: str) -> bool:
    if not header:
        return False
    candidates = [part.strip().removeprefix("W/") for part in header.split(",")]
    return "*" in candidates or etag in candidates
